/**
 * Pareto/NBD (Schmittlein, Morrison and Colombo 1987): Poisson purchases with gamma rates
 * (r, alpha) and exponential lifetimes with gamma rates (s, beta). The likelihood needs the Gauss
 * hypergeometric function; it is computed in log space as lifetimes does.
 */
import { maximizePositive, type FitQuality } from './Optimize.js'
import type { Unit } from './Rfm.js'
import type { Rfm } from './BgNbd.js'
import { gammaln, hyp2f1, logAddExp, logSubExp } from './Special.js'

/** The fitted parameters. */
export interface Params {
  readonly r: number
  readonly alpha: number
  readonly s: number
  readonly beta: number
}

/** A fitted model. */
export interface Fitted extends FitQuality {
  readonly name: 'paretonbd'
  readonly unit: Unit
  readonly params: Params
}

/** ln A0 of the likelihood (the integral over the unobserved dropout time). */
const logA0 = ({ r, alpha, s, beta }: Params, x: number, tx: number, T: number): number => {
  const [low, high, t] = alpha < beta ? [alpha, beta, r + x] : [beta, alpha, s + 1]
  const rsx = r + s + x
  const z = high - low
  const p1 = hyp2f1(rsx, t, rsx + 1, z / (high + tx))
  const p2 = hyp2f1(rsx, t, rsx + 1, z / (high + T))
  const q1 = high + tx
  const q2 = high + T
  return logSubExp(Math.log(p1) + rsx * Math.log(q2), Math.log(p2) + rsx * Math.log(q1)) - rsx * Math.log(q1 * q2)
}

/** The part of one customer's log-likelihood that says "alive at T". */
const logAlive = ({ r, alpha, s, beta }: Params, x: number, T: number): number =>
  gammaln(r + x) -
  gammaln(r) +
  r * Math.log(alpha) +
  s * Math.log(beta) -
  (r + x) * Math.log(alpha + T) -
  s * Math.log(beta + T)

/** One customer's log-likelihood. */
export const customerLogLikelihood = (params: Params, { frequency: x, recency: tx, T }: Rfm): number => {
  const { r, alpha, s, beta } = params
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta)
  const a2 = logAddExp(
    -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T),
    Math.log(s) + logA0(params, x, tx, T) - Math.log(r + s + x),
  )
  return a1 + a2
}

/** The log-likelihood of a population. */
export const logLikelihood = (params: Params, data: readonly Rfm[]): number => {
  let sum = 0
  for (const customer of data) sum += customerLogLikelihood(params, customer)
  return sum
}

/** Fits the model by maximum likelihood (parameters optimized as logs). */
export const fit = (data: readonly Rfm[], unit: Unit): Fitted => {
  const fit = maximizePositive(
    ([r, alpha, s, beta]) => logLikelihood({ r: r!, alpha: alpha!, s: s!, beta: beta! }, data),
    [1, 1, 1, 1],
  )
  const [r, alpha, s, beta] = fit.values as [number, number, number, number]
  const { logLikelihood: ll, converged, iterations, evaluations } = fit
  return {
    name: 'paretonbd',
    unit,
    params: { r, alpha, s, beta },
    logLikelihood: ll,
    converged,
    iterations,
    evaluations,
  }
}

/** P(alive at T | x, t_x, T). */
export const probabilityAlive = (params: Params, customer: Rfm): number =>
  Math.exp(logAlive(params, customer.frequency, customer.T) - customerLogLikelihood(params, customer))

/** Expected purchases in the next `t` units, given the customer's history. */
export const expectedPurchases = (params: Params, t: number, customer: Rfm): number => {
  const { r, alpha, s, beta } = params
  const { frequency: x, T } = customer
  const growth =
    s === 1 ? Math.log((beta + T + t) / (beta + T)) : (1 - Math.pow((beta + T) / (beta + T + t), s - 1)) / (s - 1)
  return ((probabilityAlive(params, customer) * ((r + x) * (beta + T))) / (alpha + T)) * growth
}
