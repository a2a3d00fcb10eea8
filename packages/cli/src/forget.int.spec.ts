import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { Erasure, EventLog, Ids } from '@lifeline/core'
import { CheckpointedReport, Importer, readEvents } from '@lifeline/pipeline'
import { Fold, Report } from '@lifeline/projections'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { run } from './run.fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-forget-'))
let n = 0
const fresh = (): string => join(dir, `shop-${++n}.db`)
const file = (name: string, lines: readonly unknown[]): string => {
  const path = join(dir, name)
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n')
  return path
}

const ALICE = 'alice.smith@example.org'
const SECRET = 'crm-note-4711-alice'
// Bob (webinar) buys and refers alice; alice (referral) buys twice; carol (seo) buys.
const history = [
  { type: 'OptedIn', customerId: 'bob', occurredAt: '2025-01-02T09:00:00Z', channel: 'webinar' },
  {
    type: 'Purchased',
    customerId: 'bob',
    occurredAt: '2025-01-03T09:00:00Z',
    orderId: 'B1',
    amountCents: 1000,
    currency: 'EUR',
  },
  { type: 'Referred', customerId: 'bob', occurredAt: '2025-01-04T09:00:00Z', referredCustomerId: ALICE },
  {
    type: 'OptedIn',
    customerId: ALICE,
    occurredAt: '2025-01-05T09:00:00Z',
    channel: 'referral',
    referredBy: 'bob',
    metadata: { note: SECRET },
  },
  {
    type: 'Purchased',
    customerId: ALICE,
    occurredAt: '2025-01-06T09:00:00Z',
    orderId: 'A1',
    amountCents: 4900,
    currency: 'EUR',
  },
  {
    type: 'Purchased',
    customerId: ALICE,
    occurredAt: '2025-02-06T09:00:00Z',
    orderId: 'A2',
    amountCents: 2500,
    currency: 'EUR',
  },
  { type: 'OptedIn', customerId: 'carol', occurredAt: '2025-01-07T09:00:00Z', channel: 'seo' },
  {
    type: 'Purchased',
    customerId: 'carol',
    occurredAt: '2025-01-08T09:00:00Z',
    orderId: 'C1',
    amountCents: 700,
    currency: 'EUR',
  },
  // Rejected: alice opts in again (AlreadyOptedIn), carol refunds an unknown order.
  {
    type: 'OptedIn',
    customerId: ALICE,
    occurredAt: '2025-03-01T09:00:00Z',
    channel: 'seo',
    metadata: { note: SECRET },
  },
  {
    type: 'Refunded',
    customerId: 'carol',
    occurredAt: '2025-03-02T09:00:00Z',
    orderId: 'C9',
    amountCents: 100,
    currency: 'EUR',
  },
]

/** The raw bytes of every file of a SQLite log: the database, its WAL, its rejects file. */
const files = (db: string): Buffer =>
  Buffer.concat([db, `${db}-wal`, `${db}.rejects.jsonl`].filter(existsSync).map((f) => readFileSync(f)))

const checkpoints = (db: string): unknown[] => {
  const sqlite = new Database(db, { readonly: true })
  try {
    return sqlite.prepare('SELECT name, position FROM checkpoints ORDER BY name').all()
  } finally {
    sqlite.close()
  }
}

describe('lifeline forget', () => {
  it('erases a customer from the SQLite file, its WAL, its checkpoints and its rejects file; the next report resumes and is the same', async () => {
    const db = fresh()
    const events = file('history.jsonl', history)
    expect((await run(['import', events, '--db', db])).status).toBe(1)
    const report = await run(['report', '--db', db, '--json'])
    expect(report.status).toBe(0)
    const stored = checkpoints(db)
    expect(stored).toHaveLength(1)
    // The test can fail: before, the id and the metadata value are in the files.
    expect(Erasure.holds(files(db), ALICE)).toBe(true)
    expect(Erasure.holds(files(db), SECRET)).toBe(true)

    const forgot = await run(['forget', ALICE, '--db', db])
    expect(forgot.stderr).toBe('')
    expect(forgot.status).toBe(0)
    // The output does not pair the id with its pseudonym.
    expect(forgot.stdout).not.toContain('erased-')
    // 3 events of alice, bob's referral of her, the report's snapshot, her rejected line.
    expect(forgot.stdout).toMatch(
      new RegExp(
        `^${ALICE.replace(/[.+]/g, '\\$&')}: erased: 3 events, 1 reference by other customers, 1 checkpoint rewritten; 1 line removed from the rejects file\\n$`,
      ),
    )
    expect(Erasure.holds(files(db), ALICE)).toBe(false)
    expect(Erasure.holds(files(db), SECRET)).toBe(false)
    // A later export holds the pseudonym, not the id nor the metadata value.
    const exported = await run(['export', '--db', db])
    expect(exported.stdout.trim().split('\n')).toHaveLength(8)
    expect(exported.stdout).toMatch(/"customerId":"erased-[0-9a-f-]{36}"/)
    expect(Erasure.holds(Buffer.from(exported.stdout), ALICE)).toBe(false)
    expect(Erasure.holds(Buffer.from(exported.stdout), SECRET)).toBe(false)
    // Carol's rejected line stays.
    expect(readFileSync(`${db}.rejects.jsonl`, 'utf8')).toContain('"C9"')

    // The report resumes from the rewritten checkpoint (still there, at the same position).
    expect(checkpoints(db)).toEqual(stored)
    const again = await run(['report', '--db', db, '--json'])
    expect(again.stdout).toBe(report.stdout)
    expect(checkpoints(db)).toEqual(stored)
    expect(Erasure.holds(files(db), ALICE)).toBe(false)

    // A re-import of the original file appends nothing of alice, says so by line, and puts
    // nothing of her back anywhere. Lines 1-2 and 7-8 (bob's and carol's) are stored already;
    // 3 (bob's referral of her), 4-6 and 9 (hers) are Erased; 10 is carol's UnknownOrder again.
    const again2 = await run(['import', events, '--db', db])
    expect(again2.status).toBe(1)
    const refusal = 'Erased: the event names a customer erased after it occurred; nothing of it is kept'
    expect(again2.stderr.split('\n').filter((l) => l.startsWith('line '))).toEqual([
      `line 3: ${refusal}`,
      `line 4: ${refusal}`,
      `line 5: ${refusal}`,
      `line 6: ${refusal}`,
      `line 9: ${refusal}`,
      expect.stringMatching(/^line 10: UnknownOrder: /) as unknown as string,
    ])
    expect(again2.stderr).toMatch(/\nimported 0 event\(s\) from 10 line\(s\); 4 already stored\n/)
    expect(Erasure.holds(Buffer.from(again2.stderr), ALICE)).toBe(false)
    expect(Erasure.holds(files(db), ALICE)).toBe(false)
    expect(Erasure.holds(files(db), SECRET)).toBe(false)
    const rejects = readFileSync(`${db}.rejects.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(rejects.filter((r) => r['reason'] === refusal).map((r) => [r['line'], 'input' in r])).toEqual([
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [9, false],
    ])
    expect((await run(['report', '--db', db, '--json'])).stdout).toBe(report.stdout)
  })

  it('Given a report folding while the customer is forgotten, then it folds again from the rewritten checkpoint: its figures are a refold’s and its stored checkpoint holds no trace', async () => {
    const db = fresh()
    const log = SqliteEventLog.openFile(db)
    await Importer.importLines(log, readEvents(file('race.jsonl', history.slice(0, 8))))
    expect((await CheckpointedReport.report(log)())._tag).toBe('Right')
    await log.append({
      streamId: Ids.customerId('dora'),
      events: [
        { type: 'OptedIn', customerId: Ids.customerId('dora'), occurredAt: Date.UTC(2025, 3, 1), channel: 'seo' },
      ],
    })()
    // The report reads its first page (alice under her id), then the erasure commits, then it folds.
    let erased = false
    const racing: CheckpointedReport.CheckpointedLog = {
      ...log,
      readPage: (after, limit) => async () => {
        const page = await log.readPage(after, limit)()
        if (!erased) {
          erased = true
          const forgot = log.forgetSync([Ids.customerId(ALICE)], {
            rewriteCheckpoint: CheckpointedReport.rewriteCheckpoint,
          })
          expect(forgot).toMatchObject({ _tag: 'Right', right: [{ _tag: 'Forgotten', checkpointsRewritten: 1 }] })
        }
        return page
      },
    }
    const report = await CheckpointedReport.report(racing)()
    const all: EventLog.EventLog = log
    const events = []
    for await (const e of EventLog.readAll(all)) events.push(e)
    expect(report).toEqual({ _tag: 'Right', right: Fold.run(Report.fold(), events) })
    expect(erased).toBe(true)
    log.close()
    expect(Erasure.holds(files(db), ALICE)).toBe(false)
  })

  it('says per id what it did: erased, already erased, unknown; takes ids from --ids FILE', async () => {
    const db = fresh()
    await run(['import', file('history2.jsonl', history.slice(0, 8)), '--db', db])
    const ids = file('ids.txt', ['carol', '', 'bob\r', 'carol'])
    const first = await run(['forget', ALICE, '--ids', ids, '--db', db])
    expect(first.status).toBe(0)
    const lines = first.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(
      /^alice\.smith@example\.org: erased: 3 events, 1 reference by other customers, 0 checkpoints rewritten$/,
    )
    expect(lines[1]).toMatch(/^carol: erased: 2 events, 0 references by other customers, 0 checkpoints rewritten$/)
    // Alice's opt-in named bob as referrer: rewritten under bob's erasure, alice's pseudonym kept.
    expect(lines[2]).toMatch(/^bob: erased: 3 events, 1 reference by other customers, 0 checkpoints rewritten$/)
    const second = await run(['forget', 'carol', 'nobody', '--db', db])
    expect(second.stdout).toMatch(
      /^carol: already erased \(\d{4}-\d\d-\d\dT[\d:.]+Z\), nothing to do\nnobody: unknown to this log, nothing to do\n$/,
    )
  })

  it('refuses bad usage with one line', async () => {
    expect(await run(['forget', 'x'])).toMatchObject({
      status: 2,
      stderr: 'lifeline forget: forget needs --db PATH or URL (see lifeline forget --help)\n',
    })
    expect(await run(['forget', '--db', fresh()])).toMatchObject({
      status: 2,
      stderr: 'lifeline forget: forget needs at least one ID, or --ids FILE (see lifeline forget --help)\n',
    })
    const long = 'x'.repeat(257)
    expect((await run(['forget', long, '--db', fresh()])).stderr).toBe(
      `lifeline forget: argument 1: ${JSON.stringify(long)} is not a customer id (1 to 256 characters)\n`,
    )
  })
})

const PG = process.env['LIFELINE_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test'
const pgUp = await (async () => {
  const client = new pg.Client({ connectionString: PG, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    return true
  } catch {
    if (process.env['CI'] === 'true') throw new Error(`PostgreSQL is not reachable at ${PG}, and CI requires it`)
    console.warn(`PostgreSQL is not reachable at ${PG}: skipping lifeline forget on PostgreSQL`)
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
})()

describe.runIf(pgUp)('lifeline forget on PostgreSQL', () => {
  it('erases a customer so that no row of the schema holds the id or a metadata value, and the next report resumes and is the same', async () => {
    const schema = `forget_${process.pid}_${Date.now()}`
    const url = `${PG}?schema=${schema}`
    const admin = new pg.Client({ connectionString: PG })
    await admin.connect()
    try {
      expect((await run(['import', file('pg.jsonl', history.slice(0, 8)), '--db', url])).status).toBe(0)
      const report = await run(['report', '--db', url, '--json'])
      const traces = async (needle: string): Promise<number> => {
        let n = 0
        for (const table of ['events', 'checkpoints', 'erasures', 'lifeline_secret', 'lifeline_migrations']) {
          const { rows } = await admin.query<{ n: string }>(
            `SELECT COUNT(*) AS n FROM ${schema}.${table} t WHERE t::text LIKE '%' || $1 || '%'`,
            [needle],
          )
          n += Number(rows[0]!.n)
        }
        const states = await admin.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM ${schema}.checkpoints WHERE position(convert_to($1, 'UTF8') IN state) > 0`,
          [needle],
        )
        return n + Number(states.rows[0]!.n)
      }
      // Alice's three events, bob's referral, and the report's snapshot; her metadata value in one event.
      expect(await traces(ALICE)).toBe(5)
      expect(await traces(SECRET)).toBe(1)
      const forgot = await run(['forget', ALICE, '--db', url])
      expect(forgot.stdout).toMatch(/: erased: 3 events, 1 reference by other customers, 1 checkpoint rewritten\n$/)
      expect(await traces(ALICE)).toBe(0)
      expect(await traces(SECRET)).toBe(0)
      const { rows } = await admin.query<{ position: string }>(`SELECT position FROM ${schema}.checkpoints`)
      expect(rows.map((r) => Number(r.position))).toEqual([8])
      expect((await run(['report', '--db', url, '--json'])).stdout).toBe(report.stdout)
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await admin.end()
    }
  })
})
