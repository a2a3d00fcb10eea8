import { fork } from 'node:child_process'
import v8 from 'node:v8'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Erasure, EventLog, ExpectedVersion } from '@lifeline/core'
import { describeEventLogContract, Fixtures } from '@lifeline/core/testing'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import * as SqliteEventLog from './SqliteEventLog.js'
import { MIGRATIONS } from './schema/migrations.js'

const { cid, optedIn, purchased, referred } = Fixtures
const dir = mkdtempSync(join(tmpdir(), 'lifeline-sqlite-'))
let files = 0
const freshFile = (): string => join(dir, `log-${++files}.db`)

describeEventLogContract('SQLite in memory', () => {
  const log = SqliteEventLog.open(new Database(':memory:'), { pollIntervalMs: 5 })
  return Promise.resolve({ log, close: () => Promise.resolve(log.close()) })
})

describeEventLogContract('SQLite file', () => {
  const log = SqliteEventLog.open(new Database(freshFile()), { pollIntervalMs: 5, synchronous: 'NORMAL' })
  return Promise.resolve({ log, close: () => Promise.resolve(log.close()) })
})

describe('SQLite log', () => {
  it('Given a file path, when opened with openFile (the driver found beside the adapter), then the events survive a reopen', async () => {
    const path = freshFile()
    const first = SqliteEventLog.openFile(path)
    await first.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    first.close()
    const again = SqliteEventLog.openFile(path)
    expect(await again.readStream(cid('a'))()).toMatchObject({
      _tag: 'Right',
      right: [{ type: 'OptedIn', streamVersion: 1 }],
    })
    again.close()
  })

  it('rejects UPDATE and DELETE on events at the database level', async () => {
    const log = SqliteEventLog.open(new Database(':memory:'))
    await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    expect(() => log.db.exec("UPDATE events SET type = 'Churned'")).toThrow(
      'lifeline events are append-only: UPDATE is not allowed',
    )
    expect(() => log.db.exec('DELETE FROM events')).toThrow('lifeline events are append-only: DELETE is not allowed')
    expect(await log.headPosition()()).toEqual({ _tag: 'Right', right: 1 })
  })

  it('uses WAL mode and records each migration once, however often it is opened', () => {
    const path = freshFile()
    const first = SqliteEventLog.open(new Database(path))
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal')
    first.close()
    const second = SqliteEventLog.open(new Database(path))
    expect(second.db.prepare('SELECT version, name FROM lifeline_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'events, append-only' },
      { version: 2, name: 'projection checkpoints' },
      { version: 3, name: 'erasure' },
    ])
    second.close()
  })

  it('keeps events across reopening, with their envelopes', async () => {
    const path = freshFile()
    const first = SqliteEventLog.open(new Database(path), { clock: () => Date.UTC(2025, 5, 1) })
    const event = { ...purchased('a', '2025-01-02T03:04:05.006Z', 'o1', 1999, 'EUR'), metadata: { source: 'shop' } }
    const appended = await first.append({ streamId: cid('a'), events: [event] })()
    first.close()
    const second = SqliteEventLog.open(new Database(path))
    const stored = await second.readStream(cid('a'))()
    expect(stored).toEqual({ _tag: 'Right', right: appended._tag === 'Right' ? appended.right.appended : null })
    expect(stored._tag === 'Right' && stored.right[0]).toMatchObject({
      ...event,
      streamVersion: 1,
      globalPosition: 1,
      recordedAt: Date.UTC(2025, 5, 1),
    })
    second.close()
  })

  it('stores projection checkpoints in the same database', async () => {
    const log = SqliteEventLog.open(new Database(':memory:'))
    expect(await log.loadCheckpoint('report')()).toEqual({ _tag: 'Right', right: null })
    await log.saveCheckpoint('report', { position: 7, state: '{"x":1}' })()
    await log.saveCheckpoint('report', { position: 9, state: '{"x":2}' })()
    // Saved as text, loaded as its UTF-8 bytes: the one type every adapter gives back.
    expect(await log.loadCheckpoint('report')()).toEqual({
      _tag: 'Right',
      right: { position: 9, state: new TextEncoder().encode('{"x":2}') },
    })
    await log.saveCheckpoint('bytes', { position: 3, state: Uint8Array.of(0, 255, 7) })()
    expect(await log.loadCheckpoint('bytes')()).toEqual({
      _tag: 'Right',
      right: { position: 3, state: Uint8Array.of(0, 255, 7) },
    })
  })

  it('turns a storage failure into a StorageFailed value, not an exception', async () => {
    const log = SqliteEventLog.open(new Database(':memory:'))
    log.db.close()
    const result = await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    expect(result).toMatchObject({ _tag: 'Left', left: { _tag: 'StorageFailed' } })
  })

  it('lets several processes write one file at once: nothing lost, nothing duplicated, one winner per version', async () => {
    const path = freshFile()
    SqliteEventLog.open(new Database(path)).close()
    const writer = resolve(import.meta.dirname, 'testing/writer.ts')
    const run = (name: string) =>
      new Promise<{ conflicts: number; appended: number }>((done, fail) => {
        const child = fork(writer, [path, name, '200'], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        })
        child.on('message', (m) => done(m as { conflicts: number; appended: number }))
        child.on('exit', (code) => (code === 0 ? undefined : fail(new Error(`writer ${name} exited ${code}`))))
      })
    const results = await Promise.all([run('p1'), run('p2'), run('p3')])
    const log = SqliteEventLog.open(new Database(path))
    const all: EventLog.Page['events'][number][] = []
    for await (const e of EventLog.readAll(log)) all.push(e)
    // Each writer appends 200 events to its own stream and races on the shared one.
    const own = all.filter((e) => e.customerId !== 'shared')
    expect(own).toHaveLength(600)
    const shared = all.filter((e) => e.customerId === 'shared')
    expect(shared.map((e) => e.streamVersion)).toEqual(shared.map((_, i) => i + 1))
    expect(results.reduce((n, r) => n + r.appended, 0)).toBe(all.length)
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length)
    expect(all.map((e) => e.globalPosition)).toEqual([...all.map((e) => e.globalPosition)].sort((a, b) => a - b))
    log.close()
  })

  it('reports an expected-version conflict between processes as a typed value', async () => {
    const path = freshFile()
    const a = SqliteEventLog.open(new Database(path))
    const b = SqliteEventLog.open(new Database(path))
    await a.append({ streamId: cid('x'), events: [optedIn('x', '2025-01-01T00:00:00Z')] })()
    const conflict = await b.append({
      streamId: cid('x'),
      events: [purchased('x', '2025-01-02T00:00:00Z', 'o', 1)],
      expectedVersion: ExpectedVersion.noStream,
    })()
    expect(conflict).toEqual({
      _tag: 'Left',
      left: { _tag: 'VersionConflict', streamId: 'x', expected: ExpectedVersion.noStream, actual: 1 },
    })
    a.close()
    b.close()
  })
})

describe('SQLite erasure', () => {
  it('Given a forget, then a plain UPDATE or DELETE on events still fails: only the rewrite inside forget passes, and the erasure records and the secret are kept', async () => {
    const path = freshFile()
    const log = SqliteEventLog.open(new Database(path))
    await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    await log.append({ streamId: cid('b'), events: [optedIn('b', '2025-01-01T00:00:00Z')] })()
    expect(log.forgetSync([cid('a')])).toMatchObject({
      _tag: 'Right',
      right: [{ _tag: 'Forgotten', eventsRewritten: 1 }],
    })
    const refused = 'lifeline events are append-only: UPDATE is not allowed'
    expect(() => log.db.exec("UPDATE events SET stream_id = 'x' WHERE stream_id = 'b'")).toThrow(refused)
    expect(() => log.db.exec("UPDATE events SET stream_id = 'erased-x' WHERE stream_id = 'b'")).toThrow(refused)
    expect(() => log.db.exec('DELETE FROM events')).toThrow('lifeline events are append-only: DELETE is not allowed')
    expect(() => log.db.exec('DELETE FROM erasures')).toThrow('lifeline erasures are kept: DELETE is not allowed')
    expect(() => log.db.exec('UPDATE erasures SET erased_at = 0')).toThrow('lifeline erasures are kept')
    expect(() => log.db.exec('UPDATE lifeline_secret SET secret = zeroblob(32)')).toThrow('the lifeline secret is kept')
    expect(() => log.db.exec('DELETE FROM lifeline_secret')).toThrow('the lifeline secret is kept')
    // Another connection (another tool, the sqlite3 shell) has no lifeline_erasing(): its UPDATE fails.
    const other = new Database(path)
    expect(() => other.exec("UPDATE events SET stream_id = 'x' WHERE stream_id = 'b'")).toThrow('no such function')
    // One that fakes the function still passes only the exact rewrite of forget.
    other.function('lifeline_erasing', () => 1)
    expect(() => other.exec("UPDATE events SET type = 'Churned' WHERE stream_id = 'b'")).toThrow(refused)
    expect(() => other.exec("UPDATE events SET occurred_at = 0 WHERE stream_id = 'b'")).toThrow(refused)
    expect(() => other.exec("UPDATE events SET stream_id = 'x' WHERE stream_id = 'b'")).toThrow(refused)
    expect(() => other.exec(`UPDATE events SET data = '{"channel":"tampered"}' WHERE stream_id = 'b'`)).toThrow(refused)
    other.close()
    // A forget that fails half-way (its checkpoint rewriter throws) rolls back and leaves the switch off.
    await log.saveCheckpoint('c', { position: 2, state: 'b' })()
    const failed = log.forgetSync([cid('b')], {
      rewriteCheckpoint: () => {
        throw new Error('rewriter failed')
      },
    })
    expect(failed).toMatchObject({ _tag: 'Left', left: { _tag: 'StorageFailed' } })
    expect(await log.readStream(cid('b'))()).toMatchObject({ _tag: 'Right', right: [{ customerId: 'b' }] })
    expect(await log.erasedAt([cid('a'), cid('b')])()).toMatchObject({
      _tag: 'Right',
      right: new Map([['a', expect.any(Number)]]),
    })
    expect(() => log.db.exec("UPDATE events SET stream_id = 'erased-x' WHERE stream_id = 'b'")).toThrow(refused)
    log.close()
  })

  it('Given a checkpoint folded before a forget, when saved after it, then it is not saved (it may hold the forgotten id)', async () => {
    const log = SqliteEventLog.open(new Database(':memory:'))
    await log.append({ streamId: cid('a'), events: [optedIn('a', '2025-01-01T00:00:00Z')] })()
    const before = await log.erasureGeneration()()
    expect(before).toEqual({ _tag: 'Right', right: 0 })
    await log.forget(cid('a'))()
    expect(await log.erasureGeneration()()).toEqual({ _tag: 'Right', right: 1 })
    await log.saveCheckpoint('stale', { position: 1, state: '["a"]', erasureGeneration: 0 })()
    expect(await log.loadCheckpoint('stale')()).toEqual({ _tag: 'Right', right: null })
    await log.saveCheckpoint('fresh', { position: 1, state: '[]', erasureGeneration: 1 })()
    expect(await log.loadCheckpoint('fresh')()).toMatchObject({ _tag: 'Right', right: { position: 1 } })
    // Forgetting nobody does not move the generation.
    await log.forget(cid('nobody'))()
    expect(await log.erasureGeneration()()).toEqual({ _tag: 'Right', right: 1 })
    log.close()
  })

  it('Given a file log with an id in events, references, metadata and checkpoints, when forgotten, then no byte of the id or of a metadata value is left in the file or the WAL', async () => {
    const path = freshFile()
    const log = SqliteEventLog.open(new Database(path))
    const id = 'jane.roe+lifeline@example.org'
    const secretValue = 'jane-phone-0049-171-5550123'
    const joins = { ...optedIn(id, '2025-01-01T09:00:00Z'), metadata: { phone: secretValue } }
    await log.append({ streamId: cid(id), events: [joins, purchased(id, '2025-01-02T09:00:00Z', 'J-1', 1_200)] })()
    await log.append({ streamId: cid('max'), events: [optedIn('max', '2024-12-01T09:00:00Z')] })()
    await log.append({ streamId: cid('max'), events: [referred('max', '2024-12-30T09:00:00Z', id)] })()
    // One checkpoint a rewriter knows (the id as JSON text), one it does not (the id as a v8 string).
    await log.saveCheckpoint('known', { position: 4, state: `{"ids":["max",${JSON.stringify(id)}]}` })()
    await log.saveCheckpoint('opaque', { position: 4, state: v8.serialize({ who: [`x${id}`, id] }) })()
    const files = (): Buffer => Buffer.concat([path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f)))
    // An operator ran ANALYZE: sqlite_stat4 keeps sample keys of the indexes, the id among them.
    log.db.exec('ANALYZE')
    const sampled = (): boolean =>
      (log.db.prepare('SELECT sample FROM sqlite_stat4').all() as { sample: Uint8Array }[]).some((r) =>
        Erasure.holds(r.sample, id),
      )
    expect(sampled()).toBe(true)
    // The test can fail: before the erasure, the bytes are there.
    expect(Erasure.holds(files(), id)).toBe(true)
    expect(Erasure.holds(files(), secretValue)).toBe(true)
    const forgot = await log.forget(cid(id), {
      rewriteCheckpoint: (name, state, renames) =>
        name === 'known'
          ? new TextDecoder().decode(state).replace(JSON.stringify(id), JSON.stringify(renames[0]!.pseudonym))
          : undefined,
    })()
    const result = forgot._tag === 'Right' ? forgot.right : null
    if (result?._tag !== 'Forgotten') throw new Error(JSON.stringify(forgot))
    expect(result).toMatchObject({
      eventsRewritten: 2,
      referencesRewritten: 1,
      checkpointsRewritten: 1,
      checkpointsDropped: 1,
    })
    expect(sampled()).toBe(false)
    expect(Erasure.holds(files(), id)).toBe(false)
    expect(Erasure.holds(files(), secretValue)).toBe(false)
    expect(existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).length : 0).toBe(0)
    const known = await log.loadCheckpoint('known')()
    expect(known._tag === 'Right' && new TextDecoder().decode(known.right!.state)).toBe(
      `{"ids":["max",${JSON.stringify(result.pseudonym)}]}`,
    )
    expect(await log.loadCheckpoint('opaque')()).toEqual({ _tag: 'Right', right: null })
    log.close()
    expect(Erasure.holds(readFileSync(path), id)).toBe(false)
  })

  it('Given a file of an older version with a replaced checkpoint left in free pages, when opened by this version, then it is rewritten once and the old bytes are gone', () => {
    const path = freshFile()
    const old = new Database(path)
    old.pragma('journal_mode = WAL')
    old.exec(
      'CREATE TABLE lifeline_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    )
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
      old.exec(m.sql)
      old.prepare('INSERT INTO lifeline_migrations VALUES (?, ?, 0)').run(m.version, m.name)
    }
    const id = 'old.customer@example.org'
    const save = old.prepare(
      'INSERT OR REPLACE INTO checkpoints (name, position, state, updated_at) VALUES (?, 1, ?, 0)',
    )
    save.run('report', Buffer.from(`${id} `.repeat(2_000)))
    save.run('report', Buffer.from('x'.repeat(100)))
    old.pragma('wal_checkpoint(TRUNCATE)')
    old.close()
    // The test can fail: the replaced state is still in the file's free pages.
    expect(Erasure.holds(readFileSync(path), id)).toBe(true)
    const log = SqliteEventLog.open(new Database(path))
    log.close()
    expect(Erasure.holds(readFileSync(path), id)).toBe(false)
  })
})
