import { Customer, Decider, Ids, type LifecycleEvent } from '@lifeline/core'
import { Arbitraries } from '@lifeline/core/testing'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import type * as Ledger from './Ledger.js'
import * as LedgerCheckpoint from './LedgerCheckpoint.js'
import * as Report from './Report.js'

type Event = LifecycleEvent.LifecycleEvent

/** Keeps what the lifecycle rules accept of one customer's time-ordered events. */
const accepted = (events: readonly Event[]): Event[] => {
  let state = Customer.initial
  const out: Event[] = []
  for (const event of [...events].sort((a, b) => a.occurredAt - b.occurredAt)) {
    if (Decider.check(event, state) === null) {
      out.push(event)
      state = Customer.evolve(state, event)
    }
  }
  return out
}

/** Valid histories of up to six customers, as one list per customer. */
const histories = fc
  .array(fc.array(Arbitraries.event(fc.constant(Ids.customerId('x'))), { maxLength: 25 }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((perCustomer) =>
    perCustomer.map((events, i) => {
      const id = Ids.customerId(`c${i}`)
      // Referrals name the other customers, so that referred people have histories of their own.
      return accepted(
        events.map((e): Event =>
          e.type === 'Referred'
            ? { ...e, customerId: id, referredCustomerId: Ids.customerId(`c${(i + 1) % perCustomer.length}`) }
            : { ...e, customerId: id },
        ),
      )
    }),
  )

/** Merges per-customer lists into one log, keeping each customer's order; `picks` decide the interleaving. */
const interleave = (lists: readonly Event[][], picks: readonly number[]): Event[] => {
  const cursors = lists.map(() => 0)
  const out: Event[] = []
  let p = 0
  const remaining = () => lists.some((l, i) => cursors[i]! < l.length)
  while (remaining()) {
    const open = lists.map((_, i) => i).filter((i) => cursors[i]! < lists[i]!.length)
    const i = open[(picks[p++ % Math.max(1, picks.length)] ?? 0) % open.length]!
    out.push(lists[i]![cursors[i]!]!)
    cursors[i]!++
  }
  return out
}

const MIN = Date.UTC(2024, 0, 1)
const MAX = Date.UTC(2027, 0, 1)
const options: fc.Arbitrary<Ledger.Options> = fc
  .record(
    {
      from: fc.integer({ min: MIN, max: MAX }),
      span: fc.integer({ min: 1, max: MAX - MIN }),
      inactivityDays: fc.integer({ min: 1, max: 400 }),
      conversionWindowDays: fc.integer({ min: 0, max: 400 }),
    },
    { requiredKeys: [] },
  )
  .map(({ from, span, inactivityDays, conversionWindowDays }) => ({
    ...(from === undefined ? {} : { from }),
    ...(from === undefined || span === undefined ? {} : { to: from + span }),
    ...(inactivityDays === undefined ? {} : { inactivityDays }),
    ...(conversionWindowDays === undefined ? {} : { conversionWindowDays }),
  }))

const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 50 })

describe('report properties', () => {
  it('events of different customers interleaved in any order give the same report', () => {
    fc.assert(
      fc.property(histories, picks, picks, options, (lists, p1, p2, opts) => {
        const a = Fold.run(Report.fold(opts), interleave(lists, p1))
        const b = Fold.run(Report.fold(opts), interleave(lists, p2))
        expect(a).toEqual(b)
      }),
      { numRuns: 300 },
    )
  })

  it('folding xs ++ ys equals resuming the serialized state after xs with ys', () => {
    fc.assert(
      fc.property(histories, picks, fc.nat(), options, (lists, p, cut, opts) => {
        const log = interleave(lists, p)
        const k = log.length === 0 ? 0 : cut % (log.length + 1)
        const fold = Report.fold(opts)
        const whole = Fold.run(fold, log)
        const checkpoint = Report.serializeCheckpoint({
          position: k,
          state: Fold.feed(fold, fold.initial(), log.slice(0, k)),
        })
        const resumed = Report.deserializeCheckpoint(checkpoint)
        expect(resumed.position).toBe(k)
        expect(fold.result(Fold.feed(fold, resumed.state, log.slice(k)))).toEqual(whole)
      }),
      { numRuns: 300 },
    )
  })

  it('restores a snapshot equal, through structured clone and through JSON', () => {
    fc.assert(
      fc.property(histories, picks, fc.nat(), options, (lists, p, cut, opts) => {
        const log = interleave(lists, p)
        const k = log.length === 0 ? 0 : cut % (log.length + 1)
        const fold = Report.fold(opts)
        const state = Fold.feed(fold, fold.initial(), log.slice(0, k))
        const snapshot = LedgerCheckpoint.snapshot(state)
        const cloned = LedgerCheckpoint.restore(structuredClone(snapshot))
        const json = LedgerCheckpoint.restore(Fold.deserialize(Fold.serialize(snapshot)))
        expect(LedgerCheckpoint.snapshot(cloned)).toEqual(snapshot)
        expect(LedgerCheckpoint.snapshot(json)).toEqual(snapshot)
        const whole = Fold.run(fold, log)
        expect(fold.result(Fold.feed(fold, cloned, log.slice(k)))).toEqual(whole)
        expect(fold.result(Fold.feed(fold, json, log.slice(k)))).toEqual(whole)
      }),
      { numRuns: 200 },
    )
  })

  it('restores a snapshot plus a delta (taken once, or again after a restore) equal to the state', () => {
    fc.assert(
      fc.property(
        histories,
        picks,
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        options,
        (lists, p, cuts, opts) => {
          const log = interleave(lists, p)
          const [k, j, m] = cuts.map((x) => (log.length === 0 ? 0 : x % (log.length + 1))).sort((a, b) => a - b) as [
            number,
            number,
            number,
          ]
          const fold = Report.fold(opts)
          const at = (n: number) => Fold.feed(fold, fold.initial(), log.slice(0, n))
          const state = at(k)
          const base = structuredClone(LedgerCheckpoint.snapshot(state))
          LedgerCheckpoint.markSaved(state)
          expect(LedgerCheckpoint.changedRows(state)).toBe(0)
          Fold.feed(fold, state, log.slice(k, j))
          const first = structuredClone(LedgerCheckpoint.delta(state, base.ids.length))
          const resumed = LedgerCheckpoint.restore(structuredClone(base), first)
          expect(LedgerCheckpoint.snapshot(resumed)).toEqual(LedgerCheckpoint.snapshot(at(j)))
          // The second delta, from the restored state, still holds the rows of the first.
          Fold.feed(fold, resumed, log.slice(j, m))
          const second = structuredClone(LedgerCheckpoint.delta(resumed, base.ids.length))
          const again = LedgerCheckpoint.restore(structuredClone(base), second)
          expect(LedgerCheckpoint.snapshot(again)).toEqual(LedgerCheckpoint.snapshot(at(m)))
          expect(fold.result(Fold.feed(fold, again, log.slice(m)))).toEqual(Fold.run(fold, log))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('keeps rates in [0, 1], converted <= leads, and cohort sizes summing to the buyers', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const log = interleave(lists, p)
        const r = Fold.run(Report.fold(opts), log)
        const rates = [
          r.conversion.leadToCustomer,
          r.conversion.nurtured,
          r.conversion.unnurtured,
          ...Object.values(r.conversion.byChannel),
          ...Object.values(r.conversion.byCampaign),
          r.churn.rate,
          r.retention.rate,
          r.repeatPurchaseRate,
          r.referrals.rate,
          ...r.funnel.flatMap((s) => [s.overall, s.relative]),
          ...r.cohorts.flatMap((c) => c.retention),
          ...Object.values(r.channels).map((c) => c.leadToCustomer),
          ...Object.values(r.campaigns).map((c) => c.leadToCustomer),
        ]
        for (const rate of rates) {
          if (rate === null) continue
          expect(rate).toBeGreaterThanOrEqual(0)
          expect(rate).toBeLessThanOrEqual(1)
        }
        const converted = r.funnel.find((s) => s.step === 'converted')!.count
        expect(converted).toBeLessThanOrEqual(r.leads.new)
        for (const c of Object.values(r.channels)) expect(c.converted).toBeLessThanOrEqual(c.leads)
        const to = opts.to ?? Number.POSITIVE_INFINITY
        const buyers = new Set(log.filter((e) => e.type === 'Purchased' && e.occurredAt < to).map((e) => e.customerId))
        expect(r.cohorts.reduce((n, c) => n + c.size, 0)).toBe(buyers.size)
      }),
      { numRuns: 300 },
    )
  })

  it('struct runs many metric folds over one shared ledger state', () => {
    fc.assert(
      fc.property(histories, picks, (lists, p) => {
        const log = interleave(lists, p)
        const report = Report.fold()
        const both = Fold.struct({
          report,
          leads: Fold.map((r: Report.Report) => r.leads.new)(report),
          events: Fold.count(() => true),
        })
        const state = both.initial()
        expect(state).toHaveLength(2) // the report and its mapped view share one state
        const result = both.result(Fold.feed(both, state, log))
        expect(result.report).toEqual(Fold.run(report, log))
        expect(result.leads).toBe(result.report.leads.new)
        expect(result.events).toBe(log.length)
      }),
      { numRuns: 50 },
    )
  })
})
