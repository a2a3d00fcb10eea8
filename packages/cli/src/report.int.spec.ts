import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import v8 from 'node:v8'
import { LedgerCheckpoint } from '@lifeline/projections'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { CheckpointedReport } from '@lifeline/pipeline'
import { run } from './run.fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-report-'))
let n = 0
const write = (name: string, lines: readonly unknown[]): string => {
  const p = join(dir, `${++n}-${name}`)
  writeFileSync(p, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
  return p
}

const events = [
  { type: 'OptedIn', customerId: 'ada', occurredAt: '2025-01-06T09:00:00Z', channel: 'webinar' },
  {
    type: 'Purchased',
    customerId: 'ada',
    occurredAt: '2025-01-10T10:00:00Z',
    orderId: 'A1',
    amountCents: 4900,
    currency: 'EUR',
    category: 'books',
  },
  {
    type: 'Refunded',
    customerId: 'ada',
    occurredAt: '2025-01-12T10:00:00Z',
    orderId: 'A1',
    amountCents: 900,
    currency: 'EUR',
  },
  { type: 'SurveyAnswered', customerId: 'ada', occurredAt: '2025-01-13T10:00:00Z', survey: 'nps', score: 9 },
  {
    type: 'Purchased',
    customerId: 'bob',
    occurredAt: '2025-01-11T10:00:00Z',
    orderId: 'B1',
    amountCents: 2000,
    currency: 'EUR',
  },
  // Twenty leads, so that one changed customer makes a delta, not a new snapshot.
  ...Array.from({ length: 20 }, (_, i) => ({
    type: 'OptedIn',
    customerId: `lead-${i}`,
    occurredAt: '2025-01-05T00:00:00Z',
    channel: 'seo',
  })),
]
const more = [
  {
    type: 'Refunded',
    customerId: 'bob',
    occurredAt: '2025-01-20T10:00:00Z',
    orderId: 'B1',
    amountCents: 2000,
    currency: 'EUR',
  },
]

/** The name, position and format version of each stored checkpoint. */
const checkpoints = (db: string) => {
  const conn = new Database(db, { readonly: true })
  try {
    const rows = conn.prepare('SELECT name, position, state FROM checkpoints ORDER BY name').all() as {
      name: string
      position: number
      state: Buffer
    }[]
    return rows.map(({ name, position, state }) => {
      const value = v8.deserialize(state) as { delta?: unknown }
      return { name, position, version: LedgerCheckpoint.versionOf(name.endsWith(' delta') ? value.delta : value) }
    })
  } finally {
    conn.close()
  }
}

/** Rewrites a stored checkpoint's state in place. */
const rewrite = (db: string, name: string, f: (state: Record<string, unknown>) => unknown): void => {
  const conn = new Database(db)
  try {
    const row = conn.prepare('SELECT state FROM checkpoints WHERE name = ?').get(name) as { state: Buffer }
    const state = f(v8.deserialize(row.state) as Record<string, unknown>)
    conn.prepare('UPDATE checkpoints SET state = ? WHERE name = ?').run(v8.serialize(state), name)
  } finally {
    conn.close()
  }
}

/** A snapshot or delta as version 2 of the format wrote it: no refund, survey or category facts. */
const asVersion2 = (checkpoint: Record<string, unknown>): Record<string, unknown> => {
  const {
    refundOrders: _orders,
    numbers,
    integers,
    aggregates,
    ...rest
  } = checkpoint as {
    numbers: Record<string, unknown>
    integers: Record<string, unknown>
    aggregates: Record<string, unknown>
  } & Record<string, unknown>
  const { firstAmountCents: _first, ...numbers2 } = numbers
  const { category: _c, churnReason: _r, nps: _n, csat: _s, ...integers2 } = integers
  const {
    refundedBefore: _b,
    periodRefunds: _p,
    categoryRevenue: _g,
    refundsInPeriod: _i,
    ordersInPeriod: _o,
    refundedOrders: _d,
    cohortRevenue: _v,
    ...aggregates2
  } = aggregates
  return { ...rest, version: 2, numbers: numbers2, integers: integers2, aggregates: aggregates2 }
}

describe('lifeline report --db with a checkpoint of an older format', () => {
  it('recognises it by its version, folds from the start once, then resumes from the new snapshot', async () => {
    const db = join(dir, 'old.sqlite')
    const name = CheckpointedReport.checkpointName({})
    expect((await run(['import', write('events.jsonl', events), '--db', db])).status).toBe(0)
    expect((await run(['report', '--db', db, '--json'])).status).toBe(0)
    expect(checkpoints(db)).toEqual([{ name, position: 25, version: LedgerCheckpoint.VERSION }])
    // What the previous Lifeline left: a version 2 snapshot, and a version 2 delta, here one that
    // names the position the new snapshot will have (read as a current delta, it would fail and
    // make the next report fold from the start again).
    rewrite(db, name, asVersion2)
    const conn = new Database(db)
    conn
      .prepare('INSERT INTO checkpoints (name, position, state, updated_at) VALUES (?, ?, ?, ?)')
      .run(`${name} delta`, 26, v8.serialize({ basePosition: 26, delta: { version: 2, baseSize: 22 } }), 0)
    conn.close()
    expect(checkpoints(db)).toEqual([
      { name, position: 25, version: 2 },
      { name: `${name} delta`, position: 26, version: 2 },
    ])
    await run(['import', write('all.jsonl', [...events, ...more]), '--db', db])
    const refolded = await run(['report', '--db', db, '--json'])
    const fromFile = await run(['report', '--events', write('file.jsonl', [...events, ...more]), '--json'])
    expect(JSON.parse(refolded.stdout)).toEqual(JSON.parse(fromFile.stdout))
    expect(JSON.parse(refolded.stdout)).toMatchObject({
      // EUR: 4900 + 2000 - 900 - 2000 = 4000 net; orders A1 and B1 are both refunded.
      revenue: { totalCents: { EUR: 6900 }, refundedCents: { EUR: 2900 }, netCents: { EUR: 4000 } },
      refunds: { count: 2, orderRate: 1 },
      satisfaction: { nps: { responses: 1, promoters: 1, score: 100 } },
    })
    // Folded from the start: a new snapshot of the current version replaces the old one; the
    // old delta stays, of no use.
    expect(checkpoints(db)).toEqual([
      { name, position: 26, version: LedgerCheckpoint.VERSION },
      { name: `${name} delta`, position: 26, version: 2 },
    ])
    // Once: the next report resumes from that snapshot (leaving the old delta out by its
    // version) and writes a delta beside it.
    const last = [
      { type: 'SurveyAnswered', customerId: 'bob', occurredAt: '2025-01-21T10:00:00Z', survey: 'csat', score: 2 },
    ]
    await run(['import', write('last.jsonl', last), '--db', db])
    const resumed = await run(['report', '--db', db, '--json'])
    expect(checkpoints(db)).toEqual([
      { name, position: 26, version: LedgerCheckpoint.VERSION },
      { name: `${name} delta`, position: 27, version: LedgerCheckpoint.VERSION },
    ])
    const all = write('all-last.jsonl', [...events, ...more, ...last])
    expect(JSON.parse(resumed.stdout)).toEqual(JSON.parse((await run(['report', '--events', all, '--json'])).stdout))
  })
})
