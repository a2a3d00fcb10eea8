/**
 * Cross-sell and upsell among repeat buyers (METRICS.md, "Cross-sell and upsell").
 */
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** `crossSell` and `upsell` in the report. */
export interface CrossSell {
  /**
   * Among customers with two or more categorized purchases before `to`, the share whose
   * categorized purchases span two or more categories.
   */
  readonly crossSell: { readonly rate: number | null }
  /**
   * Among customers with two or more purchases before `to`, the share with a later purchase, in
   * the currency of their first, for more (gross) than the first.
   */
  readonly upsell: { readonly rate: number | null }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** `crossSell` and `upsell` from the ledger. */
export const crossSell = (state: Ledger.State): CrossSell => {
  const c = state.customers
  const { purchases, flags } = c.integers
  let categorized = 0
  let crossSold = 0
  let repeat = 0
  let upsold = 0
  for (let r = 0; r < c.size; r++) {
    const f = flags[r]!
    if ((f & Ledger.CATEGORIZED_TWICE) !== 0) {
      categorized++
      if ((f & Ledger.CROSS_SOLD) !== 0) crossSold++
    }
    if (purchases[r]! >= 2) {
      repeat++
      if ((f & Ledger.UPSOLD) !== 0) upsold++
    }
  }
  return {
    crossSell: { rate: Ledger.rate(crossSold, categorized) },
    upsell: { rate: Ledger.rate(upsold, repeat) },
  }
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** `crossSell` and `upsell` as a fold over the given ledger. */
export const fold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(crossSell)(ledger)
