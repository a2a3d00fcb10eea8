import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { EventLog, LifecycleEvent, type RecordedEvent } from '@lifeline/core'
import { Fixtures } from '@lifeline/core/testing'
import { Fold, LedgerCheckpoint, ProjectionRunner, Report, type Ledger } from '@lifeline/projections'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as OwnedProjection from './OwnedProjection.js'
import * as PostgresEventLog from './PostgresEventLog.js'
import { available, freshSchema, URL } from './testing/server.js'

const { optedIn, purchased } = Fixtures
const ok = await available()
const pools: pg.Pool[] = []
const schemas: string[] = []
const fresh = async () => {
  // Idle connections close soon: the file opens a pool per test and ends them all at the end.
  const pool = new pg.Pool({ connectionString: URL, max: 12, idleTimeoutMillis: 200 })
  pools.push(pool)
  const schema = freshSchema()
  schemas.push(schema)
  return { pool, schema, log: await PostgresEventLog.open(pool, { schema, pollIntervalMs: 10 }) }
}
afterAll(async () => {
  if (!ok) return
  await Promise.all(pools.map((p) => p.end()))
  const admin = new pg.Client({ connectionString: URL })
  await admin.connect()
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.end()
})

/** Three events per customer: opt-in and two purchases. */
const history = (i: number) => [
  optedIn(`c${i}`, '2025-01-01T00:00:00Z'),
  purchased(`c${i}`, '2025-01-02T00:00:00Z', 'o1', 100 + i),
  purchased(`c${i}`, '2025-01-03T00:00:00Z', 'o2', 200 + i),
]
const dir = mkdtempSync(join(tmpdir(), 'lifeline-pg-'))
const file = (name: string, customers: readonly number[]) => {
  const path = join(dir, name)
  writeFileSync(
    path,
    customers
      .flatMap(history)
      .map((e) => JSON.stringify(LifecycleEvent.encode(e)))
      .join('\n') + '\n',
  )
  return path
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
const bin = resolve(import.meta.dirname, '../../cli/bin/lifeline.js')
const lifeline = (args: string[]) =>
  new Promise<number>((done) =>
    spawn(process.execPath, [bin, ...args], { stdio: 'ignore' }).on('exit', (code) => done(code ?? -1)),
  )

describe.skipIf(!ok)('PostgreSQL under concurrency', () => {
  it('several processes importing overlapping and disjoint customers store exactly the expected events, seen once each in one order', async () => {
    const { schema, log } = await fresh()
    const db = `${URL}?schema=${schema}`
    const files = [file('a.jsonl', range(0, 150)), file('b.jsonl', range(100, 250)), file('c.jsonl', range(250, 350))]
    // Two consumers follow the log while the imports run.
    const consumers: RecordedEvent.RecordedEvent[][] = [[], []]
    const controller = new AbortController()
    const consuming = Promise.all(
      consumers.map(async (seen, i) => {
        for await (const e of EventLog.subscribe(log, { signal: controller.signal, pageSize: 50 + i * 70 }))
          seen.push(e)
      }),
    )
    const statuses = await Promise.all(files.map((f) => lifeline(['import', f, '--db', db])))
    // An import that met another writer on a shared customer stops whole; running it again completes it.
    for (const [i, status] of statuses.entries())
      if (status !== 0) expect(await lifeline(['import', files[i]!, '--db', db])).toBe(0)
    const all: RecordedEvent.RecordedEvent[] = []
    for await (const e of EventLog.readAll(log)) all.push(e)
    const expected = new Set(
      range(0, 350)
        .flatMap(history)
        .map((e) => LifecycleEvent.idOf(e)),
    )
    expect(all).toHaveLength(expected.size)
    expect(new Set(all.map((e) => e.eventId))).toEqual(expected)
    for (const c of range(0, 350)) {
      expect(all.filter((e) => e.customerId === `c${c}`).map((e) => e.streamVersion)).toEqual([1, 2, 3])
    }
    const deadline = Date.now() + 10_000
    while (consumers.some((c) => c.length < all.length) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    await consuming
    for (const seen of consumers) expect(seen.map((e) => e.globalPosition)).toEqual(all.map((e) => e.globalPosition))
  }, 120_000)

  it('a writer killed mid-batch leaves nothing of it, and the order lock is free again', async () => {
    const { log, schema } = await fresh()
    const child = spawn(process.execPath, [resolve(import.meta.dirname, 'testing/killed-writer.mjs'), URL, schema], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((done) => child.stdout.once('data', () => done()))
    child.kill('SIGKILL')
    await new Promise((done) => child.on('exit', done))
    const after = await log.append({
      streamId: Fixtures.cid('next'),
      events: [optedIn('next', '2025-01-01T00:00:00Z')],
    })()
    expect(after._tag).toBe('Right')
    expect(await log.readStream(Fixtures.cid('killed'))()).toEqual({ _tag: 'Right', right: [] })
    const all: RecordedEvent.RecordedEvent[] = []
    for await (const e of EventLog.readAll(log)) all.push(e)
    expect(all.map((e) => e.customerId)).toEqual(['next'])
  }, 60_000)

  it('rebuilds a projection while writers keep appending, and ends equal to a full refold', async () => {
    const { log } = await fresh()
    const writers = range(0, 3).map(async (w) => {
      for (const i of range(0, 40)) {
        const result = await log.append({
          streamId: Fixtures.cid(`w${w}-${i}`),
          events: history(w * 1000 + i).map((e) => ({ ...e, customerId: Fixtures.cid(`w${w}-${i}`) })),
        })()
        if (result._tag === 'Left') throw new Error(EventLog.formatError(result.left))
      }
    })
    const runner = ProjectionRunner.make(log, Report.fold(), undefined, 25)
    const controller = new AbortController()
    const following = runner.follow(controller.signal)
    await Promise.all(writers)
    const head = await log.headPosition()()
    const target = head._tag === 'Right' ? head.right : -1
    const deadline = Date.now() + 10_000
    while (runner.position() < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    controller.abort()
    await following
    expect(runner.position()).toBe(target)
    expect(runner.result()).toEqual(await Fold.runAsync(Report.fold(), EventLog.readAll(log)))
  }, 60_000)

  it('runs a projection on one instance at a time; when the owner crashes, the other resumes from its checkpoint', async () => {
    const { schema, log } = await fresh()
    const instance = async (name: string) => {
      const pool = new pg.Pool({ connectionString: URL, max: 4 })
      const own = await PostgresEventLog.open(pool, { schema, pollIntervalMs: 10 })
      const state: {
        runner: ProjectionRunner.ProjectionRunner<unknown, Report.Report> | null
        startedAt: number | null
      } = {
        runner: null,
        startedAt: null,
      }
      const controller = new AbortController()
      const running = OwnedProjection.run(
        own,
        {
          name: 'report',
          fold: Report.fold() as never,
          encode: (s) => LedgerCheckpoint.serialize(s as Ledger.State),
          decode: (stored) => LedgerCheckpoint.deserialize(new TextDecoder().decode(stored)),
          checkpointEvery: 30,
          claimRetryMs: 20,
          onChange: (runner) => {
            state.runner = runner as never
            state.startedAt ??= runner.position()
          },
        },
        controller.signal,
      ).catch(() => 'crashed')
      return { name, pool, state, controller, running }
    }
    const a = await instance('a')
    await new Promise((r) => setTimeout(r, 100))
    const b = await instance('b')
    for (const i of range(0, 40)) await log.append({ streamId: Fixtures.cid(`c${i}`), events: history(i) })()
    await new Promise((r) => setTimeout(r, 300))
    expect(a.state.runner).not.toBeNull() // a owns it
    expect(b.state.runner).toBeNull() // b waits
    // a crashes: its connections drop, and its lock with them.
    await a.pool.end()
    expect(await a.running).toBe('crashed')
    for (const i of range(40, 60)) await log.append({ streamId: Fixtures.cid(`c${i}`), events: history(i) })()
    const head = await log.headPosition()()
    const target = head._tag === 'Right' ? head.right : -1
    const deadline = Date.now() + 10_000
    while ((b.state.runner?.position() ?? 0) < target && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    expect(b.state.runner!.result()).toEqual(await Fold.runAsync(Report.fold(), EventLog.readAll(log)))
    b.controller.abort()
    await b.running
    await b.pool.end()
    // b resumed from a checkpoint a had saved (not from the start), and saved its own on stopping.
    expect(a.state.startedAt).toBe(0)
    expect(b.state.startedAt).toBeGreaterThanOrEqual(30)
    const stored = await log.loadCheckpoint('report')()
    expect(stored._tag === 'Right' && stored.right?.position).toBe(target)
  }, 60_000)
})
