/**
 * Trends by month (METRICS.md, "Trends by month"): for every calendar month that overlaps the
 * period, clipped to it, the new leads and their conversions, new customers, customers active at
 * the month's end, churn, revenue and net revenue.
 *
 * Read from the same single fold as the rest of the report, never by folding again per month:
 * per-customer facts (first opt-in, first purchase, status) give the leads and new customers,
 * and the ledger's monthly aggregates give the rest (active customers at each month's start,
 * churns among them, sales and refunds of the period by month). The month that `from` falls inside needs
 * one more count, kept by the ledger: `fromMonthChurns`, the customers active at `from` whose
 * first churn of the period falls before that month's end. Resumable like every ledger state.
 */
import { Timestamp } from '@lifeline/core'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import { sorted, type PerCurrency } from './Money.js'
import * as Month from './Month.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One month of `trends`: its figures for `[max(month start, from), min(month end, to))`. */
export interface TrendMonth {
  readonly month: string
  /** Leads of L whose first opt-in falls in the month. */
  readonly newLeads: number
  /** Those of them converted before `to` (as for L). */
  readonly converted: number
  /** First-ever purchases in the month. */
  readonly newCustomers: number
  /** Customers active at the month's (clipped) end. */
  readonly activeAtEnd: number
  /** `churn.count` and `churn.rate` for the month as a period of its own. */
  readonly churned: number
  readonly churnRate: number | null
  /** `revenue.totalCents` and `revenue.netCents` for the month. */
  readonly revenueCents: PerCurrency
  readonly netRevenueCents: PerCurrency
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Adds `n` at `key`. */
const add = <K>(map: Map<K, number>, key: K, n: number): void => {
  map.set(key, (map.get(key) ?? 0) + n)
}

/** The trends, oldest month first; empty for an empty log. */
export const trends = (state: Ledger.State): readonly TrendMonth[] => {
  const period = Ledger.period(state)
  if (period.from === null || period.to === null || period.from >= period.to) return []
  const from = period.from
  const to = period.to
  const first = Month.of(from)
  const last = Month.of(to - 1)
  const window =
    state.options.conversionWindowDays === undefined
      ? Number.POSITIVE_INFINITY
      : state.options.conversionWindowDays * Timestamp.MS_PER_DAY

  // One scan of the customers: leads, conversions and first purchases by month; the implicit
  // churns due before `to` but not folded yet, applied to copies of the monthly aggregates.
  // By month from `first`: a new lead opted in, and a new customer first bought, in [from, to).
  const leads = new Float64Array(last - first + 1)
  const converted = new Float64Array(last - first + 1)
  const newCustomers = new Float64Array(last - first + 1)
  const delta = new Map(state.activeDelta)
  const churns = new Map(state.monthChurns)
  const firstMonthEnd = Math.min(Month.start(first + 1), to)
  let activeAtFrom = 0
  let churnedInFirstMonth = state.fromMonthChurns
  let activeAtTo = 0
  const c = state.customers
  const { optInAt, firstPurchaseAt } = c.numbers
  const { flags } = c.integers
  // The status as bits and the pending churn from its column: no object per customer.
  const statusOf = Ledger.statusBitsReader(state)
  for (let r = 0; r < c.size; r++) {
    const f = flags[r]!
    const bought = firstPurchaseAt[r]!
    if ((f & Ledger.NEW_LEAD) !== 0) {
      const optIn = optInAt[r]!
      const k = Month.of(optIn) - first
      leads[k]!++
      // NaN (never bought) fails every comparison.
      if (bought >= optIn && bought - optIn <= window) converted[k]!++
    }
    if (Number.isNaN(bought)) continue
    if (bought >= from && bought < to) newCustomers[Month.of(bought) - first]!++
    const status = statusOf(r)
    const atFrom = (status & Ledger.AT_FROM) !== 0
    if (atFrom) activeAtFrom++
    if ((status & Ledger.AT_TO) !== 0) activeAtTo++
    const pending = Ledger.countPendingChurn(c, r, to, churns, delta)
    if (pending === null) continue
    // The pending churn is this customer's first of the period if none was folded in it.
    if (atFrom && (f & Ledger.CHURNED_IN_PERIOD) === 0 && pending >= from && pending < firstMonthEnd) {
      churnedInFirstMonth++
    }
  }

  // Active customers at each month's start: the running sum of the difference array.
  const deltas = [...delta].sort(([a], [b]) => a - b)
  const activeAtStart = (month: Month.Month): number => {
    let n = 0
    for (const [m, d] of deltas) {
      if (m > month) break
      n += d
    }
    return n
  }

  const out: TrendMonth[] = []
  for (let m = first; m <= last; m++) {
    const end = Math.min(Month.start(m + 1), to)
    // The month `from` falls inside (and does not start) counts from `from`: its base is the
    // customers active at `from`; every other month's is those active at its start.
    const clipped = m === first && from > Month.start(m)
    const base = clipped ? activeAtFrom : activeAtStart(m)
    const churned = clipped ? churnedInFirstMonth : (churns.get(m) ?? 0)
    const revenue = state.periodMonthSales.get(m) ?? new Map<string, number>()
    const net = new Map(revenue)
    for (const [currency, cents] of state.periodMonthRefunds.get(m) ?? []) add(net, currency, -cents)
    out.push({
      month: Month.format(m),
      newLeads: leads[m - first]!,
      converted: converted[m - first]!,
      newCustomers: newCustomers[m - first]!,
      activeAtEnd: end === to ? activeAtTo : activeAtStart(m + 1),
      churned,
      churnRate: Ledger.rate(churned, base),
      revenueCents: sorted(revenue),
      netRevenueCents: sorted(net),
    })
  }
  return out
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** The trends as a fold over the given ledger. */
export const fold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(trends)(ledger)
