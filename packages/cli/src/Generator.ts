/**
 * A seeded generator of realistic lifecycle histories: customers arrive over a period through
 * several channels and campaigns; leads get nurture series; some buy, some again; buyers refer
 * friends; customers and leads churn, some come back. The same seed gives the same events.
 * Every history obeys the lifecycle rules; each customer's events are in time order, and
 * customers are interleaved by time within blocks, as a live log would have them.
 */
import { Ids, type LifecycleEvent } from '@lifeline/core'

type Event = LifecycleEvent.LifecycleEvent

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What to generate. */
export interface Options {
  /** Customers arriving (referred friends come on top). */
  readonly customers: number
  /** First instant, UTC ms. */
  readonly start: number
  /** Length of the arrival period in days. */
  readonly days: number
  readonly seed: number
  /** Prefix of customer ids (default `c`, friends `f`), so that two generated sets can be told apart. */
  readonly idPrefix?: string
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** mulberry32: a small, fast, seeded PRNG with good enough statistics for synthetic data. */
const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const DAY = 86_400_000

const CHANNELS = [
  { channel: 'seo', weight: 30, campaigns: [] as string[], cost: 0, conversion: 0.22 },
  {
    channel: 'paid-social',
    weight: 25,
    campaigns: ['spring-sale', 'summer-retarget', 'black-friday'],
    cost: 1400,
    conversion: 0.16,
  },
  { channel: 'webinar', weight: 15, campaigns: ['product-tour', 'masterclass'], cost: 2500, conversion: 0.35 },
  { channel: 'newsletter', weight: 15, campaigns: ['weekly-digest'], cost: 300, conversion: 0.2 },
  { channel: 'partner', weight: 15, campaigns: ['partner-bundle'], cost: 1800, conversion: 0.27 },
] as const
const TOTAL_WEIGHT = CHANNELS.reduce((n, c) => n + c.weight, 0)
const TOUCHES = ['email', 'email', 'email', 'sms', 'content', 'retargeting', 'call', 'event'] as const

/** Generates the history of one customer (and of any friend it refers) into `out`. */
const customerHistory = (
  random: () => number,
  id: string,
  arrival: number,
  out: Event[],
  nextId: () => string,
  referredBy: string | null,
): void => {
  const cid = Ids.customerId(id)
  const exp = (mean: number) => -Math.log(1 - random()) * mean
  let t = arrival
  let orders = 0
  const currency = random() < 0.12 ? 'EUR' : 'USD'
  const purchase = () => {
    orders++
    const amount = Math.max(500, Math.round(Math.exp(8.2 + 0.55 * (random() + random() + random() - 1.5)) / 10) * 10)
    out.push({
      type: 'Purchased',
      customerId: cid,
      occurredAt: t,
      orderId: `${id}-${orders}`,
      amountCents: amount,
      currency,
    })
  }
  const direct = referredBy === null && random() < 0.15
  let conversion = 0.3
  if (!direct) {
    let pick = random() * TOTAL_WEIGHT
    const channel = referredBy !== null ? null : (CHANNELS.find((c) => (pick -= c.weight) < 0) ?? CHANNELS[0])
    const campaign =
      channel !== null && channel.campaigns.length > 0 && random() < 0.8
        ? channel.campaigns[Math.floor(random() * channel.campaigns.length)]
        : undefined
    out.push({
      type: 'OptedIn',
      customerId: cid,
      occurredAt: t,
      channel: channel?.channel ?? 'referral',
      ...(campaign === undefined ? {} : { campaign }),
      ...(channel !== null && channel.cost > 0
        ? { acquisitionCostCents: Math.round(channel.cost * (0.6 + random() * 0.8)) }
        : {}),
      ...(referredBy === null ? {} : { referredBy: Ids.customerId(referredBy) }),
    })
    conversion = channel?.conversion ?? 0.45
    // A nurture series for most leads; nurtured leads convert more often.
    if (random() < 0.8) {
      const touches = 3 + Math.floor(random() * 14)
      for (let i = 0; i < touches; i++) {
        t += Math.round(exp(3 * DAY))
        out.push({
          type: 'Nurtured',
          customerId: cid,
          occurredAt: t,
          touch: TOUCHES[Math.floor(random() * TOUCHES.length)]!,
          ...(random() < 0.5 ? { campaign: 'welcome-series' } : {}),
        })
      }
      conversion *= 1.4
    }
    if (random() >= conversion) {
      // Leads who never buy: some unsubscribe.
      if (random() < 0.25) {
        t += Math.round(exp(30 * DAY))
        out.push({ type: 'Churned', customerId: cid, occurredAt: t, reason: 'unsubscribed' })
      }
      return
    }
    t += Math.round(exp(12 * DAY))
  }
  purchase()
  // Repeat purchases: a geometric number of further orders.
  while (random() < 0.6) {
    t += Math.round(exp(40 * DAY))
    if (random() < 0.12) {
      const friend = nextId()
      out.push({ type: 'Referred', customerId: cid, occurredAt: t, referredCustomerId: Ids.customerId(friend) })
      customerHistory(random, friend, t + Math.round(exp(3 * DAY)), out, nextId, id)
    }
    purchase()
  }
  if (random() < 0.08) {
    t += Math.round(exp(5 * DAY))
    const friend = nextId()
    out.push({ type: 'Referred', customerId: cid, occurredAt: t, referredCustomerId: Ids.customerId(friend) })
    customerHistory(random, friend, t + Math.round(exp(3 * DAY)), out, nextId, id)
  }
  // Subscribers cancel; a few come back later.
  if (random() < 0.3) {
    t += Math.round(exp(60 * DAY))
    out.push({ type: 'Churned', customerId: cid, occurredAt: t, reason: random() < 0.7 ? 'cancelled' : 'inactive' })
    if (random() < 0.15) {
      t += Math.round(exp(90 * DAY))
      purchase()
    }
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Generates histories lazily, 1,000 customers at a time (each block ordered by time), so that
 * millions of events can be streamed without holding them all.
 */
export function* generate(options: Options): Generator<Event> {
  const random = prng(options.seed)
  const block = 1_000
  let made = 0
  let friends = 0
  const prefix = options.idPrefix ?? ''
  const nextId = () => `${prefix}f${++friends}`
  while (made < options.customers) {
    const size = Math.min(block, options.customers - made)
    const out: Event[] = []
    for (let i = 0; i < size; i++) {
      const index = made + i
      // Arrivals spread evenly over the period, with jitter within the customer's slot.
      const arrival = options.start + Math.floor(((index + random()) / options.customers) * options.days * DAY)
      customerHistory(random, `${prefix}c${index + 1}`, arrival, out, nextId, null)
    }
    made += size
    out.sort((a, b) => a.occurredAt - b.occurredAt)
    yield* out
  }
}
