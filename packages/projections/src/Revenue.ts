/**
 * Revenue, refunds, repeat purchases, average order value and lifetime value, historic and
 * formula (METRICS.md, "Revenue, refunds and lifetime value"). Lifetime values are net of
 * refunds, each refund counted at its own instant; revenue.totalCents and AOV stay gross.
 */
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Month from './Month.js'
import { sorted, type PerCurrency } from './Money.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The revenue part of the report. */
export interface Revenue {
  readonly revenue: {
    /** Purchases in [from, to), gross. */
    readonly totalCents: PerCurrency
    /** Refunds in [from, to). */
    readonly refundedCents: PerCurrency
    /** `totalCents - refundedCents`, every currency in either. */
    readonly netCents: PerCurrency
    /** Purchases in [from, to) that carry a category, by category. */
    readonly byCategory: Readonly<Record<string, PerCurrency>>
  }
  readonly refunds: {
    /** `Refunded` events in [from, to). */
    readonly count: number
    /** Orders bought in [from, to) with a refund before `to`, over orders bought in [from, to). */
    readonly orderRate: number | null
  }
  readonly repeatPurchaseRate: number | null
  readonly aovCents: PerCurrency
  readonly clv: {
    readonly historicAverageCents: PerCurrency
    readonly formulaCents: PerCurrency<number | null>
  }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Each customer's historic value: its net revenue (purchases minus refunds before `to`), per
 * currency it paid in.
 */
export function* historicValues(state: Ledger.State): Generator<readonly [string, PerCurrency]> {
  const c = state.customers
  for (let r = 0; r < c.size; r++) {
    const revenue = Ledger.revenueOf(c, r)
    if (revenue !== null) yield [c.ids[r]!, sorted(Object.entries(revenue))]
  }
}

/**
 * Monthly activity as of `to`: active customers at each month's start and churned customers
 * among them, with implicit churns still pending (due before `to`) applied to a copy.
 */
const monthlyActivity = (state: Ledger.State) => {
  const delta = new Map(state.activeDelta)
  const churns = new Map(state.monthChurns)
  const to = Ledger.period(state).to ?? Number.POSITIVE_INFINITY
  const c = state.customers
  for (let r = 0; r < c.size; r++) Ledger.countPendingChurn(c, r, to, churns, delta)
  const activeAtStart = (month: Month.Month): number => {
    let n = 0
    for (const [m, d] of delta) if (m <= month) n += d
    return n
  }
  const churnRate = (month: Month.Month): number | null => Ledger.rate(churns.get(month) ?? 0, activeAtStart(month))
  return { activeAtStart, churnRate }
}

/**
 * ChartMogul's LTV per currency, `ARPA / meanChurn`: M is the last full calendar month ending at
 * or before `to`; ARPA is M's net revenue (purchases minus refunds in M) in that currency over
 * the customers active at the end of M (all of them: the currencies' ARPAs add up to the whole
 * ARPA); meanChurn is the mean of the churn rates of the six months ending with M, leaving out
 * months whose rate is null. Every currency with a purchase or a refund in M is given; null
 * when its net ARPA is negative.
 */
export const formulaClv = (state: Ledger.State): PerCurrency<number | null> => {
  const { to } = Ledger.period(state)
  if (to === null) return {}
  const m = Month.of(to) - 1
  const activity = monthlyActivity(state)
  const active = activity.activeAtStart(m + 1)
  const rates: number[] = []
  for (let k = m - 5; k <= m; k++) {
    const r = activity.churnRate(k)
    if (r !== null) rates.push(r)
  }
  const meanChurn = rates.length === 0 ? null : rates.reduce((a, b) => a + b, 0) / rates.length
  const out: [string, number | null][] = []
  for (const currency of state.sales.keys()) {
    // Every refund is of an order paid in, so the currencies sold in hold every currency of M.
    const net = state.monthRevenue.get(m)?.get(currency)
    if (net === undefined) continue
    const arpa = Ledger.rate(net, active)
    out.push([currency, arpa === null || arpa < 0 || meanChurn === null || meanChurn === 0 ? null : arpa / meanChurn])
  }
  return sorted(out)
}

/** `totalCents - refundedCents` per currency, over every currency in either. */
const netOf = (total: ReadonlyMap<string, number>, refunded: ReadonlyMap<string, number>): PerCurrency => {
  const net = new Map(total)
  for (const [currency, cents] of refunded) net.set(currency, (net.get(currency) ?? 0) - cents)
  return sorted(net)
}

/** The revenue part of the report from the ledger. */
export const revenue = (state: Ledger.State): Revenue => {
  let buyers = 0
  let repeatBuyers = 0
  const c = state.customers
  const { purchases } = c.integers
  const firstCurrency = c.integers.currency
  // Payers per currency: by dictionary index for each customer's first currency, then the rest.
  const payersAt = new Float64Array(c.strings.length)
  for (let r = 0; r < c.size; r++) {
    const count = purchases[r]!
    if (count === 0) continue
    buyers++
    if (count >= 2) repeatBuyers++
    payersAt[firstCurrency[r]!]!++
  }
  const payers = new Map<string, number>()
  payersAt.forEach((n, i) => {
    if (n > 0) payers.set(c.strings[i]!, n)
  })
  for (const more of c.moreRevenue.values()) {
    for (const currency in more) payers.set(currency, (payers.get(currency) ?? 0) + 1)
  }
  const sales = [...state.sales]
  const netBefore = (currency: string, cents: number): number => cents - (state.refundedBefore.get(currency) ?? 0)
  return {
    revenue: {
      totalCents: sorted(state.periodRevenue),
      refundedCents: sorted(state.periodRefunds),
      netCents: netOf(state.periodRevenue, state.periodRefunds),
      byCategory: sorted([...state.categoryRevenue].map(([category, cents]) => [category, sorted(cents)] as const)),
    },
    refunds: {
      count: state.refundsInPeriod,
      orderRate: Ledger.rate(state.refundedOrders, state.ordersInPeriod),
    },
    repeatPurchaseRate: Ledger.rate(repeatBuyers, buyers),
    aovCents: sorted(sales.map(([c, s]) => [c, s.cents / s.count] as const)),
    clv: {
      // Net of refunds, over the customers who paid in the currency (even if refunded in full).
      historicAverageCents: sorted(sales.map(([c, s]) => [c, netBefore(c, s.cents) / payers.get(c)!] as const)),
      formulaCents: formulaClv(state),
    },
  }
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** The revenue part of the report as a fold over the given ledger. */
export const fold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(revenue)(ledger)
