/**
 * Active and new customers, churn and retention (METRICS.md, "Customers, churn and retention").
 */
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import { sorted } from './Money.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** `customers`, `churn` and `retention` in the report. */
export interface Customers {
  readonly customers: { readonly active: number; readonly new: number }
  readonly churn: {
    readonly count: number
    readonly rate: number | null
    /** The churned of `count` by the reason of their first churn in the period. */
    readonly byReason: Readonly<Record<string, number>>
  }
  readonly retention: { readonly rate: number | null }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * S: active at `from`; E: active at `to`; N: first purchase in [from, to). Churn counts the
 * customers of S with a churn (explicit or implicit) in the period, also by the reason of the
 * first of them (`unspecified` without one, `inactive` for an implicit churn); retention is
 * |S ∩ E| / |S|.
 */
export const customers = (state: Ledger.State): Customers => {
  const from = state.options.from ?? Number.NEGATIVE_INFINITY
  const to = state.options.to ?? Number.POSITIVE_INFINITY
  let s = 0
  let e = 0
  let n = 0
  let churned = 0
  let retained = 0
  const statusOf = Ledger.statusBitsReader(state)
  const c = state.customers
  const firstPurchaseAt = c.numbers.firstPurchaseAt
  const churnReason = c.integers.churnReason
  // Churned customers by the dictionary index of their reason; pending implicit churns apart.
  const byReason = new Float64Array(c.strings.length)
  let pendingInactive = 0
  for (let r = 0; r < c.size; r++) {
    const first = firstPurchaseAt[r]!
    if (Number.isNaN(first)) continue
    const status = statusOf(r)
    const atFrom = (status & Ledger.AT_FROM) !== 0
    if (atFrom) s++
    if ((status & Ledger.AT_TO) !== 0) e++
    if (first >= from && first < to) n++
    if (atFrom && (status & Ledger.CHURNED) !== 0) {
      churned++
      // No churn folded in the period: its first is an implicit one still pending.
      const reason = churnReason[r]!
      if (reason === Ledger.NONE) pendingInactive++
      else byReason[reason]!++
    }
    if (atFrom && (status & Ledger.AT_TO) !== 0) retained++
  }
  const reasons = new Map<string, number>()
  byReason.forEach((count, i) => {
    if (count > 0) reasons.set(c.strings[i]!, count)
  })
  if (pendingInactive > 0) reasons.set(Ledger.INACTIVE, (reasons.get(Ledger.INACTIVE) ?? 0) + pendingInactive)
  return {
    customers: { active: e, new: n },
    churn: { count: churned, rate: Ledger.rate(churned, s), byReason: sorted(reasons) },
    retention: { rate: Ledger.rate(retained, s) },
  }
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** `customers`, `churn` and `retention` as a fold over the given ledger. */
export const fold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(customers)(ledger)
