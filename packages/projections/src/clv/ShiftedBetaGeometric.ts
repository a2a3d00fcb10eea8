/**
 * The shifted-beta-geometric model (Fader and Hardie 2007, "How to project customer retention"):
 * in a contractual setting each customer renews each period with a constant probability, beta
 * (alpha, beta) distributed across customers. Fitted on a cohort's survivor counts.
 */
import * as Mle from './Mle.js'
import { betaln, hyp2f1 } from './Special.js'

/** The fitted parameters. */
export interface Params {
  readonly alpha: number
  readonly beta: number
}

/** A fitted model. */
export interface Fitted {
  readonly params: Params
  readonly estimate: Mle.Estimate
}

/** P(T = t): the share that churns at the end of period t (t >= 1). */
export const churnProbability = ({ alpha, beta }: Params, t: number): number =>
  Math.exp(betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta))

/** S(t): the share still active after t periods. */
export const survival = ({ alpha, beta }: Params, t: number): number =>
  Math.exp(betaln(alpha, beta + t) - betaln(alpha, beta))

/** r(t) = S(t) / S(t - 1): the retention rate of period t, which rises with t. */
export const retention = ({ alpha, beta }: Params, t: number): number => (beta + t - 1) / (alpha + beta + t - 1)

/**
 * Fits the model to survivor counts: `survivors[0]` customers at the start, `survivors[t]` still
 * active after period t.
 */
export const fit = (survivors: readonly number[]): Fitted => {
  const logLikelihood = ([alpha, beta]: readonly number[]): number => {
    const params = { alpha: alpha!, beta: beta! }
    let ll = 0
    for (let t = 1; t < survivors.length; t++) {
      ll += (survivors[t - 1]! - survivors[t]!) * Math.log(churnProbability(params, t))
    }
    return ll + survivors.at(-1)! * Math.log(survival(params, survivors.length - 1))
  }
  const estimate = Mle.fit({
    parameters: [{ name: 'alpha' }, { name: 'beta' }],
    logLikelihood,
    customers: survivors[0]!,
    pairs: [
      {
        kind: 'beta',
        members: [0, 1],
        limit: 'theta',
        describe: (theta) => `every customer churns with the same probability: theta = ${theta.toFixed(3)} per period`,
      },
    ],
  })
  const [alpha, beta] = estimate.values as [number, number]
  return { params: { alpha, beta }, estimate }
}

/** The survival and retention curves for periods 1..n. */
export const curves = (params: Params, n: number): { readonly survival: number[]; readonly retention: number[] } => ({
  survival: Array.from({ length: n }, (_, i) => survival(params, i + 1)),
  retention: Array.from({ length: n }, (_, i) => retention(params, i + 1)),
})

/**
 * The expected remaining lifetime, in periods, of a customer who has renewed `renewals` times,
 * discounted at `discountRate` per period (Fader and Hardie 2010, "Customer-base valuation in a
 * contractual setting": DERL). Undiscounted, it is infinite whenever alpha <= 1, so a discount
 * rate > 0 is required.
 */
export const expectedRemainingLifetime = ({ alpha, beta }: Params, renewals: number, discountRate: number): number => {
  if (!(discountRate > 0)) throw new RangeError('expectedRemainingLifetime needs a discount rate > 0')
  const n = renewals + 1
  return ((beta + n - 1) / (alpha + beta + n - 1)) * hyp2f1(1, beta + n, alpha + beta + n, 1 / (1 + discountRate))
}
