import { Customer, Decider, Ids, type LifecycleEvent } from '@lifeline/core'
import { Arbitraries } from '@lifeline/core/testing'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as CustomerList from './CustomerList.js'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as LedgerCheckpoint from './LedgerCheckpoint.js'
import * as Report from './Report.js'
import * as Revenue from './Revenue.js'
import * as Satisfaction from './Satisfaction.js'
import * as Scoring from './Scoring.js'
import * as Tiers from './Tiers.js'

type Event = LifecycleEvent.LifecycleEvent

/**
 * A refund aimed at one of the customer's orders so far (picked by its own order number), in
 * that order's currency and for at most what is left of it, so that many refunds are admitted.
 */
const aimed = (event: Event, state: Customer.CustomerState): Event => {
  if (event.type !== 'Refunded' || state.orders.size === 0) return event
  const orders = [...state.orders]
  const [orderId, order] = orders[Number(event.orderId.slice(1)) % orders.length]!
  const left = order.amountCents - order.refundedCents
  return left <= 0
    ? event
    : { ...event, orderId, currency: order.currency, amountCents: Math.min(event.amountCents, left) }
}

/** Keeps what the lifecycle rules accept of one customer's time-ordered events. */
const accepted = (events: readonly Event[]): Event[] => {
  let state = Customer.initial
  const out: Event[] = []
  for (const raw of [...events].sort((a, b) => a.occurredAt - b.occurredAt)) {
    const event = aimed(raw, state)
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
      newDays: fc.integer({ min: 0, max: 400 }),
      regularPurchases: fc.integer({ min: 1, max: 4 }),
      regularWindowDays: fc.integer({ min: 0, max: 800 }),
      // Low thresholds and short half-lives, so that leads become sales-ready and scores decay.
      scoring: fc.record(
        {
          threshold: fc.integer({ min: 0, max: 40 }),
          halfLifeDays: fc.integer({ min: 1, max: 60 }),
          otherChannelPoints: fc.integer({ min: 0, max: 20 }),
          // Channels worth more and less than the others (negative too): the fit differs by lead.
          channelPoints: fc.dictionary(
            fc.constantFrom('seo', 'webinar', 'referral'),
            fc.integer({ min: -10, max: 45 }),
            {
              maxKeys: 3,
            },
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  )
  .map(
    ({ from, span, inactivityDays, conversionWindowDays, newDays, regularPurchases, regularWindowDays, scoring }) => ({
      ...(from === undefined ? {} : { from }),
      ...(from === undefined || span === undefined ? {} : { to: from + span }),
      ...(inactivityDays === undefined ? {} : { inactivityDays }),
      ...(conversionWindowDays === undefined ? {} : { conversionWindowDays }),
      ...(newDays === undefined ? {} : { newDays }),
      ...(regularPurchases === undefined ? {} : { regularPurchases }),
      ...(regularWindowDays === undefined ? {} : { regularWindowDays }),
      ...(scoring === undefined ? {} : { scoring }),
    }),
  )

const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 50 })

describe('report properties', () => {
  it('the moves counted by their tier at to equal tiers.counts; every customer moves once', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const state = Fold.run(Ledger.fold(opts), interleave(lists, p))
        const { tiers } = Report.fromLedger(state)
        const byTo: Record<string, number> = { prospect: 0, new: 0, invested: 0, regular: 0, lapsed: 0 }
        let moved = 0
        for (const move of tiers.moves) {
          if (move.to !== 'none') byTo[move.to]! += move.count
          moved += move.count
        }
        expect(byTo).toEqual(tiers.counts)
        // Every row but those none at both instants (left out of moves) moves once.
        const reader = Tiers.reader(state)
        let unmoved = 0
        for (let r = 0; r < state.customers.size; r++) {
          if (reader.atFrom(r) === Tiers.NONE && reader.atTo(r) === Tiers.NONE) unmoved++
        }
        expect(moved + unmoved).toBe(state.customers.size)
      }),
      { numRuns: 300 },
    )
  })

  it('the customer list holds every customer with events once, its tiers counted equal tiers.counts', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const state = Fold.run(Ledger.fold(opts), interleave(lists, p))
        const rows = [...CustomerList.list(state)]
        const to = Ledger.period(state).to ?? Number.POSITIVE_INFINITY
        const expected = lists
          .filter((events) => events.some((e) => e.occurredAt < to))
          .map((events) => events[0]!.customerId)
        expect(rows.map((r) => r.customerId).sort()).toEqual(expected.sort())
        const counts: Record<string, number> = { prospect: 0, new: 0, invested: 0, regular: 0, lapsed: 0 }
        for (const row of rows) if (row.tier !== 'none') counts[row.tier]!++
        expect(counts).toEqual(Report.fromLedger(state).tiers.counts)
      }),
      { numRuns: 300 },
    )
  })

  it('interleaving and resuming give the same customer list: tiers, stages, scores, salesReadyAt', () => {
    fc.assert(
      fc.property(histories, picks, picks, fc.nat(), options, (lists, p1, p2, cut, opts) => {
        const byId = (state: Ledger.State) =>
          [...CustomerList.list(state)].sort((a, b) => (a.customerId < b.customerId ? -1 : 1))
        const fold = Ledger.fold(opts)
        const a = interleave(lists, p1)
        const whole = byId(Fold.run(fold, a))
        expect(byId(Fold.run(fold, interleave(lists, p2)))).toEqual(whole)
        const k = a.length === 0 ? 0 : cut % (a.length + 1)
        const text = LedgerCheckpoint.serialize(Fold.feed(fold, fold.initial(), a.slice(0, k)))
        expect(byId(Fold.feed(fold, LedgerCheckpoint.deserialize(text), a.slice(k)))).toEqual(whole)
      }),
      { numRuns: 300 },
    )
  })

  it("a listed customer's stage is the lifecycle stage of its events before to (without implicit churn)", () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const { inactivityDays: _implicit, ...explicit } = opts
        const state = Fold.run(Ledger.fold(explicit), interleave(lists, p))
        const to = Ledger.period(state).to ?? Number.POSITIVE_INFINITY
        const stages = new Map([...CustomerList.list(state)].map((row) => [row.customerId, row.stage]))
        for (const events of lists) {
          const before = events.filter((e) => e.occurredAt < to)
          if (before.length === 0) continue
          expect([events[0]!.customerId, stages.get(events[0]!.customerId)]).toEqual([
            events[0]!.customerId,
            Customer.stageName(Customer.fromEvents(before)),
          ])
        }
      }),
      { numRuns: 300 },
    )
  })

  it("scores and salesReadyAt are the contract's formula, summed term by term", () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const state = Fold.run(Ledger.fold(opts), interleave(lists, p))
        const to = Ledger.period(state).to ?? Number.POSITIVE_INFINITY
        const s = Ledger.scoringSettings(state.options)
        for (const events of lists) {
          const before = events.filter((e) => e.occurredAt < to)
          const optIn = before.find((e) => e.type === 'OptedIn')
          if (optIn === undefined) continue
          const r = Ledger.rowOf(state.customers, optIn.customerId)
          if (optIn === undefined || optIn.type !== 'OptedIn' || r === undefined) continue
          // score(c, t) = fit + sum of touchPoints * 0.5 ^ ((t - n) / halfLifeDays), n in [optIn, t].
          const score = (t: number) =>
            Scoring.fit(s, optIn.channel) +
            before.reduce(
              (sum, e) =>
                e.type === 'Nurtured' && e.occurredAt >= optIn.occurredAt && e.occurredAt <= t
                  ? sum + s.touchPoints[e.touch] * 0.5 ** ((t - e.occurredAt) / (s.halfLifeDays * 86_400_000))
                  : sum,
              0,
            )
          if (Number.isFinite(to)) expect(Ledger.scoreAt(state, r, to)).toBeCloseTo(score(to), 9)
          const candidates = [optIn, ...before.filter((e) => e.type === 'Nurtured')].map((e) => e.occurredAt)
          const first = candidates.find((t) => score(t) >= s.threshold - 1e-9)
          // (A score within a rounding error of the threshold may fall either way.)
          if (candidates.some((t) => Math.abs(score(t) - s.threshold) < 1e-6)) continue
          expect(Ledger.orNull(Ledger.salesReadyAtOf(state.customers, r))).toBe(first ?? null)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('a tier at to is the tier at from of a report starting at to', () => {
    fc.assert(
      fc.property(histories, picks, options, fc.integer({ min: MIN, max: MAX }), (lists, p, opts, t) => {
        const log = interleave(lists, p)
        const { from: _from, to: _to, ...rest } = opts
        const before = Fold.run(Ledger.fold({ ...rest, to: t }), log)
        const after = Fold.run(Ledger.fold({ ...rest, from: t, to: t + 1 }), log)
        const a = Tiers.reader(before)
        const b = Tiers.reader(after)
        for (const id of after.customers.ids) {
          const r = Ledger.rowOf(before.customers, id)
          expect([id, r === undefined ? Tiers.NONE : a.atTo(r)]).toEqual([
            id,
            b.atFrom(Ledger.rowOf(after.customers, id)!),
          ])
        }
      }),
      { numRuns: 300 },
    )
  })

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
          r.refunds.orderRate,
          r.crossSell.rate,
          r.upsell.rate,
          r.satisfaction.csat.rate,
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

/** The period of the options, as bounds on instants (no bound where an option is missing). */
const bounds = (opts: Ledger.Options) => ({
  from: opts.from ?? Number.NEGATIVE_INFINITY,
  to: opts.to ?? Number.POSITIVE_INFINITY,
})

/** Adds `n` at `key` of a per-currency record. */
const plus = (record: Record<string, number>, key: string, n: number): void => {
  record[key] = (record[key] ?? 0) + n
}

describe('report properties of refunds, satisfaction, cross-sell and upsell', () => {
  it('refunds and net revenue agree with sums over the raw log; net = total - refunded per currency', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const log = interleave(lists, p)
        const { from, to } = bounds(opts)
        const r = Fold.run(Report.fold(opts), log)
        const total: Record<string, number> = {}
        const refunded: Record<string, number> = {}
        const netBefore: Record<string, number> = {}
        let count = 0
        for (const e of log) {
          if (e.occurredAt >= to) continue
          if (e.type === 'Purchased') {
            if (e.occurredAt >= from) plus(total, e.currency, e.amountCents)
            plus(netBefore, e.currency, e.amountCents)
          } else if (e.type === 'Refunded') {
            if (e.occurredAt >= from) {
              plus(refunded, e.currency, e.amountCents)
              count++
            }
            plus(netBefore, e.currency, -e.amountCents)
          }
        }
        expect(r.revenue.totalCents).toEqual(total)
        expect(r.revenue.refundedCents).toEqual(refunded)
        expect(r.refunds.count).toBe(count)
        const currencies = new Set([...Object.keys(total), ...Object.keys(refunded)])
        expect(Object.keys(r.revenue.netCents).sort()).toEqual([...currencies].sort())
        for (const currency of currencies) {
          expect(r.revenue.netCents[currency]).toBe((total[currency] ?? 0) - (refunded[currency] ?? 0))
        }
        // The customers' historic values add up to the net money before to.
        const state = Fold.run(Ledger.fold(opts), log)
        const values: Record<string, number> = {}
        for (const [, value] of Revenue.historicValues(state)) {
          for (const [currency, cents] of Object.entries(value)) plus(values, currency, cents)
        }
        expect(values).toEqual(netBefore)
      }),
      { numRuns: 300 },
    )
  })

  it('refunds.orderRate is the share of the orders of the period with a refund before to', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const log = interleave(lists, p)
        const { from, to } = bounds(opts)
        const orders = new Set<string>()
        const refunded = new Set<string>()
        for (const e of log) {
          if (e.occurredAt >= to) continue
          const key = `${e.customerId}\u0000${'orderId' in e ? e.orderId : ''}`
          if (e.type === 'Purchased' && e.occurredAt >= from) orders.add(key)
          if (e.type === 'Refunded') refunded.add(key)
        }
        const hit = [...orders].filter((o) => refunded.has(o)).length
        const r = Fold.run(Report.fold(opts), log)
        expect(r.refunds.orderRate).toBe(orders.size === 0 ? null : hit / orders.size)
      }),
      { numRuns: 300 },
    )
  })

  it('NPS and CSAT count each customer by its latest answer in the period; NPS is in [-100, 100]', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const log = interleave(lists, p)
        const { from, to } = bounds(opts)
        const latest = { nps: new Map<string, number>(), csat: new Map<string, number>() }
        for (const e of log) {
          if (e.type === 'SurveyAnswered' && e.occurredAt >= from && e.occurredAt < to) {
            latest[e.survey].set(e.customerId, e.score)
          }
        }
        const nps = [...latest.nps.values()]
        const csat = [...latest.csat.values()]
        const r = Fold.run(Report.fold(opts), log)
        expect(r.satisfaction.nps).toEqual(
          Satisfaction.nps(
            nps.filter((s) => s >= 9).length,
            nps.filter((s) => s === 7 || s === 8).length,
            nps.filter((s) => s <= 6).length,
          ),
        )
        expect(r.satisfaction.nps.responses).toBe(nps.length)
        const score = r.satisfaction.nps.score
        if (score === null) expect(nps).toHaveLength(0)
        else {
          expect(score).toBeGreaterThanOrEqual(-100)
          expect(score).toBeLessThanOrEqual(100)
        }
        const satisfied = csat.filter((s) => s >= 4).length
        expect(r.satisfaction.csat).toEqual({
          responses: csat.length,
          satisfied,
          rate: csat.length === 0 ? null : satisfied / csat.length,
        })
      }),
      { numRuns: 300 },
    )
  })

  it('cross-sell and upsell agree with a direct reading of each customer purchases', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const log = interleave(lists, p)
        const { to } = bounds(opts)
        const purchases = new Map<string, LifecycleEvent.Purchased[]>()
        for (const e of log) {
          if (e.type !== 'Purchased' || e.occurredAt >= to) continue
          purchases.set(e.customerId, [...(purchases.get(e.customerId) ?? []), e])
        }
        let categorized = 0
        let crossSold = 0
        let repeat = 0
        let upsold = 0
        for (const list of purchases.values()) {
          const categories = list.flatMap((e) => (e.category === undefined ? [] : [e.category]))
          if (categories.length >= 2) {
            categorized++
            if (new Set(categories).size >= 2) crossSold++
          }
          if (list.length >= 2) {
            repeat++
            const [first, ...later] = list
            if (later.some((e) => e.currency === first!.currency && e.amountCents > first!.amountCents)) upsold++
          }
        }
        const r = Fold.run(Report.fold(opts), log)
        expect(r.crossSell.rate).toBe(categorized === 0 ? null : crossSold / categorized)
        expect(r.upsell.rate).toBe(repeat === 0 ? null : upsold / repeat)
      }),
      { numRuns: 300 },
    )
  })

  it('churn reasons add up to the churn count', () => {
    fc.assert(
      fc.property(histories, picks, options, (lists, p, opts) => {
        const r = Fold.run(Report.fold(opts), interleave(lists, p))
        const sum = Object.values(r.churn.byReason).reduce((a, b) => a + b, 0)
        expect(sum).toBe(r.churn.count)
      }),
      { numRuns: 300 },
    )
  })

  it('the generated histories hold admitted refunds and surveys (the properties above see them)', () => {
    const seen = { refunds: 0, surveys: 0, categorized: 0 }
    fc.assert(
      fc.property(histories, (lists) => {
        for (const e of lists.flat()) {
          if (e.type === 'Refunded') seen.refunds++
          if (e.type === 'SurveyAnswered') seen.surveys++
          if (e.type === 'Purchased' && e.category !== undefined) seen.categorized++
        }
      }),
      { numRuns: 100, seed: 42 },
    )
    expect(seen.refunds).toBeGreaterThan(50)
    expect(seen.surveys).toBeGreaterThan(50)
    expect(seen.categorized).toBeGreaterThan(50)
  })
})
