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
 * which every EventLog guarantees through the lifecycle rules. Customers may interleave freely.
 */
import type { LifecycleEvent as Events } from '@lifeline/core'
import { Timestamp } from '@lifeline/core'

type LifecycleEvent = Events.LifecycleEvent
import type { Fold } from './Fold.js'
import * as Month from './Month.js'

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
}

/** The per-customer facts held as numbers (UTC ms instants, counts, cents); NaN is "never". */
export const NUMBER_FACTS = [
  /** First `OptedIn`. */
  'optInAt',
  /** On the first opt-in. */
  'acquisitionCostCents',
  'firstNurturedAt',
  'firstPurchaseAt',
  'lastPurchaseAt',
  'purchases',
  'firstReferralAt',
  /** Earliest `Referred` in [from, to) naming this customer as the referred person. */
  'referredInPeriodAt',
  /** Start of the current active stretch. */
  'activeSince',
  /** The implicit churn that happens unless a purchase comes first (inactivityDays). */
  'pendingChurnAt',
  /** Cents paid in the customer's first currency (`currency`), before `to`. */
  'revenueCents',
] as const

/** The per-customer facts held as integers: months, dictionary indexes (-1 is "none"), flags. */
export const INTEGER_FACTS = [
  /** Month of the first purchase. */
  'cohort',
  'lastPurchaseMonth',
  /** Channel and campaign of the first opt-in, and the first currency paid in. */
  'channel',
  'campaign',
  'currency',
  /** `NEW_LEAD | ACTIVE | CHURNED_IN_PERIOD | BEFORE_FROM_PURCHASE | BEFORE_FROM_CHURN`. */
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

/** No month, channel, campaign or currency. */
export const NONE = -1

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
  /** Cents paid in currencies after a customer's first one: row -> currency -> cents. */
  readonly moreRevenue: Map<number, Record<string, number>>
  /** The dictionary of channel, campaign and currency names. */
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
  /** Revenue in [from, to), by currency. */
  readonly periodRevenue: Map<string, number>
  referralsInPeriod: number
  /** Distinct buyers per month, new buyers, returning buyers (bought the month before too). */
  readonly buyers: Map<Month.Month, number>
  readonly newBuyers: Map<Month.Month, number>
  readonly returning: Map<Month.Month, number>
  /** Cohort cells: key `cohort * 100000 + k` -> customers of the cohort buying in month k. */
  readonly cohortCells: Map<number, number>
  /** Difference array of active customers at the start of each month. */
  readonly activeDelta: Map<Month.Month, number>
  /** Customers active at a month's start who churned during it. */
  readonly monthChurns: Map<Month.Month, number>
  /** Revenue per month, by currency: key `${month}:${currency}`. */
  readonly monthRevenue: Map<string, number>
  /** Revenue in [from, to) per month: month -> currency -> cents (trends). */
  readonly periodMonthSales: Map<Month.Month, Map<string, number>>
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
  /** Revenue by currency, all purchases before `to`; null when none. */
  readonly revenue: Readonly<Record<string, number>> | null
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
export const emptyCustomers = (capacity = 1024): Customers => ({
  size: 0,
  ids: [],
  numbers: columns(NUMBER_FACTS, () => new Float64Array(capacity)),
  integers: columns(INTEGER_FACTS, () => new Int32Array(capacity)),
  touched: new Uint8Array(capacity),
  moreRevenue: new Map(),
  strings: [],
  index: new Map(),
  stringIndex: new Map(),
})

/** An empty ledger for the options. */
export const initial = (options: Options): State => ({
  options,
  customers: emptyCustomers(),
  minOccurredAt: null,
  maxOccurredAt: null,
  sales: new Map(),
  periodRevenue: new Map(),
  referralsInPeriod: 0,
  buyers: new Map(),
  newBuyers: new Map(),
  returning: new Map(),
  cohortCells: new Map(),
  activeDelta: new Map(),
  monthChurns: new Map(),
  monthRevenue: new Map(),
  periodMonthSales: new Map(),
  fromMonthChurns: 0,
})

// -------------------------------------------------------------------------------------
// rows
// -------------------------------------------------------------------------------------

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

/** The row of a customer id, added with no facts if new; marked as touched. */
const rowFor = (c: Customers, customerId: string): number => {
  let r = rowOf(c, customerId)
  if (r === undefined) {
    r = c.size++
    reserve(c, c.size)
    c.ids.push(customerId)
    c.index!.set(customerId, r)
    const n = c.numbers
    n.optInAt[r] = n.acquisitionCostCents[r] = n.firstNurturedAt[r] = Number.NaN
    n.firstPurchaseAt[r] = n.lastPurchaseAt[r] = n.firstReferralAt[r] = Number.NaN
    n.referredInPeriodAt[r] = n.pendingChurnAt[r] = Number.NaN
    n.purchases[r] = n.activeSince[r] = n.revenueCents[r] = 0
    const i = c.integers
    i.cohort[r] = i.lastPurchaseMonth[r] = i.channel[r] = i.campaign[r] = i.currency[r] = NONE
    i.flags[r] = 0
  }
  c.touched[r] = 1
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

/** A customer's revenue by currency (all purchases before `to`), or null when none. */
export const revenueOf = (c: Customers, r: number): Record<string, number> | null => {
  const first = c.integers.currency[r]!
  if (first === NONE) return null
  return { [c.strings[first]!]: c.numbers.revenueCents[r]!, ...c.moreRevenue.get(r) }
}

/** What the ledger knows of one customer, or undefined for an unknown id. */
export const factsOf = (state: State, customerId: string): CustomerFacts | undefined => {
  const c = state.customers
  const r = rowOf(c, customerId)
  if (r === undefined) return undefined
  const n = c.numbers
  const i = c.integers
  const flags = i.flags[r]!
  const month = (m: number): number | null => (m === NONE ? null : m)
  return {
    optInAt: orNull(n.optInAt[r]!),
    channel: stringAt(c, i.channel[r]!),
    campaign: stringAt(c, i.campaign[r]!),
    acquisitionCostCents: orNull(n.acquisitionCostCents[r]!),
    newLead: (flags & NEW_LEAD) !== 0,
    firstNurturedAt: orNull(n.firstNurturedAt[r]!),
    firstPurchaseAt: orNull(n.firstPurchaseAt[r]!),
    lastPurchaseAt: orNull(n.lastPurchaseAt[r]!),
    purchases: n.purchases[r]!,
    firstReferralAt: orNull(n.firstReferralAt[r]!),
    referredInPeriodAt: orNull(n.referredInPeriodAt[r]!),
    revenue: revenueOf(c, r),
    active: (flags & ACTIVE) !== 0,
    activeSince: n.activeSince[r]!,
    beforeFrom: (flags & BEFORE_FROM_PURCHASE) !== 0 ? 'P' : (flags & BEFORE_FROM_CHURN) !== 0 ? 'C' : null,
    churnedInPeriod: (flags & CHURNED_IN_PERIOD) !== 0,
    pendingChurnAt: orNull(n.pendingChurnAt[r]!),
    cohort: month(i.cohort[r]!),
    lastPurchaseMonth: month(i.lastPurchaseMonth[r]!),
  }
}

// -------------------------------------------------------------------------------------
// step
// -------------------------------------------------------------------------------------

const add = <K>(map: Map<K, number>, key: K, n: number): void => {
  map.set(key, (map.get(key) ?? 0) + n)
}

/** Cohort cell key. */
export const cellKey = (cohort: Month.Month, k: number): number => cohort * 100_000 + k

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

/** A customer's churn at `t` (explicit, or implicit at `purchase + D`). */
const churnAt = (state: State, r: number, t: number, from: number, to: number): void => {
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
  if (t < from) beforeFrom(c, r, 'C')
  else if (t < to) setFlag(c, r, CHURNED_IN_PERIOD, true)
  if ((c.integers.flags[r]! & ACTIVE) !== 0) {
    const month = Month.of(t)
    if (c.numbers.activeSince[r]! < Month.start(month)) add(state.monthChurns, month, 1)
    add(state.activeDelta, month + 1, -1)
    setFlag(c, r, ACTIVE, false)
  }
}

const purchaseAt = (state: State, r: number, t: number, amountCents: number, currency: string, from: number): void => {
  const c = state.customers
  const n = c.numbers
  const i = c.integers
  const month = Month.of(t)
  if (t < from) beforeFrom(c, r, 'P')
  else {
    add(state.periodRevenue, currency, amountCents)
    let sales = state.periodMonthSales.get(month)
    if (sales === undefined) state.periodMonthSales.set(month, (sales = new Map()))
    add(sales, currency, amountCents)
  }
  if ((i.flags[r]! & ACTIVE) === 0) {
    setFlag(c, r, ACTIVE, true)
    n.activeSince[r] = t
    add(state.activeDelta, month + 1, 1)
  }
  n.purchases[r]!++
  if (Number.isNaN(n.firstPurchaseAt[r]!)) n.firstPurchaseAt[r] = t
  n.lastPurchaseAt[r] = t
  const code = intern(c, currency)
  if (i.currency[r] === NONE) i.currency[r] = code
  if (i.currency[r] === code) n.revenueCents[r]! += amountCents
  else {
    let more = c.moreRevenue.get(r)
    if (more === undefined) c.moreRevenue.set(r, (more = {}))
    more[currency] = (more[currency] ?? 0) + amountCents
  }
  const sales = state.sales.get(currency)
  if (sales === undefined) state.sales.set(currency, { count: 1, cents: amountCents })
  else {
    sales.count++
    sales.cents += amountCents
  }
  add(state.monthRevenue, `${month}:${currency}`, amountCents)
  const cohort = i.cohort[r]!
  if (cohort === NONE) {
    i.cohort[r] = month
    i.lastPurchaseMonth[r] = month
    add(state.buyers, month, 1)
    add(state.newBuyers, month, 1)
    add(state.cohortCells, cellKey(month, 0), 1)
  } else if (i.lastPurchaseMonth[r] !== month) {
    add(state.buyers, month, 1)
    if (i.lastPurchaseMonth[r] === month - 1) add(state.returning, month, 1)
    add(state.cohortCells, cellKey(cohort, month - cohort), 1)
    i.lastPurchaseMonth[r] = month
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
  // (at or before purchase + D) cancels it.
  const pending = n.pendingChurnAt[r]!
  if (pending < t || (pending === t && event.type !== 'Purchased')) {
    churnAt(state, r, pending, from, to)
    n.pendingChurnAt[r] = Number.NaN
  }
  switch (event.type) {
    case 'OptedIn':
      if (Number.isNaN(n.optInAt[r]!)) {
        const i = c.integers
        n.optInAt[r] = t
        i.channel[r] = intern(c, event.channel)
        i.campaign[r] = event.campaign !== undefined && event.campaign !== '' ? intern(c, event.campaign) : NONE
        n.acquisitionCostCents[r] = event.acquisitionCostCents ?? Number.NaN
        // A purchase before the opt-in makes it no new lead (NaN compares false: no purchase).
        setFlag(c, r, NEW_LEAD, t >= from && t < to && !(n.firstPurchaseAt[r]! < t))
      }
      break
    case 'Nurtured':
      if (Number.isNaN(n.firstNurturedAt[r]!)) n.firstNurturedAt[r] = t
      break
    case 'Purchased':
      purchaseAt(state, r, t, event.amountCents, event.currency, from)
      if (state.options.inactivityDays !== undefined) {
        n.pendingChurnAt[r] = t + state.options.inactivityDays * Timestamp.MS_PER_DAY
      }
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
    case 'Churned':
      churnAt(state, r, t, from, to)
      break
  }
  return state
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
 * Reads rows' status as of the period's end, without changing the state. The period is resolved
 * once, so reading every customer costs no allocation beyond the answers.
 */
export const statusReader = (state: State): ((r: number) => AsOf) => {
  const c = state.customers
  const from = state.options.from ?? Number.NEGATIVE_INFINITY
  const to = period(state).to ?? Number.POSITIVE_INFINITY
  return (r) => {
    const pending = pendingBefore(c, r, to)
    const flags = c.integers.flags[r]!
    return {
      activeAtFrom: pending !== null && pending < from ? false : (flags & BEFORE_FROM_PURCHASE) !== 0,
      activeAtTo: pending !== null ? false : (flags & ACTIVE) !== 0,
      churnedInPeriod: (flags & CHURNED_IN_PERIOD) !== 0 || (pending !== null && pending >= from),
      pendingChurnAt: pending,
    }
  }
}

/** True when the rate's denominator is 0: then the rate is null. */
export const rate = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator
