/**
 * MBG/NBD (Batislam, Denizel and Filiztekin 2007; Wagner and Hoppe 2008): BG/NBD where a
 * customer may also drop out right after the first purchase, so that P(alive) falls below 1 for
 * one-time buyers who have been silent for long. Purchases are Poisson with gamma rates
 * (r, alpha); after every purchase, the first included, a customer drops out with a
 * beta-distributed probability (a, b).
 */
import * as CountModel from './CountModel.js'
import type * as Mle from './Mle.js'
import { group, runningLogs, type Patterns, type Rfm } from './Patterns.js'
import type { Unit } from './Rfm.js'
import { hyp2f1 } from './Special.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The parameters. */
export interface Params {
  readonly r: number
  readonly alpha: number
  readonly a: number
  readonly b: number
}

/** A fitted model. */
export interface Fitted extends CountModel.Fitted<Params> {
  readonly name: 'mbgnbd'
  readonly params: Params
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const fromValues = ([r, alpha, a, b]: readonly number[]): Params => ({ r: r!, alpha: alpha!, a: a!, b: b! })

/**
 * ln L = lnΓ(r+x) - lnΓ(r) + ln B(a, b+x+1) - ln B(a, b) + ln(e^A + e^D), with
 * A = r ln α - (r+x) ln(α+T) = -r log1p(T/α) - x ln(α+T) (alive at T) and
 * D = ln a - ln(b+x) - r log1p(t_x/α) - x ln(α+t_x) (dropped out after the last purchase,
 * which for x = 0 is the first).
 */
const terms = ({ r, alpha, a, b }: Params, x: number, tx: number, T: number) => ({
  alive: -r * Math.log1p(T / alpha) - x * Math.log(alpha + T),
  dropped: Math.log(a) - Math.log(b + x) - r * Math.log1p(tx / alpha) - x * Math.log(alpha + tx),
})

const evaluate = ({ columns, maxX }: Patterns, params: Params, withGradient: boolean) => {
  const { r, alpha, a, b } = params
  const R = runningLogs(r, maxX)
  const B = runningLogs(b, maxX + 1)
  const AB = runningLogs(a + b, maxX + 1)
  let value = 0
  const g = [0, 0, 0, 0]
  for (let row = 0; row < columns.x.length; row++) {
    const x = columns.x[row]!
    const tx = columns.tx[row]!
    const T = columns.T[row]!
    const n = columns.count[row]!
    const { alive, dropped } = terms(params, x, tx, T)
    const m = Math.max(alive, dropped)
    const eA = Math.exp(alive - m)
    const eD = Math.exp(dropped - m)
    value += n * (R.sums[x]! + B.sums[x + 1]! - AB.sums[x + 1]! + m + Math.log(eA + eD))
    if (!withGradient) continue
    const wA = eA / (eA + eD)
    const wD = 1 - wA
    g[0]! += n * (R.reciprocals[x]! - wA * Math.log1p(T / alpha) - wD * Math.log1p(tx / alpha))
    const dAlive = (r * T) / (alpha * (alpha + T)) - x / (alpha + T)
    const dDropped = (r * tx) / (alpha * (alpha + tx)) - x / (alpha + tx)
    g[1]! += n * (wA * dAlive + wD * dDropped)
    g[2]! += n * (-AB.reciprocals[x + 1]! + wD / a)
    g[3]! += n * (B.reciprocals[x + 1]! - AB.reciprocals[x + 1]! - wD / (b + x))
  }
  return { value, gradient: g }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** One customer's log-likelihood. */
export const customerLogLikelihood = (params: Params, { frequency: x, recency: tx, T }: Rfm): number =>
  evaluate(group([{ frequency: x, recency: tx, T }]), params, false).value

/** The log-likelihood of grouped patterns. */
export const logLikelihood = (params: Params, patterns: Patterns): number => evaluate(patterns, params, false).value

/** P(alive at T | x, t_x, T) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)), below 1 for one-time buyers too. */
export const probabilityAlive = (params: Params, { frequency: x, recency: tx, T }: Rfm): number => {
  const { alive, dropped } = terms(params, x, tx, T)
  return 1 / (1 + Math.exp(dropped - alive))
}

/**
 * Expected purchases in the next `t` units of a customer alive at T with x repeat purchases:
 * (a+b+x)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))].
 */
export const expectedPurchasesIfAlive = ({ r, alpha, a, b }: Params, t: number, x: number, T: number): number => {
  const hyp = hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + T + t))
  return ((a + b + x) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp)
}

/** Expected purchases in the next `t` units, given the customer's history. */
export const expectedPurchases = (params: Params, t: number, customer: Rfm): number =>
  probabilityAlive(params, customer) * expectedPurchasesIfAlive(params, t, customer.frequency, customer.T)

/** Expected repeat purchases in the first `t` units after a first purchase. */
export const expectedPurchasesNew = ({ r, alpha, a, b }: Params, t: number): number =>
  (b / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b + 1, a + b, t / (alpha + t)))

/** The model for the generic machinery. */
export const model: CountModel.CountModel = {
  name: 'mbgnbd',
  label: 'MBG/NBD',
  parameters: ['r', 'alpha', 'a', 'b'],
  discrete: false,
  problem: (patterns: Patterns, unit: Unit, options: CountModel.FitOptions): Mle.Problem => ({
    parameters: [{ name: 'r' }, { name: 'alpha', scale: CountModel.timeScale(patterns) }, { name: 'a' }, { name: 'b' }],
    logLikelihood: (values) => evaluate(patterns, fromValues(values), false).value,
    withGradient: (values) => evaluate(patterns, fromValues(values), true),
    customers: patterns.customers,
    ...(options.penalizer === undefined ? {} : { penalizer: options.penalizer }),
    pairs: [CountModel.purchaseRatePair(unit), CountModel.dropoutPair('purchase')],
    describeDivergence: (name, direction) =>
      name === 'a' && direction === 'zero'
        ? 'a runs off to 0: the data show no sign of customers dropping out'
        : `${name} runs off to ${direction === 'zero' ? '0' : 'infinity'}: the data cannot pin it down`,
  }),
  logLikelihood: (values, c) => customerLogLikelihood(fromValues(values), c),
  probabilityAlive: (values, c) => probabilityAlive(fromValues(values), c),
  probabilityAliveAll: (values, { columns }) => {
    const params = fromValues(values)
    const alive = new Float64Array(columns.x.length)
    for (let i = 0; i < alive.length; i++)
      alive[i] = probabilityAlive(params, { frequency: columns.x[i]!, recency: columns.tx[i]!, T: columns.T[i]! })
    return alive
  },
  expectedPurchases: (values, t, c) => expectedPurchases(fromValues(values), t, c),
  expectedPurchasesNew: (values, t) => expectedPurchasesNew(fromValues(values), t),
  purchasesIfAlive: (values, t, x, T) => expectedPurchasesIfAlive(fromValues(values), t, x, T),
}

/** Fits the model by maximum likelihood. */
export const fit = (data: readonly Rfm[], unit: Unit, options: CountModel.FitOptions = {}): Fitted => {
  const fitted = CountModel.fit(model, data, unit, options)
  return { ...fitted, name: 'mbgnbd', params: fromValues(fitted.values) }
}
