import { EventLog, Ids, InMemoryEventLog, LifecycleEvent } from '@lifeline/core'
import { Fold, Ledger, Report } from '@lifeline/projections'
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
    // Every phase, from 0: 4 inputs read (the blank line is none); 1 ordering step (no input
    // gives its own id: no order by id); nothing to compare in an empty log, so the 2 valid
    // events are checked at once; then the rules and the writes, one page of 2 inputs.
    expect(seen).toEqual([
      { phase: 'reading', done: 0, total: undefined },
      { phase: 'reading', done: 4, total: 4 },
      { phase: 'ordering', done: 0, total: 1 },
      { phase: 'ordering', done: 1, total: 1 },
      { phase: 'checking', done: 0, total: undefined },
      { phase: 'checking', done: 2, total: 2 },
      { phase: 'writing', done: 0, total: 2 },
      { phase: 'writing', done: 2, total: 2 },
    ])
    const again = await Importer.importFrom(log, inputs)
    expect([again.appended, again.alreadyStored]).toEqual([0, 2])
  })

  it("writes the log customer by customer, each in time order, in batches of exactly batchSize, and its report is the time-ordered history's", async () => {
    const day = (d: number) => `2025-01-${String(d).padStart(2, '0')}T09:00:00Z`
    const buy = (customerId: string, d: number, orderId: string, amountCents: number, currency = 'USD') => ({
      type: 'Purchased',
      customerId,
      occurredAt: day(d),
      orderId,
      amountCents,
      currency,
    })
    const history = [
      optIn('ada', 1),
      buy('cy', 1, 'C1', 300),
      optIn('bob', 2),
      buy('ada', 3, 'A1', 1_000),
      { type: 'Nurtured', customerId: 'bob', occurredAt: day(4), touch: 'email' },
      buy('ada', 5, 'A2', 500),
      { type: 'Refunded', customerId: 'ada', occurredAt: day(6), orderId: 'A1', amountCents: 200, currency: 'USD' },
      buy('bob', 7, 'B1', 700, 'EUR'),
      { type: 'Churned', customerId: 'cy', occurredAt: day(8) },
    ]
    // The lines in another order: customers mixed, each one's events out of time order.
    const shuffled = [7, 2, 0, 8, 5, 1, 3, 6, 4].map((i) => history[i]!)
    const log = InMemoryEventLog.make()
    const appends: [string, unknown, number][][] = []
    const spied: EventLog.EventLog = {
      ...log,
      appendMany: (batches) => {
        appends.push(batches.map((b) => [b.streamId, b.expectedVersion, b.events.length]))
        return log.appendMany(batches)
      },
    }
    const result = await Importer.importFrom(spied, shuffled, { batchSize: 4 })
    expect(result).toMatchObject({ read: 9, appended: 9, rejectedCount: 0 })
    // 9 events in batches of 4, 4 and 1: ada's 4; bob's 3 and cy's first; cy's second, at version 1.
    const exactly = (version: number) => ({ _tag: 'Exactly', version })
    expect(appends).toEqual([
      [['ada', exactly(0), 4]],
      [
        ['bob', exactly(0), 3],
        ['cy', exactly(0), 1],
      ],
      [['cy', exactly(1), 1]],
    ])
    const stored = []
    for await (const e of EventLog.readAll(log)) stored.push(e)
    expect(stored.map((e) => [e.customerId, e.streamVersion, e.occurredAt])).toEqual([
      ['ada', 1, Date.parse(day(1))],
      ['ada', 2, Date.parse(day(3))],
      ['ada', 3, Date.parse(day(5))],
      ['ada', 4, Date.parse(day(6))],
      ['bob', 1, Date.parse(day(2))],
      ['bob', 2, Date.parse(day(4))],
      ['bob', 3, Date.parse(day(7))],
      ['cy', 1, Date.parse(day(1))],
      ['cy', 2, Date.parse(day(8))],
    ])
    // The projections take any interleaving of customers: the same report as the history in time order.
    const period = { from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2025-02-01T00:00:00Z') }
    const inTimeOrder = history.map((e) => (LifecycleEvent.decode(e) as { right: LifecycleEvent.LifecycleEvent }).right)
    const fromLog = await Fold.runAsync(Report.fold(period), EventLog.readAll(log))
    expect(fromLog).toEqual(Fold.run(Report.fold(period), inTimeOrder))
    expect(fromLog.revenue.totalCents).toEqual({ USD: 1_800, EUR: 700 })
  })

  it('skips an input repeated on any line, with or without its own id, and rejects another event under a given id', async () => {
    const log = InMemoryEventLog.make()
    const id = '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5'
    const derived = await Importer.importFrom(log, [
      optIn('ada', 6),
      optIn('bob', 6),
      // Ada again at the same instant, another event between: the same content, the same derived id.
      { type: 'Nurtured', customerId: 'ada', occurredAt: '2025-01-06T09:00:00Z', touch: 'sms' },
      optIn('ada', 6),
      { ...optIn('ada', 6), metadata: { source: 'retry' } },
    ])
    expect(derived).toMatchObject({ read: 5, appended: 3, repeated: 2, rejectedCount: 0 })
    const given = await Importer.importFrom(log, [
      { ...optIn('cy', 7), eventId: id },
      { ...optIn('cy', 7), eventId: id },
      { ...optIn('dee', 7), eventId: id },
    ])
    expect(given).toMatchObject({ read: 3, appended: 1, repeated: 1, rejectedCount: 1 })
    expect(given.rejected[0]!.line).toBe(3)
    expect(given.rejected[0]!.reason).toContain('already names another event (line 1)')
  })

  it('tells what a log already holds by asking for the ids, without reading the log through', async () => {
    const log = InMemoryEventLog.make()
    const inputs = [
      optIn('ada', 6),
      optIn('bob', 7),
      { ...optIn('cy', 8), eventId: '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5' },
    ]
    await Importer.importFrom(log, inputs)
    const calls: string[] = []
    const counted: EventLog.EventLog = {
      ...log,
      readPage: (after, limit) => (calls.push('readPage'), log.readPage(after, limit)),
      readStream: (id) => (calls.push('readStream'), log.readStream(id)),
      heldIds: (ids) => (calls.push(`heldIds ${ids.length}`), log.heldIds(ids)),
      readByIds: (ids) => (calls.push(`readByIds ${ids.length}`), log.readByIds(ids)),
    }
    const again = await Importer.importFrom(counted, [...inputs, optIn('ada', 9)])
    expect(again).toMatchObject({ appended: 0, alreadyStored: 3, rejectedCount: 1 })
    expect(again.rejected[0]!.reason).toContain('AlreadyOptedIn')
    // One question for the 4 ids; cy's given id is compared with its stored event; ada's stream
    // is read to check her new line (a small input beside the log: a read of her stream).
    expect(calls).toEqual(['heldIds 4', 'readByIds 1', 'readPage'])
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
      state._tag === 'Right' ? [0, 1].map((r) => Ledger.salesReadyAtOf(state.right.customers, r)) : null
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
