import { EventLog, ExpectedVersion } from '@lifeline/core'
import { describeEventLogContract, Fixtures } from '@lifeline/core/testing'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as PostgresEventLog from './PostgresEventLog.js'
import { ORDER_LOCK } from './schema/migrations.js'
import { available, freshSchema, URL } from './testing/server.js'

const { cid, optedIn, purchased } = Fixtures
const run = await available()
const pools: pg.Pool[] = []
const schemas: string[] = []
const fresh = async (options: PostgresEventLog.Options = {}) => {
  const pool = new pg.Pool({ connectionString: URL, max: 12 })
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

  it('without the order lock a reader following positions can skip an event: the lock is what prevents it', async () => {
    const { pool, log } = await fresh()
    // Two raw inserts that bypass the function: the first draws a position and stays open.
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
    expect(ORDER_LOCK).toBeGreaterThan(0)
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
