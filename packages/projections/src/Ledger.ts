/**
 * The ledger: one fold that keeps, per customer, the facts every metric needs, plus the few
 * aggregates that cannot be derived from per-customer facts at the end (monthly activity,
 * revenue by month). Each metric module reads it; folded once, it serves the whole report.
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

/** What the ledger knows of one customer. Instants are UTC ms; `null` is "never". */
export interface CustomerFacts {
  /** First `OptedIn`. */
  optInAt: number | null
  channel: string | null
  campaign: string | null
  acquisitionCostCents: number | null
  /** First opt-in in [from, to) with no purchase before it: a new lead of the period. */
  newLead: boolean
  firstNurturedAt: number | null
  firstPurchaseAt: number | null
  lastPurchaseAt: number | null
  purchases: number
  firstReferralAt: number | null
  /** Earliest `Referred` in [from, to) naming this customer as the referred person. */
  referredInPeriodAt: number | null
  /** Revenue by currency, all purchases before `to`. */
  revenue: Record<string, number> | null
  /** Latest Purchased/Churned is a Purchased (explicit and materialized implicit churns). */
  active: boolean
  /** Start of the current active stretch. */
  activeSince: number
  /** Latest Purchased/Churned before `from`: 'P', 'C' or null. */
  beforeFrom: 'P' | 'C' | null
  /** A churn (explicit or implicit) in [from, to). */
  churnedInPeriod: boolean
  /** The implicit churn that happens unless a purchase comes first (inactivityDays). */
  pendingChurnAt: number | null
  cohort: Month.Month | null
  lastPurchaseMonth: Month.Month | null
}

/** The ledger's state. */
export interface State {
  readonly options: Options
  readonly customers: Map<string, CustomerFacts>
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
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const newFacts = (): CustomerFacts => ({
  optInAt: null,
  channel: null,
  campaign: null,
  acquisitionCostCents: null,
  newLead: false,
  firstNurturedAt: null,
  firstPurchaseAt: null,
  lastPurchaseAt: null,
  purchases: 0,
  firstReferralAt: null,
  referredInPeriodAt: null,
  revenue: null,
  active: false,
  activeSince: 0,
  beforeFrom: null,
  churnedInPeriod: false,
  pendingChurnAt: null,
  cohort: null,
  lastPurchaseMonth: null,
})

/** An empty ledger for the options. */
export const initial = (options: Options): State => ({
  options,
  customers: new Map(),
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
})

// -------------------------------------------------------------------------------------
// step
// -------------------------------------------------------------------------------------

const add = <K>(map: Map<K, number>, key: K, n: number): void => {
  map.set(key, (map.get(key) ?? 0) + n)
}

/** Cohort cell key. */
export const cellKey = (cohort: Month.Month, k: number): number => cohort * 100_000 + k

/** A customer's churn at `t` (explicit, or implicit at `purchase + D`). */
const churnAt = (state: State, facts: CustomerFacts, t: number, from: number, to: number): void => {
  if (t < from) facts.beforeFrom = 'C'
  else if (t < to) facts.churnedInPeriod = true
  if (facts.active) {
    const month = Month.of(t)
    if (facts.activeSince < Month.start(month)) add(state.monthChurns, month, 1)
    add(state.activeDelta, month + 1, -1)
    facts.active = false
  }
}

const purchaseAt = (
  state: State,
  facts: CustomerFacts,
  t: number,
  amountCents: number,
  currency: string,
  from: number,
): void => {
  if (t < from) facts.beforeFrom = 'P'
  else add(state.periodRevenue, currency, amountCents)
  const month = Month.of(t)
  if (!facts.active) {
    facts.active = true
    facts.activeSince = t
    add(state.activeDelta, month + 1, 1)
  }
  facts.purchases++
  if (facts.firstPurchaseAt === null) facts.firstPurchaseAt = t
  facts.lastPurchaseAt = t
  const revenue = (facts.revenue ??= {})
  revenue[currency] = (revenue[currency] ?? 0) + amountCents
  const sales = state.sales.get(currency)
  if (sales === undefined) state.sales.set(currency, { count: 1, cents: amountCents })
  else {
    sales.count++
    sales.cents += amountCents
  }
  add(state.monthRevenue, `${month}:${currency}`, amountCents)
  if (facts.cohort === null) {
    facts.cohort = month
    facts.lastPurchaseMonth = month
    add(state.buyers, month, 1)
    add(state.newBuyers, month, 1)
    add(state.cohortCells, cellKey(month, 0), 1)
  } else if (facts.lastPurchaseMonth !== month) {
    add(state.buyers, month, 1)
    if (facts.lastPurchaseMonth === month - 1) add(state.returning, month, 1)
    add(state.cohortCells, cellKey(facts.cohort, month - facts.cohort), 1)
    facts.lastPurchaseMonth = month
  }
}

const factsOf = (state: State, customerId: string): CustomerFacts => {
  let facts = state.customers.get(customerId)
  if (facts === undefined) {
    facts = newFacts()
    state.customers.set(customerId, facts)
  }
  return facts
}

/** Folds one event into the ledger. Events at or after `to` are ignored. */
export const step = (state: State, event: LifecycleEvent): State => {
  const t = event.occurredAt
  const from = state.options.from ?? Number.NEGATIVE_INFINITY
  const to = state.options.to ?? Number.POSITIVE_INFINITY
  if (t >= to) return state
  if (state.minOccurredAt === null || t < state.minOccurredAt) state.minOccurredAt = t
  if (state.maxOccurredAt === null || t > state.maxOccurredAt) state.maxOccurredAt = t
  const facts = factsOf(state, event.customerId)
  // An implicit churn due at or before this event happens first; a purchase by its due time
  // (at or before purchase + D) cancels it.
  const pending = facts.pendingChurnAt
  if (pending !== null && (pending < t || (pending === t && event.type !== 'Purchased'))) {
    churnAt(state, facts, pending, from, to)
    facts.pendingChurnAt = null
  }
  switch (event.type) {
    case 'OptedIn':
      if (facts.optInAt === null) {
        facts.optInAt = t
        facts.channel = event.channel
        facts.campaign = event.campaign !== undefined && event.campaign !== '' ? event.campaign : null
        facts.acquisitionCostCents = event.acquisitionCostCents ?? null
        facts.newLead = t >= from && t < to && !(facts.firstPurchaseAt !== null && facts.firstPurchaseAt < t)
      }
      break
    case 'Nurtured':
      if (facts.firstNurturedAt === null) facts.firstNurturedAt = t
      break
    case 'Purchased':
      purchaseAt(state, facts, t, event.amountCents, event.currency, from)
      if (state.options.inactivityDays !== undefined) {
        facts.pendingChurnAt = t + state.options.inactivityDays * Timestamp.MS_PER_DAY
      }
      break
    case 'Referred': {
      if (facts.firstReferralAt === null) facts.firstReferralAt = t
      if (t >= from) {
        state.referralsInPeriod++
        const referred = factsOf(state, event.referredCustomerId)
        if (referred.referredInPeriodAt === null || t < referred.referredInPeriodAt) referred.referredInPeriodAt = t
      }
      break
    }
    case 'Churned':
      churnAt(state, facts, t, from, to)
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

/**
 * A customer's status as of `to`, with an implicit churn still pending (due before `to`)
 * applied, without changing the state.
 */
export interface AsOf {
  readonly activeAtFrom: boolean
  readonly activeAtTo: boolean
  readonly churnedInPeriod: boolean
  /** The due instant of an implicit churn that happened before `to` but was not yet folded. */
  readonly pendingChurnAt: number | null
}

/** The instant of an implicit churn still pending but due before `to`, or null. */
export const pendingBefore = (facts: CustomerFacts, to: number): number | null =>
  facts.pendingChurnAt !== null && facts.pendingChurnAt < to ? facts.pendingChurnAt : null

/**
 * Reads customers' status as of the period's end. The period is resolved once, so reading every
 * customer costs no allocation beyond the answers.
 */
export const statusReader = (state: State): ((facts: CustomerFacts) => AsOf) => {
  const from = state.options.from ?? Number.NEGATIVE_INFINITY
  const to = period(state).to ?? Number.POSITIVE_INFINITY
  return (facts) => {
    const pending = pendingBefore(facts, to)
    return {
      activeAtFrom: pending !== null && pending < from ? false : facts.beforeFrom === 'P',
      activeAtTo: pending !== null ? false : facts.active,
      churnedInPeriod: facts.churnedInPeriod || (pending !== null && pending >= from),
      pendingChurnAt: pending,
    }
  }
}

/** True when the rate's denominator is 0: then the rate is null. */
export const rate = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator
