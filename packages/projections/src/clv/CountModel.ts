/**
 * What the purchase-count models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB) have in common: a
 * likelihood to fit, and given the fitted parameters, each customer's probability of being
 * alive and expected purchases. Model selection, holdout checks and intervals work on this.
 */
import * as Mle from './Mle.js'
import { group, type Patterns, type Rfm } from './Patterns.js'
import type { Unit } from './Rfm.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The count models. */
export type Name = 'bgnbd' | 'mbgnbd' | 'paretonbd' | 'bgbb'

/** Options of a fit. */
export interface FitOptions {
  /** lifetimes' `penalizer_coef` (default 0: none). */
  readonly penalizer?: number
}

/** A purchase-count model; parameter values are arrays in `parameters` order. */
export interface CountModel {
  readonly name: Name
  /** The name in the literature: `BG/NBD`. */
  readonly label: string
  readonly parameters: readonly string[]
  /** True for BG/BB: recency and T must be whole numbers of periods. */
  readonly discrete: boolean
  /** The maximum-likelihood problem for these patterns, in `unit`. */
  readonly problem: (patterns: Patterns, unit: Unit, options: FitOptions) => Mle.Problem
  /** One customer's log-likelihood. */
  readonly logLikelihood: (values: readonly number[], customer: Rfm) => number
  /** P(alive at T | history): alive now (BG/BB: at the last opportunity observed). */
  readonly probabilityAlive: (values: readonly number[], customer: Rfm) => number
  /** `probabilityAlive` of every row of grouped patterns, in their order: faster than one call each. */
  readonly probabilityAliveAll: (values: readonly number[], patterns: Patterns) => Float64Array
  /**
   * Expected purchases in the next `t` units of a customer alive at T with x repeat purchases: a
   * function of x and T only, so customers with the same (x, T) share it. The expected purchases
   * given the history are `probabilityAlive` times this.
   */
  readonly purchasesIfAlive: (values: readonly number[], t: number, x: number, T: number) => number
  /** Expected purchases in the next `t` units, given the customer's history. */
  readonly expectedPurchases: (values: readonly number[], t: number, customer: Rfm) => number
  /** Expected repeat purchases in the first `t` units after a first purchase (no history yet). */
  readonly expectedPurchasesNew: (values: readonly number[], t: number) => number
}

/** A fitted count model; `P` is its parameters by name. */
export interface Fitted<P = Readonly<Record<string, number>>> {
  readonly name: Name
  readonly label: string
  readonly unit: Unit
  readonly values: readonly number[]
  /** The values by name. */
  readonly params: P
  readonly estimate: Mle.Estimate
  readonly customers: number
  readonly repeatBuyers: number
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Fits a count model to customers by maximum likelihood. */
export const fit = (model: CountModel, data: readonly Rfm[], unit: Unit, options: FitOptions = {}): Fitted => {
  const patterns = group(data)
  if (patterns.repeatBuyers === 0) throw new RangeError(`${model.label}: no customer bought twice, nothing to fit`)
  const estimate = Mle.fit(model.problem(patterns, unit, options))
  return {
    name: model.name,
    label: model.label,
    unit,
    values: estimate.values,
    params: Object.fromEntries(model.parameters.map((p, i) => [p, estimate.values[i]!])),
    estimate,
    customers: patterns.customers,
    repeatBuyers: patterns.repeatBuyers,
  }
}

/**
 * The (r, alpha) gamma mixing of purchase rates shared by the NBD models (parameters 0 and 1):
 * collapsed, every customer buys at the same rate.
 */
export const purchaseRatePair = (unit: Unit): Mle.Pair => ({
  kind: 'gamma',
  members: [0, 1],
  limit: 'lambda',
  describe: (lambda) =>
    `every customer buys at the same rate while alive: lambda = ${lambda.toFixed(4)} purchases per ${unit}`,
})

/**
 * The (a, b) beta mixing of the dropout probability of BG/NBD and MBG/NBD (parameters 2 and 3),
 * a chance taken after each purchase `counted` (BG/NBD: each repeat purchase; MBG/NBD: each one).
 */
export const dropoutPair = (counted: 'purchase' | 'repeat purchase'): Mle.Pair => ({
  kind: 'beta',
  members: [2, 3],
  limit: 'p',
  describe: (p) =>
    p < 5e-4
      ? 'no customer drops out: the dropout probability runs off to 0 for everyone'
      : `dropout is the same for every customer: p = ${p.toFixed(3)} after each ${counted}`,
})

/** The mean time from first purchase to the end of the period: the scale of the time parameters. */
export const timeScale = (patterns: Patterns): number => {
  let sum = 0
  for (const row of patterns.rows) sum += row.n * row.T
  return Math.max(1e-6, sum / Math.max(1, patterns.customers))
}
