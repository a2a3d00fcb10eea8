/**
 * Predictive customer lifetime value: a purchase model (BG/NBD or Pareto/NBD) for how many
 * purchases, Gamma-Gamma for how much each, discounted over a horizon. Every duration carries its
 * unit, so weekly data is never read with a daily horizon by accident.
 */
import * as BgNbd from './BgNbd.js'
import * as GammaGamma from './GammaGamma.js'
import * as ParetoNbd from './ParetoNbd.js'
import { DAYS, type CustomerRfm, type Summary, type Unit } from './Rfm.js'

/** A length of time with its unit. */
export interface Duration {
  readonly n: number
  readonly unit: Unit
}

/** A duration expressed in another unit (a week is 7 days). */
export const inUnit = (d: Duration, unit: Unit): number => (d.n * DAYS[d.unit]) / DAYS[unit]

/** Options of a CLV analysis. */
export interface Options {
  readonly model: 'bgnbd' | 'paretonbd'
  /** How far ahead to predict purchases and value. */
  readonly horizon: Duration
  /** Discount rate per period of `discountPeriod` (default: per unit of the summary). */
  readonly discountRate: number
  readonly discountPeriod?: Unit
}

/** One customer's predictions. */
export interface CustomerClv extends CustomerRfm {
  readonly pAlive: number
  /** Expected purchases over the horizon. */
  readonly expectedPurchases: number
  readonly expectedAverageSpendCents: number
  /** Discounted value of the expected purchases over the horizon, in minor units. */
  readonly clvCents: number
}

/** The fitted models and every customer's predictions. */
export interface Analysis {
  readonly unit: Unit
  readonly currency: string | null
  readonly horizon: Duration
  readonly discountRate: number
  readonly model: BgNbd.Fitted | ParetoNbd.Fitted
  readonly spend: GammaGamma.Fitted
  readonly customers: readonly CustomerClv[]
}

/** The purchase model's predictions for one customer. */
const predictor = (model: BgNbd.Fitted | ParetoNbd.Fitted) =>
  model.name === 'bgnbd'
    ? {
        alive: (c: CustomerRfm) => BgNbd.probabilityAlive(model.params, c),
        purchases: (t: number, c: CustomerRfm) => BgNbd.expectedPurchases(model.params, t, c),
      }
    : {
        alive: (c: CustomerRfm) => ParetoNbd.probabilityAlive(model.params, c),
        purchases: (t: number, c: CustomerRfm) => ParetoNbd.expectedPurchases(model.params, t, c),
      }

/**
 * Fits the models to the summary and predicts each customer. CLV sums, period by period of the
 * summary's unit up to the horizon, the expected purchases of the period times the expected
 * spend, discounted by (1 + rate)^k with the rate converted to the summary's unit.
 */
export const analyze = (summary: Summary, options: Options): Analysis => {
  const unit = summary.unit
  const model = options.model === 'bgnbd' ? BgNbd.fit(summary.customers, unit) : ParetoNbd.fit(summary.customers, unit)
  const spend = GammaGamma.fit(summary.customers)
  const horizon = inUnit(options.horizon, unit)
  const periods = Math.ceil(horizon)
  // A rate per discount period, as a rate per unit of the summary.
  const perUnit = Math.pow(1 + options.discountRate, DAYS[unit] / DAYS[options.discountPeriod ?? unit]) - 1
  const predict = predictor(model)
  const customers = summary.customers.map((c): CustomerClv => {
    const expectedAverageSpendCents = GammaGamma.expectedAverageSpend(spend.params, c)
    let clv = 0
    let before = 0
    for (let k = 1; k <= periods; k++) {
      const upTo = Math.min(k, horizon)
      const cumulative = predict.purchases(upTo, c)
      clv += ((cumulative - before) * expectedAverageSpendCents) / Math.pow(1 + perUnit, k)
      before = cumulative
    }
    return { ...c, pAlive: predict.alive(c), expectedPurchases: before, expectedAverageSpendCents, clvCents: clv }
  })
  return {
    unit,
    currency: summary.currency,
    horizon: options.horizon,
    discountRate: options.discountRate,
    model,
    spend,
    customers,
  }
}
