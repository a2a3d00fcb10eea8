/**
 * BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): purchases follow
 * a Poisson process with gamma-distributed rates (r, alpha); after each purchase a customer drops
 * out with a beta-distributed probability (a, b). Fitted by maximum likelihood in log space.
 */
import { maximizePositive, type FitQuality } from './Optimize.js'
import type { Unit } from './Rfm.js'
import { betaln, gammaln, hyp2f1, logAddExp } from './Special.js'

/** The fitted parameters. */
export interface Params {
  readonly r: number
  readonly alpha: number
  readonly a: number
  readonly b: number
}

/** The data of one customer: repeat purchases, recency and age, in the model's unit. */
export interface Rfm {
  readonly frequency: number
  readonly recency: number
  readonly T: number
}

/** A fitted model. */
export interface Fitted extends FitQuality {
  readonly name: 'bgnbd'
  readonly unit: Unit
  readonly params: Params
}

/** One customer's log-likelihood. */
export const customerLogLikelihood = ({ r, alpha, a, b }: Params, { frequency: x, recency: tx, T }: Rfm): number => {
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha)
  const a2 = betaln(a, b + x) - betaln(a, b)
  const alive = -(r + x) * Math.log(alpha + T)
  // B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1): the dropped-out term relative to the alive one.
  const dropped = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY
  return a1 + a2 + logAddExp(alive, dropped)
}

/** The log-likelihood of a population. */
export const logLikelihood = (params: Params, data: readonly Rfm[]): number => grouped(group(data))(params)

/** Customers with the same (x, t_x, T) have the same likelihood: fit on the distinct triples. */
export const group = (
  data: readonly Rfm[],
): { readonly rows: readonly (Rfm & { readonly n: number })[]; readonly maxX: number } => {
  const counts = new Map<string, Rfm & { n: number }>()
  let maxX = 0
  for (const c of data) {
    const key = `${c.frequency}:${c.recency}:${c.T}`
    const row = counts.get(key)
    if (row === undefined) counts.set(key, { frequency: c.frequency, recency: c.recency, T: c.T, n: 1 })
    else row.n++
    maxX = Math.max(maxX, c.frequency)
  }
  return { rows: [...counts.values()], maxX }
}

/**
 * The population log-likelihood over grouped rows. For integer x, lnΓ(r+x) - lnΓ(r) is the sum
 * of ln(r+k) for k < x, and likewise for the beta terms: one pass of logs up to the largest x per
 * evaluation, instead of log-gamma calls per customer. Same value as `customerLogLikelihood`.
 */
const grouped =
  ({ rows, maxX }: ReturnType<typeof group>) =>
  ({ r, alpha, a, b }: Params): number => {
    const lnR = new Float64Array(maxX + 1)
    const lnB = new Float64Array(maxX + 1)
    const lnAB = new Float64Array(maxX + 1)
    for (let k = 0; k < maxX; k++) {
      lnR[k + 1] = lnR[k]! + Math.log(r + k)
      lnB[k + 1] = lnB[k]! + Math.log(b + k)
      lnAB[k + 1] = lnAB[k]! + Math.log(a + b + k)
    }
    const lnAlpha = Math.log(alpha)
    const lnA = Math.log(a)
    let sum = 0
    for (const { frequency: x, recency: tx, T, n } of rows) {
      const alive = -(r + x) * Math.log(alpha + T)
      const dropped = x > 0 ? lnA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY
      sum += n * (lnR[x]! + r * lnAlpha + lnB[x]! - lnAB[x]! + logAddExp(alive, dropped))
    }
    return sum
  }

/** Fits the model by maximum likelihood (parameters optimized as logs, so they stay positive). */
export const fit = (data: readonly Rfm[], unit: Unit): Fitted => {
  if (data.some((c) => !Number.isInteger(c.frequency))) throw new RangeError('frequencies must be whole numbers')
  const ll = grouped(group(data))
  const fit = maximizePositive(([r, alpha, a, b]) => ll({ r: r!, alpha: alpha!, a: a!, b: b! }), [1, 1, 1, 1])
  const [r, alpha, a, b] = fit.values as [number, number, number, number]
  const { logLikelihood, converged, iterations, evaluations } = fit
  return { name: 'bgnbd', unit, params: { r, alpha, a, b }, logLikelihood, converged, iterations, evaluations }
}

/** P(alive at T | x, t_x, T). */
export const probabilityAlive = ({ r, alpha, a, b }: Params, { frequency: x, recency: tx, T }: Rfm): number =>
  x === 0 ? 1 : 1 / (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x))

/** Expected purchases in the next `t` units, given the customer's history. */
export const expectedPurchases = (params: Params, t: number, customer: Rfm): number => {
  const { r, alpha, a, b } = params
  const { frequency: x, T } = customer
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp)
  return numerator * probabilityAlive(params, customer)
}
