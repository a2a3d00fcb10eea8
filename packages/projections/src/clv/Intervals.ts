/**
 * Intervals on each customer's P(alive), expected purchases and CLV from the parameters'
 * sampling distribution: parameter vectors are drawn from the asymptotic normal of the maximum
 * likelihood estimate (mean the estimate, covariance the inverse observed information, on the
 * optimizer's log scale), each draw gives every customer's predictions, and the interval is the
 * central `level` share of them (percentiles). Draws, not a bootstrap over customers: a
 * bootstrap refits the models hundreds of times (minutes on 23,570 customers), while draws reuse
 * the one fit and its information matrix, which the fit reports anyway; with tens of customers
 * per parameter or more the two agree. The purchase model and each currency's spend model are
 * drawn independently (they are fitted on different data). Seeded: the same seed, the same
 * intervals.
 *
 * With a discount rate, each draw's CLV is its undiscounted value times the customer's discount
 * factor at the estimate (its discounted over undiscounted expected purchases): the factor
 * depends on the timing of the purchases over the horizon, which the parameters move far less
 * than their number, and the period-by-period sum per draw would cost the horizon's length in
 * hypergeometric functions per customer and draw.
 */
import type * as CountModel from './CountModel.js'
import { group } from './Patterns.js'
import type * as GammaGamma from './GammaGamma.js'
import { multivariateNormal, seeded } from './Random.js'
import type { CustomerRfm } from './Rfm.js'
import { select } from '../Select.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What intervals to compute. */
export interface Options {
  /** The central share of the draws the interval covers, e.g. 0.9. */
  readonly level: number
  /** Parameter draws (e.g. 200). */
  readonly draws: number
  readonly seed: number
}

/** A range of values. */
export interface Interval {
  readonly lower: number
  readonly upper: number
}

/** One customer's intervals. */
export interface CustomerIntervals {
  readonly pAlive: Interval
  readonly expectedPurchases: Interval
  /** Null when the customer has no CLV (or its spend model no sampling distribution). */
  readonly clvCents: Interval | null
}

/** How the intervals were made, for the output. */
export interface Summary extends Options {
  readonly method: string
  /** Null when the intervals could be computed; else why not. */
  readonly unavailable: string | null
}

/** What a customer's CLV needs besides the purchase model: its point predictions. */
export interface Point extends CustomerRfm {
  readonly expectedPurchases: number
  readonly expectedAverageSpendCents: number | null
  readonly clvCents: number | null
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The p-quantile of values (interpolating between the neighbouring order statistics, as numpy's
 * default); `scratch` is overwritten.
 */
export const quantile = (
  values: ArrayLike<number>,
  p: number,
  scratch: Float64Array = new Float64Array(values.length),
): number => {
  const n = values.length
  for (let i = 0; i < n; i++) scratch[i] = values[i]!
  const position = p * (n - 1)
  const low = Math.floor(position)
  select(scratch, low, 0, n - 1)
  const a = scratch[low]!
  if (low + 1 >= n) return a
  // The next order statistic is the smallest value above position `low`.
  let b = Number.POSITIVE_INFINITY
  for (let i = low + 1; i < n; i++) if (scratch[i]! < b) b = scratch[i]!
  return a + (position - low) * (b - a)
}

const intervalOf = (values: Float64Array, level: number, scratch: Float64Array): Interval => ({
  lower: quantile(values, (1 - level) / 2, scratch),
  upper: quantile(values, (1 + level) / 2, scratch),
})

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Every customer's intervals, in the order of `customers`. */
export const compute = (
  model: CountModel.CountModel,
  fitted: CountModel.Fitted,
  spend: readonly { readonly currency: string; readonly fitted: GammaGamma.Fitted | null }[],
  customers: readonly Point[],
  options: Options & { readonly horizon: number; readonly ratePerUnit: number },
): { readonly summary: Summary; readonly customers: readonly (CustomerIntervals | undefined)[] } => {
  const { level, draws, seed } = options
  if (!(level > 0 && level < 1)) throw new RangeError(`interval level ${level} is not between 0 and 1`)
  if (!(Number.isInteger(draws) && draws >= 2)) throw new RangeError(`draws ${draws} is not a whole number >= 2`)
  const method = `${Math.round(level * 100)}% intervals: percentiles of ${draws} draws of the parameters from their asymptotic normal (seed ${seed})`
  const sampling = fitted.estimate.sampling
  if (sampling === null)
    return {
      summary: {
        level,
        draws,
        seed,
        method,
        unavailable: 'the observed information is singular: no sampling distribution',
      },
      customers: customers.map(() => undefined),
    }
  const random = seeded(seed)
  const sample = multivariateNormal(sampling.center, sampling.covariance)!
  const parameterDraws = Array.from({ length: draws }, () => sampling.toValues(sample(random)))
  // Spend draws per currency, independent of the purchase model's.
  const spendDraws = new Map<string, GammaGamma.Params[] | null>()
  for (const s of spend) {
    const sm = s.fitted?.estimate.sampling ?? null
    const sampleSpend = sm === null ? null : multivariateNormal(sm.center, sm.covariance)
    spendDraws.set(
      s.currency,
      sm === null || sampleSpend === null
        ? null
        : Array.from({ length: draws }, () => {
            const [p, q, gamma] = sm.toValues(sampleSpend(random))
            return { p: p!, q: q!, gamma: gamma! }
          }),
    )
  }

  // Per (x, t_x, T) pattern: P(alive) and expected purchases for every draw. Per (x, T): the
  // purchases of an alive customer, shared.
  const patterns = group(customers)
  const index = patterns.rowOf
  const distinct = patterns.rows
  const xTOf = new Map<string, number>()
  const xTs: { x: number; T: number }[] = []
  const xTIndex = distinct.map((c) => {
    const key = `${c.frequency}:${c.T}`
    let i = xTOf.get(key)
    if (i === undefined) {
      xTOf.set(key, (i = xTs.length))
      xTs.push({ x: c.frequency, T: c.T })
    }
    return i
  })
  const pAlive = distinct.map(() => new Float64Array(draws))
  const purchases = distinct.map(() => new Float64Array(draws))
  const ifAlive = new Float64Array(xTs.length)
  parameterDraws.forEach((values, d) => {
    xTs.forEach(({ x, T }, i) => (ifAlive[i] = model.purchasesIfAlive(values, options.horizon, x, T)))
    const alive = model.probabilityAliveAll(values, patterns)
    for (let i = 0; i < distinct.length; i++) {
      pAlive[i]![d] = alive[i]!
      purchases[i]![d] = alive[i]! * ifAlive[xTIndex[i]!]!
    }
  })
  const scratch = new Float64Array(draws)
  const pAliveIntervals = pAlive.map((v) => intervalOf(v, level, scratch))
  const purchaseIntervals = purchases.map((v) => intervalOf(v, level, scratch))

  const clv = new Float64Array(draws)
  const result = customers.map((c, k): CustomerIntervals => {
    const i = index[k]!
    const base = { pAlive: pAliveIntervals[i]!, expectedPurchases: purchaseIntervals[i]! }
    const spends = c.currency === null ? null : (spendDraws.get(c.currency) ?? null)
    if (c.clvCents === null || c.expectedAverageSpendCents === null || spends === null)
      return { ...base, clvCents: null }
    // The customer's discount factor at the estimate: CLV = factor × purchases × spend (1 undiscounted).
    const denominator = c.expectedPurchases * c.expectedAverageSpendCents
    const factor = denominator > 0 ? c.clvCents / denominator : 1
    const draw = purchases[i]!
    let finite = true
    for (let d = 0; d < draws; d++) {
      const { p, q, gamma } = spends[d]!
      const below = p * c.frequency + q - 1
      // A draw with q <= 1 leaves a one-time buyer an infinite spend: no interval then.
      if (!(below > 0)) finite = false
      clv[d] = factor * draw[d]! * ((p * (gamma + c.frequency * c.monetaryCents)) / below)
    }
    return { ...base, clvCents: finite ? intervalOf(clv, level, scratch) : null }
  })
  return { summary: { level, draws, seed, method, unavailable: null }, customers: result }
}
