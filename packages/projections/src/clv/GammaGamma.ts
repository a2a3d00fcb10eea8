/**
 * The Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"): a customer's
 * transaction values are gamma(p, nu) with nu gamma(q, gamma) across customers. Fitted on
 * customers with at least one repeat purchase, from their repeat count and mean repeat spend.
 */
import { maximizePositive, type FitQuality } from './Optimize.js'
import { gammaln } from './Special.js'

/** The fitted parameters; `gamma` is in the same money unit as the spends (minor units). */
export interface Params {
  readonly p: number
  readonly q: number
  readonly gamma: number
}

/** A fitted spend model. */
export interface Fitted extends FitQuality {
  readonly params: Params
  /** Customers it was fitted on. */
  readonly customers: number
}

/** One repeat buyer: repeat purchases and their mean spend. */
export interface Spend {
  readonly frequency: number
  readonly monetaryCents: number
}

/** One customer's log-likelihood. */
export const customerLogLikelihood = ({ p, q, gamma }: Params, { frequency: x, monetaryCents: m }: Spend): number =>
  gammaln(p * x + q) -
  gammaln(p * x) -
  gammaln(q) +
  q * Math.log(gamma) +
  (p * x - 1) * Math.log(m) +
  p * x * Math.log(x) -
  (p * x + q) * Math.log(x * m + gamma)

/** Fits the model on the customers with a repeat purchase and a positive mean spend. */
export const fit = (data: readonly Spend[]): Fitted => {
  const buyers = data.filter((c) => c.frequency > 0 && c.monetaryCents > 0)
  // The log-gamma terms depend on x only: computed once per distinct x per evaluation, and the
  // data-only terms once for all. Same value as summing `customerLogLikelihood`.
  const xs = [...new Set(buyers.map((c) => c.frequency))]
  const index = new Map(xs.map((x, i) => [x, i]))
  const rows = buyers.map((c) => ({
    i: index.get(c.frequency)!,
    x: c.frequency,
    lnM: Math.log(c.monetaryCents),
    xm: c.frequency * c.monetaryCents,
    lnX: Math.log(c.frequency),
  }))
  const logLikelihood = ([p, q, gamma]: readonly number[]): number => {
    const lgamma = xs.map((x) => gammaln(p! * x + q!) - gammaln(p! * x))
    const constant = -gammaln(q!) + q! * Math.log(gamma!)
    let sum = 0
    for (const row of rows) {
      const px = p! * row.x
      sum += lgamma[row.i]! + constant + (px - 1) * row.lnM + px * row.lnX - (px + q!) * Math.log(row.xm + gamma!)
    }
    return sum
  }
  // Start the scale near the data's: gamma is in the spends' unit.
  const mean = buyers.reduce((s, c) => s + c.monetaryCents, 0) / Math.max(1, buyers.length)
  const fit = maximizePositive(logLikelihood, [1, 1, Math.max(1, mean)])
  const [p, q, gamma] = fit.values as [number, number, number]
  const { converged, iterations, evaluations } = fit
  return {
    params: { p, q, gamma },
    logLikelihood: fit.logLikelihood,
    converged,
    iterations,
    evaluations,
    customers: buyers.length,
  }
}

/** Expected mean spend per transaction of a customer, given its history (the population mean for x = 0). */
export const expectedAverageSpend = ({ p, q, gamma }: Params, { frequency: x, monetaryCents: m }: Spend): number =>
  (p * (gamma + x * m)) / (p * x + q - 1)
