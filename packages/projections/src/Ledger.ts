/**
 * The ledger: one fold that keeps, per customer, the facts every metric needs, plus the few
 * aggregates that cannot be derived from per-customer facts at the end (monthly activity,
 * revenue by month). Each metric module reads it; folded once, it serves the whole report.
 *
 * The per-customer facts are kept as columns (one typed array per fact, one row per customer,
 * strings as dictionary indexes), not as one object per customer: reading every customer for a
 * result is a scan of a few arrays, and a checkpoint of a million customers is written and read
 * back as blocks of memory (see `LedgerCheckpoint`), so resuming a report costs little more than
 * the new events.
 *
 * Precondition: each customer's events arrive in time order (same-instant events in log order),
 * and a refund names an earlier order of its customer in that order's currency, which every
 * EventLog guarantees through the lifecycle rules. Customers may interleave freely.
 *
 * The state is O(customers) but for one sparse side structure, `refundOrders`: telling whether a
 * refund's order was bought in [from, to), and was not refunded before, needs to remember order
 * ids (see `refundOrders` for what it holds and why that is as small as it can be).
 */
import type { LifecycleEvent as Events } from '@lifeline/core'
import { Timestamp } from '@lifeline/core'
import * as E from 'fp-ts/lib/Either.js'

type LifecycleEvent = Events.LifecycleEvent
import type { Fold } from './Fold.js'
import * as Month from './Month.js'
import * as Scoring from './Scoring.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The options of a report (METRICS.md). Instants are UTC milliseconds. */
export interface Options {
  /** Start of the period, inclusive. Default: the earliest event. */
  readonly from?: number
  /** End of the period, exclusive; the report's as-of instant. Default: just after the latest event. */
  readonly to?: number
  /** Implicit churn after this many days without a purchase. Default: off. */
  readonly inactivityDays?: number
  /** A lead counts as converted only if it buys within this many days of opting in. Default: no limit. */
  readonly conversionWindowDays?: number
  /** Client tiers: a customer whose first purchase is this recent is `new`. Default 90. */
  readonly newDays?: number
  /** Client tiers: this many purchases in the window make a customer `regular`. Default 3. */
  readonly regularPurchases?: number
  /** Client tiers: the window, in days before the instant, for `regularPurchases`. Default 365. */
  readonly regularWindowDays?: number
  /** Lead scoring (points, half-life, threshold); each option left out takes its default. */
  readonly scoring?: Scoring.Options
}

/** The tier options with their defaults filled in. */
export interface TierSettings {
  readonly newDays: number
  readonly regularPurchases: number
  readonly regularWindowDays: number
}

/**
 * The largest `regularPurchases`: the ledger keeps that many purchase instants per customer (a
 * column each), so it is bounded.
 */
export const MAX_REGULAR_PURCHASES = 100

/** The tier defaults of METRICS.md. */
export const TIER_DEFAULTS: TierSettings = { newDays: 90, regularPurchases: 3, regularWindowDays: 365 }

/** What `step` reads of the options, resolved once per options object. */
interface Resolved {
  readonly options: Options
  readonly tiers: TierSettings
  readonly scoring: Scoring.Settings
  /** `from - regularWindowDays`: purchases from here to `from` count for the tier at `from`. */
  readonly fromWindowStart: number
  /** The half-life in ms: a touch's points decay as `0.5 ^ (Δt / halfLifeMs)` (`Scoring.decay`). */
  readonly halfLifeMs: number
  /** The score at which a lead is sales-ready: the threshold less its tolerance. */
  readonly readyAt: number
  /** The largest fit of any channel: below `readyAt` with it, a score is below with any. */
  readonly maxFit: number
  /** The smallest fit of any channel: at `readyAt` with it, a score is at it with any. */
  readonly minFit: number
  /** The points of each touch by `touchIndex`. */
  readonly touchPoints: Float64Array
}

/** A touch's slot in `TOUCH_SLOTS`: its length twice plus its second character, in 7 bits (distinct for the touches of `Scoring.TOUCHES`). */
const touchSlot = (touch: string): number => (touch.length * 2 + touch.charCodeAt(1)) & 127

/** The index in `Scoring.TOUCHES` of the touch at each `touchSlot`, -1 where there is none. */
const TOUCH_SLOTS = ((): Int8Array => {
  const slots = new Int8Array(128).fill(-1)
  Scoring.TOUCHES.forEach((touch, i) => {
    const slot = touchSlot(touch)
    if (slots[slot] !== -1) throw new Error(`touches ${touch} and ${Scoring.TOUCHES[slots[slot]!]} share a slot`)
    slots[slot] = i
  })
  return slots
})()

/**
 * A touch's index in `Scoring.TOUCHES`, from its slot and checked against the name there: no
 * chain of comparisons whose outcome changes from one touch to the next (a switch on the names
 * cost a touch's step more than its decay), and no hashing. -1 for a name that is not a touch.
 */
const touchIndex = (touch: Events.Touch): number => {
  const i = TOUCH_SLOTS[touchSlot(touch)]!
  return i >= 0 && Scoring.TOUCHES[i] === touch ? i : -1
}

const resolvedCache = new WeakMap<Options, Resolved>()
/** The last options resolved: folds step with one options object, so this is the usual hit. */
let lastResolved: Resolved | null = null

/**
 * What `step` reads of the options: the last options' resolution, else `resolveOptions`. Small
 * enough to inline into the handlers of a step, which call it on every event.
 */
const resolved = (options: Options): Resolved =>
  lastResolved !== null && lastResolved.options === options ? lastResolved : resolveOptions(options)

/** The options resolved once (cached per options object); the last one kept for `resolved`. */
const resolveOptions = (options: Options): Resolved => {
  let r = resolvedCache.get(options)
  if (r === undefined) {
    const tiers: TierSettings = {
      newDays: options.newDays ?? TIER_DEFAULTS.newDays,
      regularPurchases: options.regularPurchases ?? TIER_DEFAULTS.regularPurchases,
      regularWindowDays: options.regularWindowDays ?? TIER_DEFAULTS.regularWindowDays,
    }
    const scoring = Scoring.settings(options.scoring)
    r = {
      options,
      tiers,
      scoring,
      fromWindowStart: (options.from ?? Number.NEGATIVE_INFINITY) - tiers.regularWindowDays * Timestamp.MS_PER_DAY,
      halfLifeMs: Scoring.halfLifeMs(scoring),
      readyAt: scoring.threshold - Scoring.EPSILON,
      maxFit: Object.values(scoring.channelPoints).reduce((a, b) => Math.max(a, b), scoring.otherChannelPoints),
      minFit: Object.values(scoring.channelPoints).reduce((a, b) => Math.min(a, b), scoring.otherChannelPoints),
      touchPoints: Float64Array.from(Scoring.TOUCHES, (touch) => scoring.touchPoints[touch]),
    }
    resolvedCache.set(options, r)
  }
  lastResolved = r
  return r
}

/** The tier options of a report with the defaults filled in. */
export const tierSettings = (options: Options): TierSettings => resolved(options).tiers

/** The scoring options of a report with the defaults filled in. */
export const scoringSettings = (options: Options): Scoring.Settings => resolved(options).scoring

/**
 * Checks a report's options: instants and day counts finite (days >= 0), `to` after `from`,
 * `regularPurchases` a whole number from 1 to `MAX_REGULAR_PURCHASES`, the scoring options as `Scoring.decode` checks them.
 * The options back, or the first one that is wrong, named with its value.
 */
export const validate = (options: Options): E.Either<Scoring.InvalidOption, Options> => {
  for (const key of ['from', 'to'] as const) {
    const x = options[key]
    if (x !== undefined && !(typeof x === 'number' && Number.isFinite(x))) {
      return E.left(Scoring.invalid(key, x, 'not an instant (UTC milliseconds)'))
    }
  }
  if (options.from !== undefined && options.to !== undefined && !(options.to > options.from)) {
    return E.left(Scoring.invalid('to', options.to, `not later than from (${options.from})`))
  }
  for (const key of ['inactivityDays', 'conversionWindowDays', 'newDays', 'regularWindowDays'] as const) {
    const x = options[key]
    if (x !== undefined && !(typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
      return E.left(Scoring.invalid(key, x, 'not a number of days >= 0'))
    }
  }
  const k = options.regularPurchases
  if (k !== undefined && !(Number.isInteger(k) && k >= 1 && k <= MAX_REGULAR_PURCHASES)) {
    return E.left(Scoring.invalid('regularPurchases', k, `not a whole number from 1 to ${MAX_REGULAR_PURCHASES}`))
  }
  if (options.scoring !== undefined) {
    const scoring = Scoring.decode(options.scoring)
    if (E.isLeft(scoring)) return scoring
  }
  return E.right(options)
}

/** The per-customer facts held as numbers (UTC ms instants, counts, cents); NaN is "never". */
export const NUMBER_FACTS = [
  /** First `OptedIn`. */
  'optInAt',
  /** On the first opt-in. */
  'acquisitionCostCents',
  'firstPurchaseAt',
  'lastPurchaseAt',
  'firstReferralAt',
  /** Earliest `Referred` in [from, to) naming this customer as the referred person. */
  'referredInPeriodAt',
  /** Start of the current active stretch. */
  'activeSince',
  /** The implicit churn that happens unless a purchase comes first (inactivityDays). */
  'pendingChurnAt',
  /** Net cents (purchases minus refunds) in the customer's first currency (`currency`), before `to`. */
  'revenueCents',
  /** The first purchase's `amountCents` (gross), for upsell. */
  'firstAmountCents',
] as const

/** The per-customer facts held as integers: counts, dictionary indexes (-1 is "none"), flags. */
export const INTEGER_FACTS = [
  /** Purchases before `to`. */
  'purchases',
  /** Channel and campaign of the first opt-in, and the first currency paid in. */
  'channel',
  'campaign',
  'currency',
  /** The category of the first purchase before `to` that carries one. */
  'category',
  /** The reason of the first churn in [from, to): its `reason`, `unspecified` or `inactive`. */
  'churnReason',
  /**
   * The latest `nps` and `csat` scores answered in [from, to), one byte each: `nps + 1` in the
   * low byte, `csat + 1` in the next, 0 for none (read them with `npsOf` and `csatOf`).
   */
  'surveys',
  /**
   * `NEW_LEAD | ACTIVE | CHURNED_IN_PERIOD | BEFORE_FROM_PURCHASE | BEFORE_FROM_CHURN | UPSOLD | ...`,
   * and from bit `FROM_WINDOW_SHIFT` the purchases in [from - regularWindowDays, from) (the tier
   * at `from`; read them with `fromWindowPurchasesOf`).
   */
  'flags',
] as const

/** First opt-in in [from, to) with no purchase before it: a new lead of the period. */
export const NEW_LEAD = 1
/** Latest Purchased/Churned is a Purchased (explicit and materialized implicit churns). */
export const ACTIVE = 2
/** A churn (explicit or implicit) in [from, to). */
export const CHURNED_IN_PERIOD = 4
/** Latest Purchased/Churned before `from` is a Purchased. */
export const BEFORE_FROM_PURCHASE = 8
/** Latest Purchased/Churned before `from` is a Churned. */
export const BEFORE_FROM_CHURN = 16
/** A later purchase before `to`, in the first purchase's currency, for more than the first. */
export const UPSOLD = 32
/** Two or more purchases before `to` that carry a category. */
export const CATEGORIZED_TWICE = 64
/** Purchases before `to` of two or more categories. */
export const CROSS_SOLD = 128
/** Latest OptedIn/Churned is an OptedIn (a lead, if it never bought). */
export const OPTED_IN = 256
/** Latest OptedIn/Churned before `from` is an OptedIn. */
export const OPTED_IN_AT_FROM = 512
/** Latest OptedIn/Purchased/Churned is a Churned (explicit or implicit, folded): the stage `churned`. */
export const LAST_CHURNED = 1024
/**
 * The purchases in [from - regularWindowDays, from) are counted in the 7 bits of `flags` from
 * this one (the flags above take bits 0 to 10), up to `FROM_WINDOW_MAX`: the tier at `from` asks
 * only whether there are `regularPurchases` of them, at most `MAX_REGULAR_PURCHASES`, below that bound.
 */
export const FROM_WINDOW_SHIFT = 11
/** The largest count of purchases in the window before `from` that `flags` holds (see `FROM_WINDOW_SHIFT`). */
export const FROM_WINDOW_MAX = 127

/** No month, channel, campaign or currency. */
export const NONE = -1

/**
 * A row of `Customers.nurture`: its width and the place of each number from the row's first. A
 * `const enum`, so that the build writes the numbers in place: a bundle's top-level constants
 * are variables V8 loads and checks at each use, and a touch uses them a dozen times. The
 * exported places below are typed as their numbers, so they cannot part from it.
 */
const enum Row {
  Width = 4,
  FirstNurtured = 0,
  Engagement = 1,
  EngagementAt = 2,
  SalesReady = 3,
}

/** The numbers a row of `Customers.nurture`, and the place of each from the row's first. */
export const NURTURE: 4 = Row.Width
/** The place of the first `Nurtured` in a row of `Customers.nurture`. */
export const FIRST_NURTURED: 0 = Row.FirstNurtured
/** The place of the decayed points of the touches in a row of `Customers.nurture`. */
export const ENGAGEMENT: 1 = Row.Engagement
/** The place of the instant the points are decayed to in a row of `Customers.nurture`. */
export const ENGAGEMENT_AT: 2 = Row.EngagementAt
/** The place of `salesReadyAt` in a row of `Customers.nurture`. */
export const SALES_READY: 3 = Row.SalesReady

/**
 * The customers as columns: row `r` is the customer `ids[r]`. Arrays may be longer than `size`
 * (room to grow); rows from `size` on mean nothing.
 */
export interface Customers {
  size: number
  readonly ids: string[]
  readonly numbers: Record<(typeof NUMBER_FACTS)[number], Float64Array>
  readonly integers: Record<(typeof INTEGER_FACTS)[number], Int32Array>
  /** Rows changed since the last full checkpoint: 1 when changed (see `LedgerCheckpoint`). */
  touched: Uint8Array
  /**
   * The instants of the K - 1 purchases before the latest one (K is `regularPurchases`; the latest
   * is `lastPurchaseAt`), as K - 1 columns used as a ring: the j-th purchase (from 0) is in column
   * `j % (K - 1)` once a later one is made. The K-th latest purchase (`kthLatestPurchaseAt`) tells
   * whether there are K in the window before `to`, whatever `to` turns out to be (it may be
   * unknown while folding).
   */
  recent: Float64Array[]
  /**
   * A lead's nurturing, four numbers a row side by side (row `r` from `4r`, so that a touch reads
   * and writes one place in memory): its first `Nurtured`, its touches' points decayed to an
   * instant, that instant (the latest touch, or the first opt-in; NaN before it), and the first
   * instant its score reached the threshold (METRICS.md's `salesReadyAt`); NaN is "never". Read
   * them with `firstNurturedAtOf`, `engagementOf` and `salesReadyAtOf`.
   */
  nurture: Float64Array
  /** Net cents paid in currencies after a customer's first one: row -> currency -> cents. */
  readonly moreRevenue: Map<number, Record<string, number>>
  /**
   * Order ids, for `refunds.orderRate`, by row, only for rows that need them: for a customer
   * whose first purchase is in [from, to) (every order of it is an order of the period), the
   * orders refunded in the period so far, so that a second refund of one is not counted twice;
   * for a customer who bought before `from`, its orders bought in [from, to) and not refunded
   * yet (a refund of an order not listed is of an older order, or not its first). An exact
   * answer needs order ids: a customer's refunds can come in any order, long after the orders.
   */
  readonly refundOrders: Map<number, Set<string>>
  /** The dictionary of names: channels, campaigns, currencies, categories and churn reasons. */
  readonly strings: string[]
  /** Row of each customer id; rebuilt from `ids` when missing (after a checkpoint is read). */
  index: Map<string, number> | null
  /** Index of each string in `strings`; rebuilt when missing. */
  stringIndex: Map<string, number> | null
}

/** The ledger's state. */
export interface State {
  readonly options: Options
  readonly customers: Customers
  minOccurredAt: number | null
  maxOccurredAt: number | null
  /** Purchases before `to`, by currency: count and sum (AOV, historic CLV). */
  readonly sales: Map<string, { count: number; cents: number }>
  /** Refunds before `to`, by currency (historic CLV is net of them). */
  readonly refundedBefore: Map<string, number>
  /** Revenue in [from, to), by currency. */
  readonly periodRevenue: Map<string, number>
  /** Refunds in [from, to), by currency. */
  readonly periodRefunds: Map<string, number>
  /** Revenue in [from, to) by category, then currency. */
  readonly categoryRevenue: Map<string, Map<string, number>>
  /** `Refunded` events in [from, to). */
  refundsInPeriod: number
  /** Orders bought in [from, to), and how many of them have a refund before `to`. */
  ordersInPeriod: number
  refundedOrders: number
  referralsInPeriod: number
  /** Distinct buyers per month, new buyers, returning buyers (bought the month before too). */
  readonly buyers: Map<Month.Month, number>
  readonly newBuyers: Map<Month.Month, number>
  readonly returning: Map<Month.Month, number>
  /** Cohort cells: cohort -> customers of the cohort buying in its month k, at index k. */
  readonly cohortCells: Map<Month.Month, number[]>
  /** Difference array of active customers at the start of each month. */
  readonly activeDelta: Map<Month.Month, number>
  /** Customers active at a month's start who churned during it. */
  readonly monthChurns: Map<Month.Month, number>
  /**
   * Net revenue per month, by currency: month -> currency -> cents; a currency is there when the
   * month has a purchase or a refund in it.
   */
  readonly monthRevenue: Map<Month.Month, Map<string, number>>
  /** Net revenue of each cohort in its month k: cohort -> currency -> cents at index k. */
  readonly cohortRevenue: Map<Month.Month, Map<string, number[]>>
  /** Revenue in [from, to) per month: month -> currency -> cents (trends). */
  readonly periodMonthSales: Map<Month.Month, Map<string, number>>
  /** Refunds in [from, to) per month: month -> currency -> cents (trends). */
  readonly periodMonthRefunds: Map<Month.Month, Map<string, number>>
  /**
   * Customers active at `from` whose first churn in [from, to) falls before the end of the month
   * holding `from` (trends: that month's churn counts from `from`, not from its start).
   */
  fromMonthChurns: number
}

/** What the ledger knows of one customer, as one object (`factsOf`); null is "never" or "none". */
export interface CustomerFacts {
  readonly optInAt: number | null
  readonly channel: string | null
  readonly campaign: string | null
  readonly acquisitionCostCents: number | null
  readonly newLead: boolean
  readonly firstNurturedAt: number | null
  readonly firstPurchaseAt: number | null
  readonly lastPurchaseAt: number | null
  readonly purchases: number
  readonly firstReferralAt: number | null
  readonly referredInPeriodAt: number | null
  /** Net revenue by currency (purchases minus refunds before `to`); null when it never bought. */
  readonly revenue: Readonly<Record<string, number>> | null
  readonly firstAmountCents: number | null
  /** The category of its first categorized purchase. */
  readonly category: string | null
  readonly categorizedTwice: boolean
  readonly crossSold: boolean
  readonly upsold: boolean
  /** The reason of its first churn in [from, to) folded so far (a pending implicit churn aside). */
  readonly churnReason: string | null
  /** Its latest scores in [from, to). */
  readonly nps: number | null
  readonly csat: number | null
  readonly active: boolean
  readonly activeSince: number
  /** Latest Purchased/Churned before `from`: 'P', 'C' or null. */
  readonly beforeFrom: 'P' | 'C' | null
  readonly churnedInPeriod: boolean
  readonly pendingChurnAt: number | null
  readonly cohort: Month.Month | null
  readonly lastPurchaseMonth: Month.Month | null
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const columns = <K extends string, A>(names: readonly K[], make: (name: K) => A): Record<K, A> =>
  Object.fromEntries(names.map((name) => [name, make(name)])) as Record<K, A>

/** Empty customer columns with room for `capacity` rows. */
export const emptyCustomers = (capacity = 1024, regularPurchases = TIER_DEFAULTS.regularPurchases): Customers => ({
  size: 0,
  ids: [],
  numbers: columns(NUMBER_FACTS, () => new Float64Array(capacity)),
  integers: columns(INTEGER_FACTS, () => new Int32Array(capacity)),
  touched: new Uint8Array(capacity),
  recent: Array.from({ length: regularPurchases - 1 }, () => new Float64Array(capacity)),
  nurture: new Float64Array(Row.Width * capacity),
  moreRevenue: new Map(),
  refundOrders: new Map(),
  strings: [],
  index: new Map(),
  stringIndex: new Map(),
})

/** An empty ledger for the options; throws a RangeError naming the option when they are not valid (`validate`). */
export const initial = (options: Options): State => {
  const valid = validate(options)
  if (E.isLeft(valid)) throw new RangeError(`report option ${Scoring.formatInvalid(valid.left)}`)
  return emptyState(options)
}

const emptyState = (options: Options): State => ({
  options,
  customers: emptyCustomers(1024, tierSettings(options).regularPurchases),
  minOccurredAt: null,
  maxOccurredAt: null,
  sales: new Map(),
  refundedBefore: new Map(),
  periodRevenue: new Map(),
  periodRefunds: new Map(),
  categoryRevenue: new Map(),
  refundsInPeriod: 0,
  ordersInPeriod: 0,
  refundedOrders: 0,
  referralsInPeriod: 0,
  buyers: new Map(),
  newBuyers: new Map(),
  returning: new Map(),
  cohortCells: new Map(),
  activeDelta: new Map(),
  monthChurns: new Map(),
  monthRevenue: new Map(),
  cohortRevenue: new Map(),
  periodMonthSales: new Map(),
  periodMonthRefunds: new Map(),
  fromMonthChurns: 0,
})

// -------------------------------------------------------------------------------------
// rows
// -------------------------------------------------------------------------------------

/**
 * A copy of a column with room for `capacity` rows. The new rows are left as zeros, not filled
 * with the facts' "never": untouched zero pages take no memory until rows are added.
 */
const grow = <T extends Float64Array | Int32Array | Uint8Array>(array: T, capacity: number): T => {
  const bigger = new (array.constructor as new (n: number) => T)(capacity)
  bigger.set(array)
  return bigger
}

/** Makes room for `rows` rows. */
export const reserve = (c: Customers, rows: number): void => {
  const capacity = c.touched.length
  if (rows <= capacity) return
  const next = Math.max(rows, capacity * 2)
  for (const name of NUMBER_FACTS) c.numbers[name] = grow(c.numbers[name], next)
  for (const name of INTEGER_FACTS) c.integers[name] = grow(c.integers[name], next)
  c.touched = grow(c.touched, next)
  for (let k = 0; k < c.recent.length; k++) c.recent[k] = grow(c.recent[k]!, next)
  c.nurture = grow(c.nurture, Row.Width * next)
}

/** The row of a customer id, or undefined. */
export const rowOf = (c: Customers, customerId: string): number | undefined => {
  if (c.index === null) {
    const index = new Map<string, number>()
    for (let r = 0; r < c.size; r++) index.set(c.ids[r]!, r)
    c.index = index
  }
  return c.index.get(customerId)
}

/**
 * The row of a customer id, added with no facts if new; marked as touched. Every event asks
 * it, so it is small enough for V8 to inline into `step` with room left for the touch's work;
 * the new row is `addRow`'s.
 */
const rowFor = (c: Customers, customerId: string): number => {
  const known = rowOf(c, customerId)
  const r = known === undefined ? addRow(c, customerId) : known
  c.touched[r] = 1
  return r
}

/** A new row for a customer id, with no facts. */
const addRow = (c: Customers, customerId: string): number => {
  const r = c.size++
  reserve(c, c.size)
  c.ids.push(customerId)
  c.index!.set(customerId, r)
  const n = c.numbers
  n.optInAt[r] = n.acquisitionCostCents[r] = Number.NaN
  n.firstPurchaseAt[r] = n.lastPurchaseAt[r] = n.firstReferralAt[r] = Number.NaN
  n.referredInPeriodAt[r] = n.pendingChurnAt[r] = n.firstAmountCents[r] = Number.NaN
  const at = Row.Width * r
  c.nurture[at + Row.FirstNurtured] = c.nurture[at + Row.EngagementAt] = c.nurture[at + Row.SalesReady] = Number.NaN
  // activeSince and revenueCents start at 0, as the new rows of a column do.
  const i = c.integers
  i.channel[r] = i.campaign[r] = i.currency[r] = i.category[r] = i.churnReason[r] = NONE
  // purchases, surveys and flags (with its count of purchases before `from`) start at 0 too.
  return r
}

/** The dictionary index of a string. */
export const intern = (c: Customers, s: string): number => {
  if (c.stringIndex === null) c.stringIndex = new Map(c.strings.map((x, i) => [x, i]))
  let i = c.stringIndex.get(s)
  if (i === undefined) {
    i = c.strings.push(s) - 1
    c.stringIndex.set(s, i)
  }
  return i
}

/** The string at a dictionary index, or null for `NONE`. */
export const stringAt = (c: Customers, i: number): string | null => (i === NONE ? null : c.strings[i]!)

/** A fact that may be "never": NaN as null. */
export const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x)

/** A customer's net revenue by currency (purchases minus refunds before `to`), or null when it never bought. */
export const revenueOf = (c: Customers, r: number): Record<string, number> | null => {
  const first = c.integers.currency[r]!
  if (first === NONE) return null
  return { [c.strings[first]!]: c.numbers.revenueCents[r]!, ...c.moreRevenue.get(r) }
}

/** A row's latest `nps` score in [from, to), or `NONE`. */
export const npsOf = (c: Customers, r: number): number => (c.integers.surveys[r]! & 0xff) - 1

/** A row's latest `csat` score in [from, to), or `NONE`. */
export const csatOf = (c: Customers, r: number): number => (c.integers.surveys[r]! >> 8) - 1

/** The month of an instant, or null for NaN ("never"). */
const monthOrNull = (t: number): Month.Month | null => (Number.isNaN(t) ? null : Month.of(t))

/** A row's cohort: the month of its first purchase, or null when it never bought. */
export const cohortOf = (c: Customers, r: number): Month.Month | null => monthOrNull(c.numbers.firstPurchaseAt[r]!)

/** A row's purchases in [from - regularWindowDays, from), up to `FROM_WINDOW_MAX`. */
export const fromWindowPurchasesOf = (c: Customers, r: number): number =>
  (c.integers.flags[r]! >>> FROM_WINDOW_SHIFT) & FROM_WINDOW_MAX

/**
 * The instant of a row's K-th latest purchase (K from 1 to `regularPurchases`, the ledger's
 * number of ring columns plus one); NaN when it made fewer than K.
 */
export const kthLatestPurchaseAt = (c: Customers, r: number, k: number): number => {
  const n = c.integers.purchases[r]!
  if (n < k) return Number.NaN
  return k === 1 ? c.numbers.lastPurchaseAt[r]! : c.recent[(n - k) % c.recent.length]![r]!
}

/** A row's engagement: its touches' points decayed to an instant, and that instant (NaN before its first opt-in). */
export const engagementOf = (c: Customers, r: number): readonly [points: number, at: number] => [
  c.nurture[Row.Width * r + Row.Engagement]!,
  c.nurture[Row.Width * r + Row.EngagementAt]!,
]

/** A row's first `Nurtured` (NaN: never). */
export const firstNurturedAtOf = (c: Customers, r: number): number => c.nurture[Row.Width * r + Row.FirstNurtured]!

/** The first instant a row's lead score reached the threshold, METRICS.md's `salesReadyAt` (NaN: never). */
export const salesReadyAtOf = (c: Customers, r: number): number => c.nurture[Row.Width * r + Row.SalesReady]!

/** A row's fit: the points of its first opt-in's channel (scoring options of the state); NaN when it never opted in. */
export const fitOf = (state: State, r: number): number => {
  const c = state.customers
  const channel = c.integers.channel[r]!
  return channel === NONE ? Number.NaN : Scoring.fit(resolved(state.options).scoring, c.strings[channel]!)
}

/** What the ledger knows of one customer, or undefined for an unknown id. */
export const factsOf = (state: State, customerId: string): CustomerFacts | undefined => {
  const c = state.customers
  const r = rowOf(c, customerId)
  if (r === undefined) return undefined
  const n = c.numbers
  const i = c.integers
  const flags = i.flags[r]!
  /** A month, score or index, with NONE as null. */
  const some = (x: number): number | null => (x === NONE ? null : x)
  const has = (bits: number): boolean => (flags & bits) !== 0
  return {
    optInAt: orNull(n.optInAt[r]!),
    channel: stringAt(c, i.channel[r]!),
    campaign: stringAt(c, i.campaign[r]!),
    acquisitionCostCents: orNull(n.acquisitionCostCents[r]!),
    newLead: (flags & NEW_LEAD) !== 0,
    firstNurturedAt: orNull(firstNurturedAtOf(c, r)),
    firstPurchaseAt: orNull(n.firstPurchaseAt[r]!),
    lastPurchaseAt: orNull(n.lastPurchaseAt[r]!),
    purchases: i.purchases[r]!,
    firstReferralAt: orNull(n.firstReferralAt[r]!),
    referredInPeriodAt: orNull(n.referredInPeriodAt[r]!),
    revenue: revenueOf(c, r),
    firstAmountCents: orNull(n.firstAmountCents[r]!),
    category: stringAt(c, i.category[r]!),
    categorizedTwice: has(CATEGORIZED_TWICE),
    crossSold: has(CROSS_SOLD),
    upsold: has(UPSOLD),
    churnReason: stringAt(c, i.churnReason[r]!),
    nps: some(npsOf(c, r)),
    csat: some(csatOf(c, r)),
    active: (flags & ACTIVE) !== 0,
    activeSince: n.activeSince[r]!,
    beforeFrom: (flags & BEFORE_FROM_PURCHASE) !== 0 ? 'P' : (flags & BEFORE_FROM_CHURN) !== 0 ? 'C' : null,
    churnedInPeriod: (flags & CHURNED_IN_PERIOD) !== 0,
    pendingChurnAt: orNull(n.pendingChurnAt[r]!),
    cohort: cohortOf(c, r),
    lastPurchaseMonth: monthOrNull(n.lastPurchaseAt[r]!),
  }
}

// -------------------------------------------------------------------------------------
// step
// -------------------------------------------------------------------------------------

const add = <K>(map: Map<K, number>, key: K, n: number): void => {
  map.set(key, (map.get(key) ?? 0) + n)
}

/** Adds `n` at `outer` then `inner` of a map of maps. */
const addIn = <K, L>(map: Map<K, Map<L, number>>, outer: K, inner: L, n: number): void => {
  let m = map.get(outer)
  if (m === undefined) map.set(outer, (m = new Map<L, number>()))
  m.set(inner, (m.get(inner) ?? 0) + n)
}

/** Adds `n` at index `k` of a list of numbers, growing it with zeros. */
const addAt = (list: number[], k: number, n: number): void => {
  while (list.length <= k) list.push(0)
  list[k]! += n
}

/** Adds `n` to month `k` of a cohort's cells (indexes, not big numeric keys: cheap to hash). */
const addCell = (cells: Map<Month.Month, number[]>, cohort: Month.Month, k: number, n: number): void => {
  let list = cells.get(cohort)
  if (list === undefined) cells.set(cohort, (list = []))
  addAt(list, k, n)
}

/** The reason an implicit churn counts under in `churn.byReason`. */
export const INACTIVE = 'inactive'
/** The reason a `Churned` without one counts under in `churn.byReason`. */
export const UNSPECIFIED = 'unspecified'

/** Sets or clears flag bits of a row. */
const setFlag = (c: Customers, r: number, bits: number, on: boolean): void => {
  const flags = c.integers.flags
  flags[r] = on ? flags[r]! | bits : flags[r]! & ~bits
}

/** The latest Purchased/Churned before `from` of a row. */
const beforeFrom = (c: Customers, r: number, kind: 'P' | 'C'): void => {
  setFlag(c, r, BEFORE_FROM_PURCHASE | BEFORE_FROM_CHURN, false)
  setFlag(c, r, kind === 'P' ? BEFORE_FROM_PURCHASE : BEFORE_FROM_CHURN, true)
}

/** A customer's churn at `t` (explicit with its reason, or implicit at `purchase + D`). */
const churnAt = (state: State, r: number, t: number, from: number, to: number, reason: string): void => {
  const c = state.customers
  const flags = c.integers.flags[r]!
  if (
    t >= from &&
    t < to &&
    (flags & (CHURNED_IN_PERIOD | BEFORE_FROM_PURCHASE)) === BEFORE_FROM_PURCHASE &&
    t < Month.start(Month.of(from) + 1)
  ) {
    state.fromMonthChurns++
  }
  // A churn ends a lead's opt-in (prospect) and makes the stage `churned`.
  setFlag(c, r, OPTED_IN, false)
  setFlag(c, r, LAST_CHURNED, true)
  if (t < from) {
    beforeFrom(c, r, 'C')
    setFlag(c, r, OPTED_IN_AT_FROM, false)
  } else if (t < to && (c.integers.flags[r]! & CHURNED_IN_PERIOD) === 0) {
    setFlag(c, r, CHURNED_IN_PERIOD, true)
    c.integers.churnReason[r] = intern(c, reason)
  }
  if ((c.integers.flags[r]! & ACTIVE) !== 0) {
    countChurn(c, r, t, state.monthChurns, state.activeDelta)
    setFlag(c, r, ACTIVE, false)
  }
}

/**
 * Counts the churn at `t` of a row active until then, by month: in `churns` when the row was
 * active at the start of the churn's month, and as one fewer active customer from the next
 * month on in `delta` (a difference array, like `State.activeDelta`).
 */
export const countChurn = (
  c: Customers,
  r: number,
  t: number,
  churns: Map<Month.Month, number>,
  delta: Map<Month.Month, number>,
): void => {
  const month = Month.of(t)
  if (c.numbers.activeSince[r]! < Month.start(month)) add(churns, month, 1)
  add(delta, month + 1, -1)
}

/**
 * Adds (or, for a refund, takes off) cents of a row in a currency (`code` is its dictionary
 * index): to its revenue, its month's and its cohort's (the month of its first purchase).
 */
const addRevenue = (
  state: State,
  r: number,
  month: Month.Month,
  cohort: Month.Month,
  currency: string,
  code: number,
  cents: number,
): void => {
  const c = state.customers
  if (c.integers.currency[r] === code) c.numbers.revenueCents[r]! += cents
  else {
    let more = c.moreRevenue.get(r)
    if (more === undefined) c.moreRevenue.set(r, (more = {}))
    more[currency] = (more[currency] ?? 0) + cents
  }
  addIn(state.monthRevenue, month, currency, cents)
  let byCurrency = state.cohortRevenue.get(cohort)
  if (byCurrency === undefined) state.cohortRevenue.set(cohort, (byCurrency = new Map<string, number[]>()))
  let list = byCurrency.get(currency)
  if (list === undefined) byCurrency.set(currency, (list = []))
  addAt(list, month - cohort, cents)
}

const purchaseAt = (state: State, r: number, t: number, event: Events.Purchased, from: number): void => {
  const c = state.customers
  const n = c.numbers
  const i = c.integers
  const { amountCents, currency, category } = event
  if (t < from) beforeFrom(c, r, 'P')
  else {
    add(state.periodRevenue, currency, amountCents)
    state.ordersInPeriod++
    if (category !== undefined) addIn(state.categoryRevenue, category, currency, amountCents)
    // A customer who bought before `from`: remember its orders of the period until refunded.
    if (n.firstPurchaseAt[r]! < from) {
      let open = c.refundOrders.get(r)
      if (open === undefined) c.refundOrders.set(r, (open = new Set()))
      open.add(event.orderId)
    }
  }
  const month = Month.of(t)
  if (t >= from) addIn(state.periodMonthSales, month, currency, amountCents)
  if ((i.flags[r]! & ACTIVE) === 0) {
    setFlag(c, r, ACTIVE, true)
    n.activeSince[r] = t
    add(state.activeDelta, month + 1, 1)
  }
  const code = intern(c, currency)
  const before = i.purchases[r]!
  const first = before === 0
  const last = n.lastPurchaseAt[r]!
  // The ring of the K - 1 purchase instants before the latest (tiers at `to`): the one that was
  // the latest joins it. And the count of purchases in the window before `from`.
  const recent = c.recent
  if (!first && recent.length > 0) recent[(before - 1) % recent.length]![r] = last
  if (t < from && t >= resolved(state.options).fromWindowStart) {
    const flags = i.flags[r]!
    if (((flags >>> FROM_WINDOW_SHIFT) & FROM_WINDOW_MAX) < FROM_WINDOW_MAX)
      i.flags[r] = flags + (1 << FROM_WINDOW_SHIFT)
  }
  setFlag(c, r, LAST_CHURNED, false)
  i.purchases[r]!++
  if (first) {
    n.firstPurchaseAt[r] = t
    n.firstAmountCents[r] = amountCents
    i.currency[r] = code
  } else if (amountCents > n.firstAmountCents[r]! && i.currency[r] === code) {
    // A later order in the first order's currency, for more than the first.
    setFlag(c, r, UPSOLD, true)
  }
  n.lastPurchaseAt[r] = t
  if (category !== undefined) {
    const line = intern(c, category)
    if (i.category[r] === NONE) i.category[r] = line
    else {
      setFlag(c, r, CATEGORIZED_TWICE, true)
      if (i.category[r] !== line) setFlag(c, r, CROSS_SOLD, true)
    }
  }
  const sales = state.sales.get(currency)
  if (sales === undefined) state.sales.set(currency, { count: 1, cents: amountCents })
  else {
    sales.count++
    sales.cents += amountCents
  }
  // The cohort is the month of the first purchase; the month of the one before this is the
  // month of `last` (events of a customer come in time order: `last` is not after `t`).
  let cohort = month
  if (first) {
    add(state.buyers, month, 1)
    add(state.newBuyers, month, 1)
    addCell(state.cohortCells, month, 0, 1)
  } else {
    cohort = cohortMonth(n.firstPurchaseAt[r]!, month)
    const monthStart = Month.start(month)
    if (last < monthStart) {
      add(state.buyers, month, 1)
      if (last >= Month.start(month - 1)) add(state.returning, month, 1)
      addCell(state.cohortCells, cohort, month - cohort, 1)
    }
  }
  addRevenue(state, r, month, cohort, currency, code, amountCents)
}

/** The month of a first purchase at `first`, knowing that a later instant is in `month`. */
const cohortMonth = (first: number, month: Month.Month): Month.Month =>
  first >= Month.start(month) ? month : Month.ofUncached(first)

const refundAt = (state: State, r: number, t: number, event: Events.Refunded, from: number): void => {
  const c = state.customers
  const { amountCents, currency, orderId } = event
  const month = Month.of(t)
  addRevenue(
    state,
    r,
    month,
    cohortMonth(c.numbers.firstPurchaseAt[r]!, month),
    currency,
    intern(c, currency),
    -amountCents,
  )
  add(state.refundedBefore, currency, amountCents)
  // A refund before `from` is of an order bought before `from`: not one of the period's.
  if (t < from) return
  add(state.periodRefunds, currency, amountCents)
  addIn(state.periodMonthRefunds, Month.of(t), currency, amountCents)
  state.refundsInPeriod++
  const orders = c.refundOrders.get(r)
  if (c.numbers.firstPurchaseAt[r]! >= from) {
    // Every order of this customer is of the period: count each order's first refund.
    if (orders === undefined) c.refundOrders.set(r, new Set([orderId]))
    else if (!orders.has(orderId)) orders.add(orderId)
    else return
    state.refundedOrders++
  } else if (orders?.delete(orderId) === true) {
    state.refundedOrders++
    if (orders.size === 0) c.refundOrders.delete(r)
  }
}

/** An `OptedIn` of a row: the stage flags; the first one's facts, and its score starts at its fit. */
const optInAt = (state: State, r: number, t: number, event: Events.OptedIn, from: number, to: number): void => {
  const c = state.customers
  const n = c.numbers
  const flags = c.integers.flags
  flags[r] = (flags[r]! | OPTED_IN | (t < from ? OPTED_IN_AT_FROM : 0)) & ~LAST_CHURNED
  if (!Number.isNaN(n.optInAt[r]!)) return
  const i = c.integers
  n.optInAt[r] = t
  i.channel[r] = intern(c, event.channel)
  i.campaign[r] = event.campaign !== undefined && event.campaign !== '' ? intern(c, event.campaign) : NONE
  n.acquisitionCostCents[r] = event.acquisitionCostCents ?? Number.NaN
  // A purchase before the opt-in makes it no new lead (NaN compares false: no purchase).
  setFlag(c, r, NEW_LEAD, t >= from && t < to && !(n.firstPurchaseAt[r]! < t))
  // The score starts at the fit of the first opt-in's channel (and never resets).
  const s = resolved(state.options)
  c.nurture[Row.Width * r + Row.EngagementAt] = t
  if (Scoring.fit(s.scoring, event.channel) >= s.readyAt) c.nurture[Row.Width * r + Row.SalesReady] = t
}

/**
 * A `Nurtured` touch of a row: its points join the decayed sum of the earlier ones, and the
 * first instant the score reaches the threshold is `salesReadyAt`. Touches from the first opt-in
 * on count (the lifecycle rules admit none before it); the engagement's instant is set at the first opt-in.
 * The decay is `Scoring.decay`'s, with the half-life in ms resolved once for all touches: this
 * is the most frequent event.
 */
const nurturedAt = (state: State, r: number, t: number, touch: Events.Touch): void => {
  const nurture = state.customers.nurture
  const at = Row.Width * r
  if (Number.isNaN(nurture[at + Row.FirstNurtured]!)) nurture[at + Row.FirstNurtured] = t
  const since = nurture[at + Row.EngagementAt]!
  if (Number.isNaN(since)) return
  const s = resolved(state.options)
  const before = nurture[at + Row.Engagement]!
  const decayed = Scoring.decayOver(s.halfLifeMs, before, since, t)
  const engagement = decayed + s.touchPoints[touchIndex(touch)]!
  nurture[at + Row.Engagement] = engagement
  nurture[at + Row.EngagementAt] = t
  // Only when the largest fit would make the lead ready (a sum rounds no higher with a smaller
  // term, so this skips no lead that is ready) is its `salesReadyAt` read; its own fit (a read
  // of another column and of the channel's points) only when the smallest fit would not make it
  // ready (likewise, a sum rounds no lower with a larger term): with one fit for every channel,
  // never.
  if (
    s.maxFit + engagement >= s.readyAt &&
    Number.isNaN(nurture[at + Row.SalesReady]!) &&
    (s.minFit + engagement >= s.readyAt || fitOf(state, r) + engagement >= s.readyAt)
  ) {
    nurture[at + Row.SalesReady] = t
  }
}

/** Folds one event into the ledger. Events at or after `to` are ignored. */
export const step = (state: State, event: LifecycleEvent): State => {
  const t = event.occurredAt
  const from = state.options.from ?? Number.NEGATIVE_INFINITY
  const to = state.options.to ?? Number.POSITIVE_INFINITY
  if (t >= to) return state
  if (state.minOccurredAt === null || t < state.minOccurredAt) state.minOccurredAt = t
  if (state.maxOccurredAt === null || t > state.maxOccurredAt) state.maxOccurredAt = t
  const c = state.customers
  const n = c.numbers
  const r = rowFor(c, event.customerId)
  // An implicit churn due at or before this event happens first; a purchase by its due time
  // (at or before purchase + D) cancels it, and an explicit churn at its due time comes first
  // (the implicit one after it changes nothing then). Without `inactivityDays` none is ever
  // pending (the column stays NaN), and not reading it saves a cache miss on every event.
  if (state.options.inactivityDays !== undefined) {
    const pending = n.pendingChurnAt[r]!
    if (pending < t || (pending === t && event.type !== 'Purchased')) {
      if (pending < t || event.type !== 'Churned') churnAt(state, r, pending, from, to, INACTIVE)
      n.pendingChurnAt[r] = Number.NaN
    }
  }
  switch (event.type) {
    case 'OptedIn':
      optInAt(state, r, t, event, from, to)
      break
    case 'Nurtured':
      nurturedAt(state, r, t, event.touch)
      break
    case 'Purchased':
      purchaseAt(state, r, t, event, from)
      if (state.options.inactivityDays !== undefined) {
        n.pendingChurnAt[r] = t + state.options.inactivityDays * Timestamp.MS_PER_DAY
      }
      break
    case 'Refunded':
      refundAt(state, r, t, event, from)
      break
    case 'Referred': {
      if (Number.isNaN(n.firstReferralAt[r]!)) n.firstReferralAt[r] = t
      if (t >= from) {
        state.referralsInPeriod++
        const referred = rowFor(c, event.referredCustomerId)
        // A new row may have replaced the columns: read them again.
        const at = c.numbers.referredInPeriodAt
        if (!(at[referred]! <= t)) at[referred] = t
      }
      break
    }
    case 'SurveyAnswered':
      // The latest answer of each kind in the period counts (at one instant, the last in the log).
      if (t >= from) {
        const surveys = c.integers.surveys
        surveys[r] =
          event.survey === 'nps'
            ? (surveys[r]! & ~0xff) | (event.score + 1)
            : (surveys[r]! & 0xff) | ((event.score + 1) << 8)
      }
      break
    case 'Churned':
      churnAt(state, r, t, from, to, event.reason ?? UNSPECIFIED)
      break
  }
  return state
}

/**
 * A row's lead score at `t` (at or after its latest touch): the fit of its first opt-in's
 * channel plus its touches decayed to `t`; null when it never opted in.
 */
export const scoreAt = (state: State, r: number, t: number): number | null => {
  const c = state.customers
  const n = c.numbers
  if (Number.isNaN(n.optInAt[r]!)) return null
  const [engagement, since] = engagementOf(c, r)
  return fitOf(state, r) + Scoring.decay(scoringSettings(state.options), engagement, since, t)
}

/** The ledger as a fold (its result is the state itself, read by the metric modules). */
export const fold = (options: Options = {}): Fold<State, State> => ({
  initial: () => initial(options),
  step,
  result: (state) => state,
})

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** The period a report covers, with its defaults resolved; `null` bounds for an empty log. */
export interface Period {
  readonly from: number | null
  readonly to: number | null
}

/** The resolved period: `from` defaults to the earliest event, `to` to just after the latest. */
export const period = (state: State): Period => ({
  from: state.options.from ?? state.minOccurredAt,
  to: state.options.to ?? (state.maxOccurredAt === null ? null : state.maxOccurredAt + 1),
})

/** A customer's status as of `to`, with an implicit churn still pending (due before `to`) applied. */
export interface AsOf {
  readonly activeAtFrom: boolean
  readonly activeAtTo: boolean
  readonly churnedInPeriod: boolean
  /** The due instant of an implicit churn that happened before `to` but was not yet folded. */
  readonly pendingChurnAt: number | null
}

/** The instant of a row's implicit churn still pending but due before `to`, or null. */
export const pendingBefore = (c: Customers, r: number, to: number): number | null => {
  const pending = c.numbers.pendingChurnAt[r]!
  return pending < to ? pending : null
}

/**
 * A row's implicit churn still pending but due before `to`, counted as `countChurn` counts a
 * folded one when the row is active (into copies of `State.monthChurns` and `State.activeDelta`
 * that the metrics reading the months make); its instant, or null when none was counted.
 */
export const countPendingChurn = (
  c: Customers,
  r: number,
  to: number,
  churns: Map<Month.Month, number>,
  delta: Map<Month.Month, number>,
): number | null => {
  const pending = pendingBefore(c, r, to)
  if (pending === null || (c.integers.flags[r]! & ACTIVE) === 0) return null
  countChurn(c, r, pending, churns, delta)
  return pending
}

/** Bits of `statusBitsReader`: active at `from`, active at `to`, churned in the period. */
export const AT_FROM = 1
/** The `statusBitsReader` bit of a customer active at `to`. */
export const AT_TO = 2
/** The `statusBitsReader` bit of a customer who churned in the period. */
export const CHURNED = 4

/**
 * Reads rows' status as of the period's end as bits (`AT_FROM | AT_TO | CHURNED`), without
 * changing the state and without allocating: what a scan of every customer uses.
 */
export const statusBitsReader = (state: State): ((r: number) => number) => {
  const c = state.customers
  const from = state.options.from ?? Number.NEGATIVE_INFINITY
  const to = period(state).to ?? Number.POSITIVE_INFINITY
  const { pendingChurnAt } = c.numbers
  const { flags } = c.integers
  return (r) => {
    const f = flags[r]!
    const pending = pendingChurnAt[r]!
    // An implicit churn due before `to` but not folded yet (NaN, none, fails every comparison).
    if (pending < to) {
      return (
        (pending >= from && (f & BEFORE_FROM_PURCHASE) !== 0 ? AT_FROM : 0) |
        (pending >= from || (f & CHURNED_IN_PERIOD) !== 0 ? CHURNED : 0)
      )
    }
    return (
      ((f & BEFORE_FROM_PURCHASE) !== 0 ? AT_FROM : 0) |
      ((f & ACTIVE) !== 0 ? AT_TO : 0) |
      ((f & CHURNED_IN_PERIOD) !== 0 ? CHURNED : 0)
    )
  }
}

/** Reads rows' status as of the period's end, as objects, without changing the state. */
export const statusReader = (state: State): ((r: number) => AsOf) => {
  const c = state.customers
  const to = period(state).to ?? Number.POSITIVE_INFINITY
  const bits = statusBitsReader(state)
  return (r) => {
    const b = bits(r)
    return {
      activeAtFrom: (b & AT_FROM) !== 0,
      activeAtTo: (b & AT_TO) !== 0,
      churnedInPeriod: (b & CHURNED) !== 0,
      pendingChurnAt: pendingBefore(c, r, to),
    }
  }
}

/** True when the rate's denominator is 0: then the rate is null. */
export const rate = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator
