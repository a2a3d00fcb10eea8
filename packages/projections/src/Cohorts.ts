/**
 * The monthly cohort retention table and the monthly lifecycle (new, returning, resurrecting,
 * dormant), both on purchase activity.
 */
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import { sorted, type PerCurrency } from './Money.js'
import * as Month from './Month.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One cohort: customers whose first purchase is in `month`; `retention[k]` is the share buying in
 * month k after; `netRevenuePerCustomerCents[currency][k]` is the cohort's lifetime value curve:
 * its net revenue (purchases minus refunds) in that currency from the start of its month to the
 * end of month k (or `to`), over its size.
 */
export interface Cohort {
  readonly month: string
  readonly size: number
  readonly retention: readonly number[]
  readonly netRevenuePerCustomerCents: PerCurrency<readonly number[]>
}

/** One month of the lifecycle; `dormant` is a negative number. */
export interface LifecycleMonth {
  readonly month: string
  readonly new: number
  readonly returning: number
  readonly resurrecting: number
  readonly dormant: number
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** The month holding the last instant before `to`, or null for an empty log. */
export const lastMonth = (state: Ledger.State): Month.Month | null => {
  const { to } = Ledger.period(state)
  return to === null ? null : Month.of(to - 1)
}

/**
 * The cohort table, oldest cohort first; only months in which some customer first bought. The
 * lifetime value curve has every currency a member paid in before `to` (refunds are of orders
 * paid in, so they add no currency).
 */
export const cohorts = (state: Ledger.State): readonly Cohort[] => {
  const last = lastMonth(state)
  if (last === null) return []
  const months = [...state.newBuyers.keys()].filter((m) => m <= last).sort((a, b) => a - b)
  return months.map((cohort) => {
    const size = state.newBuyers.get(cohort)!
    const cells = state.cohortCells.get(cohort) ?? []
    const width = last - cohort + 1
    const retention = Array.from({ length: width }, (_, k) => (cells[k] ?? 0) / size)
    // Cumulative net revenue over the cohort's size.
    const curve = (cents: readonly number[]): number[] => {
      let total = 0
      return Array.from({ length: width }, (_, k) => (total += cents[k] ?? 0) / size)
    }
    const curves = [...(state.cohortRevenue.get(cohort) ?? [])].map(
      ([currency, cents]) => [currency, curve(cents)] as const,
    )
    return {
      month: Month.format(cohort),
      size,
      retention,
      netRevenuePerCustomerCents: sorted(curves),
    }
  })
}

/** The lifecycle, every month from the earliest purchase to the month of the last instant before `to`. */
export const lifecycle = (state: Ledger.State): readonly LifecycleMonth[] => {
  const last = lastMonth(state)
  if (last === null || state.buyers.size === 0) return []
  const first = Math.min(...state.buyers.keys())
  const out: LifecycleMonth[] = []
  for (let m = first; m <= last; m++) {
    const buyers = state.buyers.get(m) ?? 0
    const isNew = state.newBuyers.get(m) ?? 0
    const returning = state.returning.get(m) ?? 0
    const before = state.buyers.get(m - 1) ?? 0
    out.push({
      month: Month.format(m),
      new: isNew,
      returning,
      resurrecting: buyers - isNew - returning,
      dormant: returning - before,
    })
  }
  return out
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** The cohort table as a fold over the given ledger. */
export const cohortsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(cohorts)(ledger)
/** The lifecycle as a fold over the given ledger. */
export const lifecycleFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(lifecycle)(ledger)
