import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { EventLog, LifecycleEvent } from '@lifeline/core'
import { Fixtures } from '@lifeline/core/testing'
import { Fold, LedgerCheckpoint, Report, type Ledger } from '@lifeline/projections'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import * as OwnedProjection from './OwnedProjection.js'
import * as PostgresEventLog from './PostgresEventLog.js'
import { available, freshSchema, URL } from './testing/server.js'

const { optedIn, purchased } = Fixtures
const ok = await available()
const schemas: string[] = []
const logs: PostgresEventLog.PostgresEventLog[] = []
const admin = new pg.Pool({ connectionString: URL, max: 2 })
afterAll(async () => {
  if (!ok) return
  await Promise.all(logs.map((l) => l.close().catch(() => undefined)))
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.end()
})

/** A URL whose connections carry an application name, so that a test can terminate them. */
const named = (app: string, schema?: string): string => {
  const url = new globalThis.URL(URL)
  url.searchParams.set('application_name', app)
  if (schema !== undefined) url.searchParams.set('schema', schema)
  return url.toString()
}
/** The first column of the first row of a query. */
const scalar = async (sql: string, values: unknown[] = []): Promise<unknown> =>
  Object.values((await admin.query<Record<string, unknown>>(sql, values)).rows[0]!)[0]
/** Terminates every connection of `app`, as a server restart or a failover would; how many. */
const terminate = async (app: string): Promise<number> => {
  const n = await scalar(
    'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1',
    [app],
  )
  return Number(n)
}
const until = async (check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}
const history = (i: number) => [
  optedIn(`c${i}`, '2025-01-01T00:00:00Z'),
  purchased(`c${i}`, '2025-01-02T00:00:00Z', 'o1', 100 + i),
  purchased(`c${i}`, '2025-01-03T00:00:00Z', 'o2', 200 + i),
]
const connect = async (app: string) => {
  const schema = freshSchema()
  schemas.push(schema)
  const log = await PostgresEventLog.connect(named(app), { schema, pollIntervalMs: 10, maxConnections: 4 })
  logs.push(log)
  return { schema, log }
}
const count = async (schema: string): Promise<number> =>
  Number(await scalar(`SELECT count(*) AS n FROM ${schema}.events`))

describe.skipIf(!ok)('PostgreSQL connections that drop', () => {
  it('mid-import: no crash; a lost append is one line saying how to resume, only whole batches are stored, and a re-run completes exactly', async () => {
    const app = `ll_import_${process.pid}`
    const schema = freshSchema()
    schemas.push(schema)
    // 20,000 customers, 60,000 events: twelve batches of 5,000 (one statement each).
    const file = join(mkdtempSync(join(tmpdir(), 'lifeline-drop-')), 'events.jsonl')
    const lines = Array.from({ length: 20_000 }, (_, i) => history(i))
      .flat()
      .map((e) => JSON.stringify(LifecycleEvent.encode(e)))
    writeFileSync(file, lines.join('\n') + '\n')
    const bin = resolve(import.meta.dirname, '../../cli/bin/lifeline.js')
    const importing = (): Promise<{ status: number; stderr: string }> =>
      new Promise((done) => {
        const child = spawn(process.execPath, [bin, 'import', file, '--db', named(app, schema)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        })
        let stderr = ''
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        child.on('exit', (code) => done({ status: code ?? -1, stderr }))
      })
    const first = importing()
    // Once the writes have begun, every connection of the import is terminated.
    await until(async () => (await scalar(`SELECT to_regclass('${schema}.events') AS t`)) !== null)
    await until(async () => (await count(schema)) > 0)
    expect(await terminate(app)).toBeGreaterThan(0)
    const { status, stderr } = await first
    // Never a crash: no unhandled 'error' event, no stack trace. Either the append under way
    // failed (status 2, one line on how to resume), or the drop hit idle connections only and
    // the next append connected anew (status 0).
    expect(stderr).not.toMatch(/Unhandled|\n\s+at /)
    expect([0, 2]).toContain(status)
    if (status === 2) {
      expect(stderr.trim().split('\n').at(-1)).toMatch(
        /^lifeline import: StorageFailed: .*; the batch under way was not stored \(each batch is one transaction\), and running the same import again completes it$/,
      )
    }
    expect((await count(schema)) % 5_000).toBe(0)
    expect(await importing()).toMatchObject({ status: 0 })
    expect(await count(schema)).toBe(60_000)
    const versions = await admin.query(
      `SELECT count(*) AS n FROM ${schema}.events GROUP BY stream_id HAVING array_agg(stream_version ORDER BY stream_version) <> '{1,2,3}'`,
    )
    expect(versions.rows).toEqual([])
  }, 120_000)

  it('mid-follow: a subscription reconnects with backoff and receives every event once, in order', async () => {
    const app = `ll_follow_${process.pid}`
    const { log: follower, schema } = await connect(app)
    const writer = await PostgresEventLog.open(new pg.Pool({ connectionString: URL, max: 2 }), { schema })
    logs.push(writer)
    const seen: number[] = []
    const controller = new AbortController()
    const following = (async () => {
      for await (const e of EventLog.subscribe(follower, { signal: controller.signal, pageSize: 4 }))
        seen.push(e.globalPosition)
    })()
    for (const i of [0, 1, 2]) await writer.append({ streamId: Fixtures.cid(`c${i}`), events: history(i) })()
    await until(() => seen.length === 9)
    expect(await terminate(app)).toBeGreaterThan(0)
    for (const i of [3, 4, 5]) await writer.append({ streamId: Fixtures.cid(`c${i}`), events: history(i) })()
    await until(() => seen.length >= 18)
    controller.abort()
    await following
    expect(seen).toEqual(Array.from({ length: 18 }, (_, i) => i + 1))
  }, 60_000)

  it('while a projection is owned: the owner claims it again and resumes from its checkpoint, ending equal to a full refold', async () => {
    const app = `ll_owned_${process.pid}`
    const { log: owner, schema } = await connect(app)
    const writer = await PostgresEventLog.open(new pg.Pool({ connectionString: URL, max: 2 }), { schema })
    logs.push(writer)
    const starts: number[] = []
    let latest: { position: () => number; result: () => Report.Report } | null = null
    const controller = new AbortController()
    const running = OwnedProjection.run(
      owner,
      {
        name: 'report',
        fold: Report.fold() as never,
        encode: (s) => LedgerCheckpoint.serialize(s as Ledger.State),
        decode: (stored) => LedgerCheckpoint.deserialize(new TextDecoder().decode(stored)),
        checkpointEvery: 6,
        claimRetryMs: 20,
        onChange: (runner) => {
          if (runner !== latest) starts.push(runner.position())
          latest = runner as never
        },
      },
      controller.signal,
    )
    for (const i of [0, 1, 2, 3]) await writer.append({ streamId: Fixtures.cid(`c${i}`), events: history(i) })()
    await until(() => latest?.position() === 12)
    // A checkpoint is stored every 6 events or more (the runner folds page by page): wait until
    // the saves settle, then the connections drop.
    const checkpoint = async (): Promise<number> => {
      const stored = await writer.loadCheckpoint('report')()
      return stored._tag === 'Right' ? (stored.right?.position ?? 0) : -1
    }
    let saved = -1
    await until(async () => {
      const now = await checkpoint()
      const settled = now > 0 && now === saved
      saved = now
      if (!settled) await new Promise((r) => setTimeout(r, 100))
      return settled
    })
    expect(saved).toBeGreaterThanOrEqual(6)
    expect(await terminate(app)).toBeGreaterThan(0)
    for (const i of [4, 5]) await writer.append({ streamId: Fixtures.cid(`c${i}`), events: history(i) })()
    await until(() => starts.length === 2 && latest?.position() === 18)
    // The second run resumed from the stored checkpoint, not from the start.
    expect(starts).toEqual([0, saved])
    expect(latest!.result()).toEqual(await Fold.runAsync(Report.fold(), EventLog.readAll(writer)))
    controller.abort()
    await running
  }, 60_000)
})
