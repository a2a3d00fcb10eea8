/**
 * A seeded generator of realistic lifecycle histories: customers arrive over a period through
 * several channels and campaigns; leads get nurture series; some buy, in several product lines,
 * each buyer at its own rate and for its own time; a few orders are refunded; customers answer
 * satisfaction surveys (after purchases, and when they leave); buyers refer friends; customers
 * and leads churn, some come back. No event falls after the period. The same seed gives the same
 * events.
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
  /** Length of the period in days: customers arrive over it, and no event falls after it. */
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

/** A Gamma(shape, 1) draw (Marsaglia and Tsang; Ahrens-Dieter boost for shape < 1). */
const gamma = (random: () => number, shape: number): number => {
  if (shape < 1) return gamma(random, shape + 1) * Math.pow(random(), 1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      // A standard normal by Box-Muller.
      x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = 1 - random()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
  }
}

/** A Beta(a, b) draw. */
const beta = (random: () => number, a: number, b: number): number => {
  const x = gamma(random, a)
  return x / (x + gamma(random, b))
}

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
/** Product lines, with their price level (a multiplier of the basket size). */
const CATEGORIES = [
  { category: 'books', price: 0.5 },
  { category: 'courses', price: 1.6 },
  { category: 'coaching', price: 3 },
  { category: 'events', price: 1.2 },
] as const
const REFUND_REASONS = ['damaged', 'not-as-described', 'changed-mind'] as const

/**
 * Buyers differ in how often and how long they buy, as the BG/NBD model assumes: each buyer has
 * a purchase rate per day drawn from a Gamma distribution (shape `RATE_SHAPE`, mean
 * `RATE_SHAPE * RATE_SCALE`) and, after each purchase, a chance of dropping out drawn from a
 * Beta distribution; so predictive CLV has heterogeneity to find.
 */
const RATE_SHAPE = 1.2
const RATE_SCALE = 1 / 45
const DROPOUT_A = 1.2
const DROPOUT_B = 3.5

/** Generates the history of one customer (and of any friend it refers) into `out`. */
const customerHistory = (
  random: () => number,
  id: string,
  arrival: number,
  end: number,
  out: Event[],
  nextId: () => string,
  referredBy: string | null,
): void => {
  const cid = Ids.customerId(id)
  const exp = (mean: number) => -Math.log(1 - random()) * mean
  const pick = <A>(xs: readonly A[]): A => xs[Math.floor(random() * xs.length)]!
  /** Records an event unless it falls after the period: the generated history ends at `end`. */
  const emit = (event: Event): boolean => {
    if (event.occurredAt >= end) return false
    out.push(event)
    return true
  }
  let t = arrival
  let orders = 0
  let engaged = false
  // Sales are in USD, but for the European partner's customers (and a few direct buyers), who
  // pay in EUR: a channel's revenue is then in one currency, and its ROI can be computed.
  let currency = 'USD'
  const payIn = (share: number): void => {
    currency = random() < share ? 'EUR' : 'USD'
  }
  const favourite = pick(CATEGORIES)
  // Satisfaction answers: most customers are content, some are not.
  const npsScore = (unhappy: boolean): number =>
    unhappy ? Math.floor(random() * 7) : random() < 0.55 ? 9 + Math.floor(random() * 2) : 5 + Math.floor(random() * 4)
  const survey = (at: number, kind: 'nps' | 'csat', campaign: string, unhappy = false): void => {
    const score = kind === 'nps' ? npsScore(unhappy) : Math.min(5, Math.max(1, Math.round(4.2 + (random() - 0.6) * 3)))
    emit({ type: 'SurveyAnswered', customerId: cid, occurredAt: at, survey: kind, score, campaign })
  }
  const purchase = (): boolean => {
    const product = random() < 0.7 ? favourite : pick(CATEGORIES)
    const base = Math.exp(8.2 + 0.55 * (random() + random() + random() - 1.5)) * product.price
    const amount = Math.max(500, Math.round(base / 10) * 10)
    const orderId = `${id}-${orders + 1}`
    const bought = emit({
      type: 'Purchased',
      customerId: cid,
      occurredAt: t,
      orderId,
      amountCents: amount,
      currency,
      // Gift cards and fees carry no product line.
      ...(random() < 0.1 ? {} : { category: product.category }),
    })
    if (!bought) return false
    orders++
    engaged = true
    // A few orders are paid back, in full or in part, some in two steps.
    if (random() < 0.05) {
      const reason = pick(REFUND_REASONS)
      const at = t + Math.round(exp(6 * DAY))
      const full = random() < 0.55
      const first = full ? amount : Math.max(1, Math.round((amount * (20 + random() * 60)) / 100))
      emit({ type: 'Refunded', customerId: cid, occurredAt: at, orderId, amountCents: first, currency, reason })
      if (!full && random() < 0.3) {
        const more = Math.max(1, Math.round((amount - first) / 2))
        emit({
          type: 'Refunded',
          customerId: cid,
          occurredAt: at + Math.round(exp(10 * DAY)),
          orderId,
          amountCents: more,
          currency,
          reason,
        })
      }
    }
    // Post-purchase satisfaction, and now and then the quarterly NPS question.
    if (random() < 0.3) survey(t + Math.round(exp(2 * DAY)), 'csat', 'post-purchase')
    if (random() < 0.2) survey(t + Math.round(exp(10 * DAY)), 'nps', 'quarterly-nps')
    return true
  }
  const churn = (reason: string): void => {
    if (!emit({ type: 'Churned', customerId: cid, occurredAt: t, reason })) return
    // Exit surveys: about half of those who leave say how likely they were to recommend us.
    if (engaged && random() < 0.5) survey(t + Math.round(exp(1 * DAY)), 'nps', 'exit', true)
  }
  const direct = referredBy === null && random() < 0.15
  let conversion = 0.3
  if (direct) payIn(0.12)
  else {
    let draw = random() * TOTAL_WEIGHT
    const channel = referredBy !== null ? null : (CHANNELS.find((c) => (draw -= c.weight) < 0) ?? CHANNELS[0])
    payIn(channel?.channel === 'partner' ? 0.7 : 0)
    const campaign =
      channel !== null && channel.campaigns.length > 0 && random() < 0.8 ? pick(channel.campaigns) : undefined
    const joined = emit({
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
    if (!joined) return
    conversion = channel?.conversion ?? 0.45
    // A nurture series for most leads; nurtured leads convert more often.
    if (random() < 0.8) {
      const touches = 3 + Math.floor(random() * 14)
      for (let i = 0; i < touches; i++) {
        t += Math.round(exp(3 * DAY))
        emit({
          type: 'Nurtured',
          customerId: cid,
          occurredAt: t,
          touch: pick(TOUCHES),
          ...(random() < 0.5 ? { campaign: 'welcome-series' } : {}),
        })
      }
      conversion *= 1.4
    }
    if (random() >= conversion) {
      // Leads who never buy: some unsubscribe.
      if (random() < 0.25) {
        t += Math.round(exp(30 * DAY))
        churn('unsubscribed')
      }
      return
    }
    t += Math.round(exp(12 * DAY))
  }
  if (!purchase()) return
  // Repeat purchases at the buyer's own rate, until the buyer drops out or the period ends.
  const rate = gamma(random, RATE_SHAPE) * RATE_SCALE
  const dropout = beta(random, DROPOUT_A, DROPOUT_B)
  let alive = true
  for (;;) {
    if (random() < dropout) {
      alive = false
      break
    }
    t += Math.round(exp(DAY / rate))
    if (t >= end) break
    if (random() < 0.12) {
      const friend = nextId()
      emit({ type: 'Referred', customerId: cid, occurredAt: t, referredCustomerId: Ids.customerId(friend) })
      customerHistory(random, friend, t + Math.round(exp(3 * DAY)), end, out, nextId, id)
    }
    purchase()
  }
  if (random() < 0.08) {
    t += Math.round(exp(5 * DAY))
    const friend = nextId()
    if (emit({ type: 'Referred', customerId: cid, occurredAt: t, referredCustomerId: Ids.customerId(friend) })) {
      customerHistory(random, friend, t + Math.round(exp(3 * DAY)), end, out, nextId, id)
    }
  }
  // Some of those who stopped buying say so (subscribers cancel); a few come back later.
  if (!alive && random() < 0.45) {
    t += Math.round(exp(60 * DAY))
    churn(random() < 0.7 ? 'cancelled' : 'too-expensive')
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
  const end = options.start + options.days * DAY
  while (made < options.customers) {
    const size = Math.min(block, options.customers - made)
    const out: Event[] = []
    for (let i = 0; i < size; i++) {
      const index = made + i
      // Arrivals spread evenly over the period, with jitter within the customer's slot.
      const arrival = options.start + Math.floor(((index + random()) / options.customers) * options.days * DAY)
      customerHistory(random, `${prefix}c${index + 1}`, arrival, end, out, nextId, null)
    }
    made += size
    out.sort((a, b) => a.occurredAt - b.occurredAt)
    yield* out
  }
}
