import { EventLog, ExpectedVersion } from '@lifeline/core'
import { describeEventLogContract, Fixtures } from '@lifeline/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as PostgresEventLog from './PostgresEventLog.js'
import { available, freshSchema, URL } from './testing/server.js'

const { cid, nurtured, optedIn, purchased, referred } = Fixtures
const run = await available()
const pools: pg.Pool[] = []
const schemas: string[] = []
const fresh = async (options: PostgresEventLog.Options = {}) => {
  // Idle connections close soon: the file opens a pool per test and ends them all at the end.
  const pool = new pg.Pool({ connectionString: URL, max: 12, idleTimeoutMillis: 200 })
  pools.push(pool)
  const schema = freshSchema()
  schemas.push(schema)
  return { pool, log: await PostgresEventLog.open(pool, { schema, pollIntervalMs: 10, ...options }) }
}
afterAll(async () => {
  if (!run) return
  const admin = new pg.Client({ connectionString: URL })
  await admin.connect()
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.end()
  await Promise.all(pools.map((p) => p.end()))
})

describe.skipIf(!run)('PostgreSQL log', () => {
  describeEventLogContract('PostgreSQL', async () => ({ log: (await fresh()).log }))

  it('rejects UPDATE, DELETE and TRUNCATE on events at the database level', async () => {
    const { pool, log } = await fresh()
    await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    for (const sql of [
      `UPDATE ${log.schema}.events SET type = 'Churned'`,
      `DELETE FROM ${log.schema}.events`,
      `TRUNCATE ${log.schema}.events`,
    ]) {
      await expect(pool.query(sql)).rejects.toThrow(/lifeline events are append-only/)
    }
    expect(await log.headPosition()()).toEqual({ _tag: 'Right', right: 1 })
  })

  it('orders readers by commit: a slow transaction holds later appends back, and a reader sees every event once, in one order', async () => {
    const { pool, log } = await fresh()
    await log.append({ streamId: cid('first'), events: [optedIn('first', '2025-01-01T00:00:00Z')] })()
    // A slow writer: its append is done but not committed.
    const slow = await pool.connect()
    await slow.query('BEGIN')
    await slow.query(`SELECT * FROM ${log.schema}.lifeline_append($1, 'any', $2::jsonb, 0)`, [
      'slow',
      JSON.stringify([
        {
          eventId: '00000000-0000-4000-8000-000000000001',
          type: 'OptedIn',
          data: { channel: 'seo' },
          metadata: null,
          occurredAt: 0,
        },
      ]),
    ])
    // Later writers start while it is open; a reader follows the log the whole time.
    const later = Array.from({ length: 5 }, (_, i) =>
      log.append({ streamId: cid(`later-${i}`), events: [optedIn(`later-${i}`, '2025-01-02T00:00:00Z')] })(),
    )
    const seen: number[] = []
    const controller = new AbortController()
    const reader = (async () => {
      for await (const e of EventLog.subscribe(log, { signal: controller.signal, pageSize: 2 })) {
        seen.push(e.globalPosition)
        if (seen.length === 7) controller.abort()
      }
    })()
    await new Promise((r) => setTimeout(r, 300))
    expect(seen).toHaveLength(1) // nothing after the open transaction is visible yet
    await slow.query('COMMIT')
    slow.release()
    await Promise.all(later)
    await reader
    const all: number[] = []
    for await (const e of EventLog.readAll(log)) all.push(e.globalPosition)
    expect(seen).toEqual(all)
    expect(new Set(seen).size).toBe(7)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
  })

  it('without the ordering of positions by transaction a reader following positions can skip an event: it is what prevents it', async () => {
    const { pool, log } = await fresh()
    // Two raw inserts that bypass the function (their xid column reads 0, as if committed long
    // ago): the first draws a position and stays open.
    const first = await pool.connect()
    await first.query('BEGIN')
    await first.query(
      `INSERT INTO ${log.schema}.events (event_id, stream_id, stream_version, type, data, occurred_at, recorded_at)
       VALUES ('00000000-0000-4000-8000-00000000000a', 'x', 1, 'OptedIn', '{"channel":"seo"}', 0, 0)`,
    )
    await pool.query(
      `INSERT INTO ${log.schema}.events (event_id, stream_id, stream_version, type, data, occurred_at, recorded_at)
       VALUES ('00000000-0000-4000-8000-00000000000b', 'y', 1, 'OptedIn', '{"channel":"seo"}', 0, 0)`,
    )
    const page = await log.readPage(0, 10)()
    const checkpoint = page._tag === 'Right' ? page.right.lastPosition : -1
    await first.query('COMMIT')
    first.release()
    const after = await log.readPage(checkpoint, 10)()
    // The reader passed position 1 before it committed and never sees it.
    expect(after).toEqual({ _tag: 'Right', right: { events: [], lastPosition: checkpoint } })
  })

  it('with 16 writers appending at once (each append one autocommitted statement), a reader following positions sees every event once, in one order', async () => {
    const pool = new pg.Pool({ connectionString: URL, max: 20 })
    pools.push(pool)
    const schema = freshSchema()
    schemas.push(schema)
    const log = await PostgresEventLog.open(pool, { schema, pollIntervalMs: 5 })
    // 16 writers, 25 one-event appends each (400 events), half of them in two-stream appendMany.
    const writers = Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; i < 25; i++) {
        const id = `w${w}-${i}`
        const result =
          i % 2 === 0
            ? await log.append({ streamId: cid(id), events: [optedIn(id, '2025-01-01T00:00:00Z')] })()
            : await log.appendMany([{ streamId: cid(id), events: [optedIn(id, '2025-01-01T00:00:00Z')] }])()
        expect(result._tag).toBe('Right')
      }
    })
    const seen: number[] = []
    const controller = new AbortController()
    const reader = (async () => {
      for await (const e of EventLog.subscribe(log, { signal: controller.signal, pageSize: 3 })) {
        seen.push(e.globalPosition)
        if (seen.length === 400) controller.abort()
      }
    })()
    await Promise.all(writers)
    const deadline = Date.now() + 20_000
    while (seen.length < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    await reader
    const all: number[] = []
    for await (const e of EventLog.readAll(log)) all.push(e.globalPosition)
    expect(all).toHaveLength(400)
    // Every committed event seen by the follower, once each, in position order: none skipped.
    expect(seen).toEqual(all)
  }, 60_000)

  it('wakes a follower by LISTEN/NOTIFY when another instance appends, long before its poll would', async () => {
    const { log: writer, pool } = await fresh()
    // The follower polls once a minute: only the notification can wake it within the test.
    const follower = await PostgresEventLog.open(pool, { schema: writer.schema, pollIntervalMs: 60_000 })
    const seen: number[] = []
    const controller = new AbortController()
    const following = (async () => {
      for await (const e of EventLog.subscribe(follower, { signal: controller.signal })) seen.push(e.globalPosition)
    })()
    await new Promise((r) => setTimeout(r, 300)) // the follower is waiting, its listener connected
    const started = Date.now()
    await writer.append({ streamId: cid('n'), events: [optedIn('n', '2025-01-01T00:00:00Z')] })()
    while (seen.length === 0 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 5))
    expect(seen).toEqual([1])
    expect(Date.now() - started).toBeLessThan(5_000)
    controller.abort()
    await following
  })

  it('lets only one instance run a projection at a time, and hands it over on release', async () => {
    const { log } = await fresh()
    const a = await log.claimProjection('report')()
    const b = await log.claimProjection('report')()
    expect(a._tag === 'Right' && a.right !== null).toBe(true)
    expect(b).toEqual({ _tag: 'Right', right: null })
    if (a._tag === 'Right' && a.right !== null) await a.right.release()
    const c = await log.claimProjection('report')()
    expect(c._tag === 'Right' && c.right !== null).toBe(true)
    if (c._tag === 'Right' && c.right !== null) await c.right.release()
  })

  it('reports a conflict with the stream and its actual version', async () => {
    const { log } = await fresh()
    await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    const result = await log.appendMany([
      { streamId: cid('b'), events: [optedIn('b', '2025-01-01T00:00:00Z')], expectedVersion: ExpectedVersion.noStream },
      {
        streamId: cid('a'),
        events: [purchased('a', '2025-01-02T00:00:00Z', 'o', 1)],
        expectedVersion: ExpectedVersion.noStream,
      },
    ])()
    expect(result).toEqual({
      _tag: 'Left',
      left: { _tag: 'VersionConflict', streamId: 'a', expected: ExpectedVersion.noStream, actual: 1 },
    })
    expect(await log.readStream(cid('b'))()).toEqual({ _tag: 'Right', right: [] })
  })

  it('Given two appends to one stream at once, both expecting its version 1, then one appends (version 2) and the other is a VersionConflict naming version 2', async () => {
    const { log } = await fresh()
    await log.append({ streamId: cid('s'), events: [optedIn('s', '2025-01-01T00:00:00Z')] })()
    const both = await Promise.all(
      ['o1', 'o2'].map((order) =>
        log.append({
          streamId: cid('s'),
          events: [purchased('s', '2025-01-02T00:00:00Z', order, 100)],
          expectedVersion: ExpectedVersion.exactly(1),
        })(),
      ),
    )
    const rights = both.filter((r) => r._tag === 'Right')
    expect(rights.map((r) => r._tag === 'Right' && r.right.streamVersion)).toEqual([2])
    expect(both.filter((r) => r._tag === 'Left')).toEqual([
      {
        _tag: 'Left',
        left: { _tag: 'VersionConflict', streamId: 's', expected: ExpectedVersion.exactly(1), actual: 2 },
      },
    ])
    const stream = await log.readStream(cid('s'))()
    expect(stream._tag === 'Right' && stream.right.map((e) => e.streamVersion)).toEqual([1, 2])
  })

  it('Given an append of 100 streams (no stream locks above 64) held open, when another append of 100 streams sharing 20 of them runs, then it waits, meets the first on (stream, version), is tried again once the first commits, and completes after it', async () => {
    const { pool, log } = await fresh()
    const events = (side: string, from: number) =>
      Array.from({ length: 100 }, (_, i) => {
        const id = `c${from + i}`
        return { streamId: cid(id), events: [purchased(id, '2025-01-02T00:00:00Z', `${side}-${from + i}`, 100)] }
      })
    // The first append, through the function in a transaction left open: streams c0..c99.
    const held = await pool.connect()
    await held.query('BEGIN')
    await held.query(`SELECT * FROM ${log.schema}.lifeline_append_many($1::jsonb, 0)`, [
      JSON.stringify(
        events('a', 0).map((b, i) => ({
          stream: b.streamId,
          expected: 'any',
          events: [
            {
              eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
              type: 'Purchased',
              data: { orderId: `a-${i}`, amountCents: 100, currency: 'USD' },
              metadata: null,
              occurredAt: Date.parse('2025-01-02T00:00:00Z'),
            },
          ],
        })),
      ),
    ])
    // The second: streams c80..c179; it blocks on c80's version 1 until the first commits.
    const second = log.appendMany(events('b', 80))()
    await new Promise((r) => setTimeout(r, 300))
    await held.query('COMMIT')
    held.release()
    const result = await second
    expect(result._tag).toBe('Right')
    for (let i = 80; i < 100; i++) {
      const stream = await log.readStream(cid(`c${i}`))()
      expect(
        stream._tag === 'Right' && stream.right.map((e) => [e.streamVersion, e.type === 'Purchased' && e.orderId]),
      ).toEqual([
        [1, `a-${i}`],
        [2, `b-${i}`],
      ])
    }
    let count = 0
    for await (const _ of EventLog.readAll(log)) count++
    expect(count).toBe(200)
  })

  it('Given an older open transaction that wrote anything (here a temporary table), then readers wait for it to end before they see later appends, and then see them', async () => {
    const { pool, log } = await fresh()
    const other = await pool.connect()
    try {
      await other.query('BEGIN')
      await other.query('CREATE TEMPORARY TABLE lifeline_test_other (x INTEGER)')
      const appended = await log.append({ streamId: cid('w'), events: [optedIn('w', '2025-01-01T00:00:00Z')] })()
      expect(appended._tag).toBe('Right')
      expect(await log.headPosition()()).toEqual({ _tag: 'Right', right: 0 })
      expect(await log.readPage(0, 10)()).toEqual({ _tag: 'Right', right: { events: [], lastPosition: 0 } })
    } finally {
      await other.query('ROLLBACK')
      other.release()
    }
    expect(await log.headPosition()()).toEqual({ _tag: 'Right', right: 1 })
    const page = await log.readPage(0, 10)()
    expect(page._tag === 'Right' && page.right.events.map((e) => e.customerId)).toEqual(['w'])
  })

  it('refuses an append made after another write of its transaction (its transaction id would not order its positions)', async () => {
    const { pool, log } = await fresh()
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await client.query(`INSERT INTO ${log.schema}.erasures (key, erased_at) VALUES ('k', 1)`)
      await expect(
        client.query(`SELECT * FROM ${log.schema}.lifeline_append('x', 'any', $1::jsonb, 0)`, [
          JSON.stringify([
            {
              eventId: '00000000-0000-4000-8000-0000000000c1',
              type: 'OptedIn',
              data: { channel: 'seo' },
              occurredAt: 0,
            },
          ]),
        ]),
      ).rejects.toThrow(/must be the first write of its transaction/)
    } finally {
      await client.query('ROLLBACK')
      client.release()
    }
  })

  it('Given a new log (no statistics yet), when appends of one and of three events are made, then none of them scans the events table: stored ids are looked up in their unique index', async () => {
    // One connection, so that its table statistics can be flushed and read back.
    const pool = new pg.Pool({ connectionString: URL, max: 1, idleTimeoutMillis: 200 })
    pools.push(pool)
    const schema = freshSchema()
    schemas.push(schema)
    const log = await PostgresEventLog.open(pool, { schema })
    const rowsScanned = async (): Promise<number> => {
      await pool.query('SELECT pg_stat_force_next_flush()') // flushed as the connection goes idle
      const { rows } = await pool.query(
        `SELECT seq_tup_read FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'events'`,
        [schema],
      )
      return Number((rows[0] as { seq_tup_read: string }).seq_tup_read)
    }
    const before = await rowsScanned()
    for (let i = 0; i < 20; i++) {
      const id = `s${i}`
      const one = await log.append({ streamId: cid(id), events: [optedIn(id, '2025-01-01T00:00:00Z')] })()
      expect(one._tag).toBe('Right')
      const three = await log.append({
        streamId: cid(`m${i}`),
        events: ['01', '02', '03'].map((d) => nurtured(`m${i}`, `2025-01-${d}T00:00:00Z`)),
      })()
      expect(three._tag).toBe('Right')
    }
    // Scanning the table on each append would have read 0 + 1 + 4 + 5 + 8 + ... rows (migration 4's plan).
    expect(await rowsScanned()).toBe(before)
    expect(await log.headPosition()()).toEqual({ _tag: 'Right', right: 80 })
  })

  it('Given checkpoints saved as text and as bytes, when loaded, then both come back as bytes (Uint8Array), as on SQLite', async () => {
    const { log } = await fresh()
    await log.saveCheckpoint('report', { position: 9, state: '{"x":2}' })()
    await log.saveCheckpoint('bytes', { position: 3, state: Uint8Array.of(0, 255, 7) })()
    expect(await log.loadCheckpoint('report')()).toEqual({
      _tag: 'Right',
      right: { position: 9, state: new TextEncoder().encode('{"x":2}') },
    })
    expect(await log.loadCheckpoint('bytes')()).toEqual({
      _tag: 'Right',
      right: { position: 3, state: Uint8Array.of(0, 255, 7) },
    })
  })

  it('Given a log from connect(url), when closed, then a waiting reader wakes and the pool is ended', async () => {
    const schema = freshSchema()
    schemas.push(schema)
    const log = await PostgresEventLog.connect(URL, { schema, pollIntervalMs: 10_000 })
    const waiting = log.waitForEvents(0)
    await log.close()
    await waiting
    expect(await log.headPosition()()).toMatchObject({ _tag: 'Left', left: { _tag: 'StorageFailed' } })
  })
})

describe.skipIf(!run)('PostgreSQL erasure', () => {
  it('Given a forget, then a plain UPDATE, DELETE or TRUNCATE on events still fails, also with the flag set outside forget by SET', async () => {
    const { pool, log } = await fresh()
    await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    await log.append({ streamId: cid('b'), events: [optedIn('b', '2025-01-01T00:00:00Z')] })()
    expect(await log.forget(cid('a'))()).toMatchObject({
      _tag: 'Right',
      right: { _tag: 'Forgotten', eventsRewritten: 1 },
    })
    for (const sql of [
      `UPDATE ${log.schema}.events SET stream_id = 'x' WHERE stream_id = 'b'`,
      `DELETE FROM ${log.schema}.events`,
      `TRUNCATE ${log.schema}.events`,
    ]) {
      await expect(pool.query(sql)).rejects.toThrow(/lifeline events are append-only/)
    }
    // With the flag set by hand, only the exact shape of forget's rewrite could pass: no other change.
    for (const change of [
      "type = 'Churned'",
      'occurred_at = 0',
      "stream_id = 'x'",
      `data = '{"channel":"tampered"}'`,
      'stream_version = 9',
    ]) {
      const tamper = await pool.connect()
      try {
        await tamper.query('BEGIN')
        await tamper.query("SET LOCAL lifeline.erasing = 'on'")
        await expect(tamper.query(`UPDATE ${log.schema}.events SET ${change} WHERE stream_id = 'b'`)).rejects.toThrow(
          /lifeline events are append-only: UPDATE is not allowed/,
        )
      } finally {
        await tamper.query('ROLLBACK')
        tamper.release()
      }
    }
    // The erasure records and the secret are kept.
    for (const sql of [
      `DELETE FROM ${log.schema}.erasures`,
      `TRUNCATE ${log.schema}.erasures`,
      `UPDATE ${log.schema}.erasures SET erased_at = 0`,
      `UPDATE ${log.schema}.lifeline_secret SET secret = '\\x00'`,
      `DELETE FROM ${log.schema}.lifeline_secret`,
    ]) {
      await expect(pool.query(sql)).rejects.toThrow(/is kept|are kept/)
    }
    expect(await log.erasedAt([cid('a')])()).toMatchObject({
      _tag: 'Right',
      right: new Map([['a', expect.any(Number)]]),
    })
    // The flag of forget's transaction does not outlive it.
    const client = await pool.connect()
    try {
      expect(
        (await client.query<{ v: string | null }>("SELECT current_setting('lifeline.erasing', TRUE) AS v")).rows[0]!.v,
      ).not.toBe('on')
    } finally {
      client.release()
    }
  })

  it('Given an id in events, references, metadata and a checkpoint, when forgotten, then no row of the schema holds the id or the metadata value', async () => {
    const { pool, log } = await fresh()
    const id = 'jane.roe+lifeline@example.org'
    const secretValue = 'jane-phone-0049-171-5550123'
    const joins = { ...optedIn(id, '2025-01-01T09:00:00Z'), metadata: { phone: secretValue } }
    await log.append({ streamId: cid(id), events: [joins, purchased(id, '2025-01-02T09:00:00Z', 'J-1', 1_200)] })()
    await log.append({
      streamId: cid('max'),
      events: [optedIn('max', '2024-12-01T09:00:00Z'), referred('max', '2024-12-30T09:00:00Z', id)],
    })()
    await log.saveCheckpoint('opaque', { position: 4, state: `["max",${JSON.stringify(id)}]` })()
    const traces = async (needle: string): Promise<number> => {
      let n = 0
      for (const table of ['events', 'checkpoints', 'erasures', 'lifeline_secret']) {
        const { rows } = await pool.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM ${log.schema}.${table} t WHERE t::text LIKE '%' || $1 || '%'`,
          [needle],
        )
        n += Number(rows[0]!.n)
      }
      const states = await pool.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${log.schema}.checkpoints WHERE position(convert_to($1, 'UTF8') IN state) > 0`,
        [needle],
      )
      return n + Number(states.rows[0]!.n)
    }
    // The planner's statistics sample the values of stream_id (and of the indexed expressions).
    await pool.query(`ANALYZE ${log.schema}.events`)
    const inStats = async (): Promise<number> =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT COUNT(*) AS n FROM pg_stats WHERE schemaname = $1 AND (most_common_vals::text LIKE '%' || $2 || '%' OR histogram_bounds::text LIKE '%' || $2 || '%')`,
            [log.schema, id],
          )
        ).rows[0]!.n,
      )
    expect(await inStats()).toBeGreaterThan(0)
    // The test can fail: before, the id is in 3 events and the checkpoint's bytes, the value in 1 event.
    expect(await traces(id)).toBe(4)
    expect(await traces(secretValue)).toBe(1)
    const result = await log.forget(cid(id))()
    expect(result).toMatchObject({
      _tag: 'Right',
      right: {
        _tag: 'Forgotten',
        eventsRewritten: 2,
        referencesRewritten: 1,
        checkpointsRewritten: 0,
        checkpointsDropped: 1,
      },
    })
    expect(await traces(id)).toBe(0)
    expect(await traces(secretValue)).toBe(0)
    expect(await inStats()).toBe(0)
  })

  it('Given two services on one log, when one forgets a customer while the other appends its earlier events, then every append either came before the erasure (and is rewritten) or is Erased', async () => {
    const first = await fresh()
    const second = await PostgresEventLog.open(first.pool, { schema: first.log.schema })
    const id = 'sam@example.org'
    await first.log.append({ streamId: cid(id), events: [optedIn(id, '2025-01-01T00:00:00Z')] })()
    const appends = Array.from({ length: 40 }, (_, i) =>
      second.append({ streamId: cid(id), events: [purchased(id, '2025-02-01T00:00:00Z', `S-${i}`, 100)] })(),
    )
    const forgetting = first.log.forget(cid(id))()
    const results = await Promise.all(appends)
    const erased = await forgetting
    if (erased._tag === 'Left' || erased.right._tag !== 'Forgotten') throw new Error(JSON.stringify(erased))
    const accepted = results.filter((r) => r._tag === 'Right').length
    expect(results.filter((r) => r._tag === 'Left' && r.left._tag !== 'Erased')).toEqual([])
    // The opt-in and every accepted purchase were rewritten; nothing of the id was left behind.
    expect(erased.right.eventsRewritten).toBe(1 + accepted)
    expect(await first.log.readStream(cid(id))()).toEqual({ _tag: 'Right', right: [] })
    const stream = await first.log.readStream(erased.right.pseudonym)()
    expect(stream._tag === 'Right' && stream.right.length).toBe(1 + accepted)
  })

  it('Given a checkpoint folded before a forget, when saved after it, then it is not saved (it may hold the forgotten id)', async () => {
    const { log } = await fresh()
    await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    expect(await log.erasureGeneration()()).toEqual({ _tag: 'Right', right: 0 })
    await log.forget(cid('a'))()
    expect(await log.erasureGeneration()()).toEqual({ _tag: 'Right', right: 1 })
    await log.saveCheckpoint('stale', { position: 1, state: '["a"]', erasureGeneration: 0 })()
    expect(await log.loadCheckpoint('stale')()).toEqual({ _tag: 'Right', right: null })
    await log.saveCheckpoint('fresh', { position: 1, state: '[]', erasureGeneration: 1 })()
    expect(await log.loadCheckpoint('fresh')()).toMatchObject({ _tag: 'Right', right: { position: 1 } })
  })
})
