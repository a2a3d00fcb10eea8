import { Customer, Decider, Ids, type LifecycleEvent } from '@lifeline/core'
import { Arbitraries } from '@lifeline/core/testing'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import type * as Ledger from './Ledger.js'
import * as Month from './Month.js'
import * as Report from './Report.js'

type Event = LifecycleEvent.LifecycleEvent

/** Up to five customers' valid histories (what the lifecycle rules accept), merged in time order. */
const log = fc
  .array(fc.array(Arbitraries.event(fc.constant(Ids.customerId('x'))), { maxLength: 20 }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((perCustomer) =>
    perCustomer
      .flatMap((events, i) => {
        const id = Ids.customerId(`c${i}`)
        let state = Customer.initial
        const out: Event[] = []
        for (const e of [...events].sort((a, b) => a.occurredAt - b.occurredAt)) {
          const event: Event =
            e.type === 'Referred'
              ? { ...e, customerId: id, referredCustomerId: Ids.customerId(`c${(i + 1) % perCustomer.length}`) }
              : { ...e, customerId: id }
          if (Decider.check(event, state) === null) {
            out.push(event)
            state = Customer.evolve(state, event)
          }
        }
        return out
      })
      .sort((a, b) => a.occurredAt - b.occurredAt),
  )

const MIN = Date.UTC(2024, 0, 1)
const MAX = Date.UTC(2027, 0, 1)
const options: fc.Arbitrary<Ledger.Options> = fc
  .record({
    from: fc.integer({ min: MIN, max: MAX }),
    span: fc.integer({ min: 1, max: 400 * 86_400_000 }),
    inactivityDays: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
    conversionWindowDays: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  })
  .map(({ from, span, inactivityDays, conversionWindowDays }) => ({
    from,
    to: from + span,
    ...(inactivityDays === undefined ? {} : { inactivityDays }),
    ...(conversionWindowDays === undefined ? {} : { conversionWindowDays }),
  }))

describe('trends properties', () => {
  it('each month equals the report of that month on its own, folded again (the slow way)', () => {
    fc.assert(
      fc.property(log, options, (events, opts) => {
        const { from, to } = opts as { from: number; to: number }
        const trends = Fold.run(Report.fold(opts), events).trends
        const months: number[] = []
        for (let m = Month.of(from); m <= Month.of(to - 1); m++) months.push(m)
        expect(trends.map((t) => t.month)).toEqual(months.map(Month.format))
        const converted = (a: number) =>
          a >= to ? 0 : Fold.run(Report.fold({ ...opts, from: a, to }), events).funnel[2]!.count
        months.forEach((m, i) => {
          const a = Math.max(Month.start(m), from)
          const b = Math.min(Month.start(m + 1), to)
          const alone = Fold.run(Report.fold({ ...opts, from: a, to: b }), events)
          expect(trends[i]).toEqual({
            month: Month.format(m),
            newLeads: alone.leads.new,
            // Leads of [a, b) converted before `to`: those of [a, to) less those of [b, to).
            converted: converted(a) - converted(b),
            newCustomers: alone.customers.new,
            activeAtEnd: alone.customers.active,
            churned: alone.churn.count,
            churnRate: alone.churn.rate,
            revenueCents: alone.revenue.totalCents,
            netRevenueCents: alone.revenue.netCents,
          })
        })
      }),
      { numRuns: 150 },
    )
  })
})
