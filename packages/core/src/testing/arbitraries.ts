/**
 * fast-check arbitraries of well-formed lifecycle events, for property tests.
 */
import * as fc from 'fast-check'
import * as Customer from '../Customer.js'
import * as Decider from '../Decider.js'
import { customerId, type CustomerId } from '../Ids.js'
import { SCORE_RANGE, SURVEYS, TOUCHES, type LifecycleEvent } from '../LifecycleEvent.js'
import * as Timestamp from '../Timestamp.js'

const MIN = Timestamp.unsafeParse('2024-01-01T00:00:00Z')
const MAX = Timestamp.unsafeParse('2026-12-31T23:59:59.999Z')

/** An instant between 2024 and 2026, in whole milliseconds. */
export const instant = (): fc.Arbitrary<number> => fc.integer({ min: MIN, max: MAX })

/** A customer id from a small pool, so that streams collide. */
export const customer = (pool = 5): fc.Arbitrary<CustomerId> =>
  fc.integer({ min: 1, max: pool }).map((i) => customerId(`c${i}`))

/** Any customer id of 1 to 256 characters, Unicode included. */
export const anyCustomerId = (): fc.Arbitrary<CustomerId> =>
  fc.string({ minLength: 1, maxLength: 256, unit: 'grapheme-composite' }).map((s) => customerId(s))

const optional = <K extends string, A>(key: K, arb: fc.Arbitrary<A>): fc.Arbitrary<Partial<Record<K, A>>> =>
  fc.option(arb, { nil: undefined }).map((v) => {
    const out: Partial<Record<K, A>> = {}
    if (v !== undefined) out[key] = v
    return out
  })

const metadata = optional(
  'metadata',
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), { maxKeys: 2 }),
)
const eventId = optional(
  'eventId',
  fc.uuid().map((u) => u.toLowerCase() as never),
)
const cents = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 5_000_000 })

/** Any well-formed lifecycle event of one of the given customers. */
export const event = (customers: fc.Arbitrary<CustomerId> = customer()): fc.Arbitrary<LifecycleEvent> => {
  const base = fc.record({ customerId: customers, occurredAt: instant() })
  const extras = fc.tuple(metadata, eventId).map(([m, i]) => ({ ...m, ...i }))
  return fc.oneof(
    fc
      .tuple(
        base,
        extras,
        fc.constantFrom('seo', 'webinar', 'paid-social', 'referral'),
        optional('campaign', fc.constantFrom('spring', 'summer')),
        optional('acquisitionCostCents', cents()),
        optional('referredBy', customers),
      )
      .map(([b, x, channel, campaign, cost, ref]): LifecycleEvent => ({
        type: 'OptedIn',
        ...b,
        ...x,
        channel,
        ...campaign,
        ...cost,
        ...ref,
      })),
    fc
      .tuple(base, extras, fc.constantFrom(...TOUCHES), optional('campaign', fc.constantFrom('spring', 'summer')))
      .map(([b, x, touch, campaign]): LifecycleEvent => ({ type: 'Nurtured', ...b, ...x, touch, ...campaign })),
    fc
      .tuple(
        base,
        extras,
        fc.integer({ min: 1, max: 6 }),
        cents(),
        fc.constantFrom('USD', 'EUR', 'JPY'),
        optional('category', fc.constantFrom('books', 'courses', 'coaching')),
      )
      .map(([b, x, order, amountCents, currency, category]): LifecycleEvent => ({
        type: 'Purchased',
        ...b,
        ...x,
        orderId: `o${order}`,
        amountCents,
        currency,
        ...category,
      })),
    // Refunds of the same small set of order ids, often small enough to be admitted.
    fc
      .tuple(
        base,
        extras,
        fc.integer({ min: 1, max: 6 }),
        fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 5_000_000 })),
        fc.constantFrom('USD', 'EUR', 'JPY'),
        optional('reason', fc.constantFrom('damaged', 'late')),
      )
      .map(([b, x, order, amountCents, currency, reason]): LifecycleEvent => ({
        type: 'Refunded',
        ...b,
        ...x,
        orderId: `o${order}`,
        amountCents,
        currency,
        ...reason,
      })),
    fc
      .tuple(base, extras, customers)
      .map(([b, x, referredCustomerId]): LifecycleEvent => ({ type: 'Referred', ...b, ...x, referredCustomerId })),
    fc
      .tuple(
        base,
        extras,
        fc.constantFrom(...SURVEYS),
        fc.integer({ min: 0, max: 10 }),
        optional('campaign', fc.constantFrom('q1-nps', 'exit')),
      )
      .map(([b, x, survey, score, campaign]): LifecycleEvent => {
        const [min, max] = SCORE_RANGE[survey]
        return { type: 'SurveyAnswered', ...b, ...x, survey, score: Math.min(max, Math.max(min, score)), ...campaign }
      }),
    fc
      .tuple(base, extras, optional('reason', fc.constantFrom('cancelled', 'inactive')))
      .map(([b, x, reason]): LifecycleEvent => ({ type: 'Churned', ...b, ...x, ...reason })),
  )
}

/** Keeps what the lifecycle rules accept of one customer's events, in time order. */
const accepted = (events: readonly LifecycleEvent[]): LifecycleEvent[] => {
  let state = Customer.initial
  const out: LifecycleEvent[] = []
  for (const e of [...events].sort((a, b) => a.occurredAt - b.occurredAt)) {
    if (Decider.check(e, state) === null) {
      out.push(e)
      state = Customer.evolve(state, e)
    }
  }
  return out
}

/** Options of `histories`. */
export interface HistoryOptions {
  /** The id of the `i`-th customer. */
  readonly idOf: (i: number) => string
  /** The metadata value of the `j`-th generated event of the `i`-th customer (when it has metadata). */
  readonly metaOf: (i: number, j: number) => string
  /** Default 6. */
  readonly maxCustomers?: number
  /** Events generated per customer before the rules keep the valid ones; default 20. */
  readonly maxEvents?: number
}

/**
 * Valid histories (every event type, accepted by the lifecycle rules), one time-ordered list per
 * customer `idOf(i)`: referrals and `referredBy` name other customers of the history, and each
 * metadata value is `metaOf(i, j)`, so that a test can look for it afterwards (erasure tests).
 */
export const histories = (options: HistoryOptions): fc.Arbitrary<LifecycleEvent[][]> =>
  fc
    .array(fc.array(event(fc.constant(customerId('x'))), { maxLength: options.maxEvents ?? 20 }), {
      minLength: 1,
      maxLength: options.maxCustomers ?? 6,
    })
    .map((perCustomer) =>
      perCustomer.map((events, i) => {
        const n = perCustomer.length
        const id = customerId(options.idOf(i))
        return accepted(
          events.map((e, j): LifecycleEvent => {
            const { eventId: _id, metadata, ...rest } = e
            const base = {
              ...rest,
              customerId: id,
              ...(metadata === undefined ? {} : { metadata: { note: options.metaOf(i, j) } }),
            } as LifecycleEvent
            if (base.type === 'Referred') return { ...base, referredCustomerId: customerId(options.idOf((i + 1) % n)) }
            if (base.type === 'OptedIn' && base.referredBy !== undefined)
              return { ...base, referredBy: customerId(options.idOf((i + 2) % n)) }
            return base
          }),
        ).filter((e) => !(e.type === 'Referred' && e.referredCustomerId === id))
      }),
    )

/** Merges per-customer lists into one, keeping each customer's order; `picks` decide the interleaving. */
export const interleave = <A>(lists: readonly (readonly A[])[], picks: readonly number[]): A[] => {
  const cursors = lists.map(() => 0)
  const out: A[] = []
  for (let p = 0; ; p++) {
    const open = lists.map((_, i) => i).filter((i) => cursors[i]! < lists[i]!.length)
    if (open.length === 0) return out
    const i = open[(picks[p % Math.max(1, picks.length)] ?? 0) % open.length]!
    out.push(lists[i]![cursors[i]!++]!)
  }
}
