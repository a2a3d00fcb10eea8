/**
 * Revenue, repeat purchases, average order value and lifetime value, historic and formula
 * (METRICS.md, "Revenue and lifetime value").
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
  readonly revenue: { readonly totalCents: PerCurrency }
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

/** Each customer's historic value: revenue of all its purchases before `to`, per currency. */
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
  for (let r = 0; r < c.size; r++) {
    const pendingChurnAt = Ledger.pendingBefore(c, r, to)
    if (pendingChurnAt === null || (c.integers.flags[r]! & Ledger.ACTIVE) === 0) continue
    const month = Month.of(pendingChurnAt)
    if (c.numbers.activeSince[r]! < Month.start(month)) churns.set(month, (churns.get(month) ?? 0) + 1)
    delta.set(month + 1, (delta.get(month + 1) ?? 0) - 1)
  }
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
 * or before `to`; ARPA is M's revenue in that currency over the customers active at the end of
 * M (all of them: the currencies' ARPAs add up to the whole ARPA); meanChurn is the mean of the
 * churn rates of the six months ending with M, leaving out months whose rate is null.
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
  return sorted(
    [...state.sales.keys()].map((currency) => {
      const arpa = Ledger.rate(state.monthRevenue.get(`${m}:${currency}`) ?? 0, active)
      return [currency, arpa === null || meanChurn === null || meanChurn === 0 ? null : arpa / meanChurn] as const
    }),
  )
}

/** The revenue part of the report from the ledger. */
export const revenue = (state: Ledger.State): Revenue => {
  let buyers = 0
  let repeatBuyers = 0
  const c = state.customers
  const { purchases } = c.numbers
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
  return {
    revenue: { totalCents: sorted(state.periodRevenue) },
    repeatPurchaseRate: Ledger.rate(repeatBuyers, buyers),
    aovCents: sorted(sales.map(([c, s]) => [c, s.cents / s.count] as const)),
    clv: {
      historicAverageCents: sorted(sales.map(([c, s]) => [c, s.cents / payers.get(c)!] as const)),
      formulaCents: formulaClv(state),
    },
  }
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** The revenue part of the report as a fold over the given ledger. */
export const fold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(revenue)(ledger)
