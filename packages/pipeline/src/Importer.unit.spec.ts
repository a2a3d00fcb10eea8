import { Ids, InMemoryEventLog, type EventLog } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as CheckpointedReport from './CheckpointedReport.js'
import * as Importer from './Importer.js'

const optIn = (customerId: string, day: number) => ({
  type: 'OptedIn',
  customerId,
  occurredAt: `2025-01-${String(day).padStart(2, '0')}T09:00:00Z`,
  channel: 'seo',
})

/** An in-memory log with a checkpoint store of a Map. */
const logWithCheckpoints = () => {
  const stored = new Map<string, EventLog.StoredCheckpoint>()
  const log: CheckpointedReport.CheckpointedLog = {
    ...InMemoryEventLog.make(),
    loadCheckpoint: (name) => () => Promise.resolve({ _tag: 'Right', right: stored.get(name) ?? null }),
    saveCheckpoint: (name, c) => () => {
      const state = typeof c.state === 'string' ? new TextEncoder().encode(c.state) : c.state
      stored.set(name, { position: c.position, state })
      return Promise.resolve({ _tag: 'Right', right: undefined })
    },
  }
  return { log, stored }
}

async function* slowly<A>(items: readonly A[]): AsyncGenerator<A> {
  for (const item of items) yield await Promise.resolve(item)
}

describe('Importer.importFrom', () => {
  it('takes any async iterable of raw lines and objects, numbering them from 1', async () => {
    const log = InMemoryEventLog.make()
    // 1: a line, 2: an object, 3: blank (skipped, keeps its number), 4: no JSON, 5: no customer.
    const inputs = [JSON.stringify(optIn('ada', 6)), optIn('bob', 7), '  ', '{nope', { type: 'OptedIn' }]
    const seen: Importer.Progress[] = []
    const result = await Importer.importFrom(log, slowly(inputs), { onProgress: (p) => seen.push(p), batchSize: 1 })
    expect(result.read).toBe(4)
    expect(result.appended).toBe(2)
    expect(result.rejected.map((r) => r.line)).toEqual([4, 5])
    // Every phase, from 0: 4 inputs read (the blank line is none); 4 ordering steps; the 2 valid events
    // checked in one page; written in batches of one: 1/2 then 2/2.
    expect(seen).toEqual([
      { phase: 'reading', done: 0, total: undefined },
      { phase: 'reading', done: 4, total: 4 },
      { phase: 'ordering', done: 0, total: 4 },
      { phase: 'ordering', done: 1, total: 4 },
      { phase: 'ordering', done: 2, total: 4 },
      { phase: 'ordering', done: 3, total: 4 },
      { phase: 'ordering', done: 4, total: 4 },
      { phase: 'checking', done: 0, total: undefined },
      { phase: 'checking', done: 0, total: 2 },
      { phase: 'checking', done: 2, total: 2 },
      { phase: 'writing', done: 0, total: 2 },
      { phase: 'writing', done: 1, total: 2 },
      { phase: 'writing', done: 2, total: 2 },
    ])
    const again = await Importer.importFrom(log, inputs)
    expect([again.appended, again.alreadyStored]).toEqual([0, 2])
  })

  it('appends nothing with strict when any input is rejected', async () => {
    const log = InMemoryEventLog.make()
    const result = await Importer.importFrom(log, [optIn('ada', 6), '{nope'], { strict: true })
    expect(result.aborted).toBe(true)
    expect(await log.headPosition()()).toEqual({ _tag: 'Right', right: 0 })
  })
})

describe('CheckpointedReport.report', () => {
  it('stores a checkpoint at the head, folds only what is new after it, and ignores a damaged one', async () => {
    const { log, stored } = logWithCheckpoints()
    await Importer.importFrom(log, [optIn('ada', 6), optIn('bob', 7)])
    const first = await CheckpointedReport.report(log)()
    expect(first._tag === 'Right' && first.right.leads.new).toBe(2)
    const name = CheckpointedReport.checkpointName({})
    expect(stored.get(name)?.position).toBe(2)
    await Importer.importFrom(log, [optIn('cy', 8)])
    const second = await CheckpointedReport.report(log)()
    expect(second._tag === 'Right' && second.right.leads.new).toBe(3)
    // One customer changed of three: more than an eighth, so a new snapshot at position 3.
    expect(stored.get(name)?.position).toBe(3)
    stored.set(name, { position: 3, state: Uint8Array.of(1, 2, 3) })
    const damaged = await CheckpointedReport.report(log)()
    expect(damaged._tag === 'Right' && damaged.right.leads.new).toBe(3)
  })
})

describe('the importer and erased customers', () => {
  const refusal = 'Erased: the event names a customer erased after it occurred; nothing of it is kept'
  it('refuses the earlier events of an erased customer (and events naming it) by line only, keeps nothing of them, and accepts a later sign-up', async () => {
    const log = InMemoryEventLog.make()
    const ann = 'ann@example.org'
    await Importer.importFrom(log, [optIn(ann, 1), optIn('ben', 2)])
    const forgot = await log.forget(Ids.customerId(ann))()
    if (forgot._tag === 'Left' || forgot.right._tag !== 'Forgotten') throw new Error('not forgotten')
    const later = { ...optIn(ann, 1), occurredAt: new Date(forgot.right.erasedAt + 1).toISOString() }
    const result = await Importer.importFrom(log, [
      optIn(ann, 1),
      { type: 'Referred', customerId: 'ben', occurredAt: '2025-01-03T09:00:00Z', referredCustomerId: ann },
      { type: 'OptedIn', customerId: ann, occurredAt: 'soon', channel: 'seo' },
      { type: 'OptedIn', customerId: 'cid', occurredAt: 'soon', channel: 'seo' },
      later,
    ])
    expect(result.appended).toBe(1)
    expect(result.rejected.map((r) => ({ ...r, reason: r.reason.slice(0, 40) }))).toEqual([
      { line: 1, reason: refusal.slice(0, 40) },
      { line: 2, reason: refusal.slice(0, 40) },
      { line: 3, reason: refusal.slice(0, 40) },
      {
        line: 4,
        reason: expect.stringContaining('occurredAt') as unknown as string,
        input: expect.anything() as unknown,
      },
    ])
    expect(JSON.stringify(result.rejected.slice(0, 3))).not.toContain('ann')
    const strict = await Importer.importFrom(log, [optIn(ann, 1)], { strict: true })
    expect(strict).toMatchObject({ appended: 0, aborted: true, rejected: [{ line: 1, reason: refusal }] })
  })
})

describe('CheckpointedReport.ledger', () => {
  it('keeps one checkpoint per set of tier and scoring options, and resumes each to the same state', async () => {
    const { log, stored } = logWithCheckpoints()
    await Importer.importFrom(log, [optIn('ada', 6), optIn('bob', 7)])
    const scored = { scoring: { threshold: 10 } }
    // Fit 10 (seo, the default for a channel not listed) reaches a threshold of 10 at the opt-in.
    const first = await CheckpointedReport.ledger(log, scored)()
    const ready = (state: typeof first) =>
      state._tag === 'Right' ? Array.from(state.right.customers.numbers.salesReadyAt.subarray(0, 2)) : null
    expect(ready(first)).toEqual([Date.parse('2025-01-06T09:00:00Z'), Date.parse('2025-01-07T09:00:00Z')])
    // Another threshold, another checkpoint (its salesReadyAt differ); the default options' too.
    expect(CheckpointedReport.checkpointName(scored)).not.toBe(CheckpointedReport.checkpointName({}))
    expect(CheckpointedReport.checkpointName({ regularPurchases: 2 })).not.toBe(CheckpointedReport.checkpointName({}))
    const plain = await CheckpointedReport.ledger(log)()
    expect(ready(plain)).toEqual([Number.NaN, Number.NaN])
    expect(stored.has(CheckpointedReport.checkpointName(scored))).toBe(true)
    expect(stored.has(CheckpointedReport.checkpointName({}))).toBe(true)
    // Resumed from its checkpoint, the scored ledger is the same.
    expect(ready(await CheckpointedReport.ledger(log, scored)())).toEqual(ready(first))
  })
})
