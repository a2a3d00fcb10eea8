/**
 * The Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"): a customer's
 * transaction values are gamma(p, nu) with nu gamma(q, gamma) across customers. Fitted on
 * customers with at least one repeat purchase, from their repeat count and mean repeat spend,
 * one currency at a time. The population's mean spend p gamma / (q - 1) is finite only when
 * q > 1: the option `qAboveOne` keeps it so.
 */
import { logGammaRatio } from './LogGammaRatio.js'
import * as Mle from './Mle.js'
import { gammaln } from './Special.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The fitted parameters; `gamma` is in the same money unit as the spends (minor units). */
export interface Params {
  readonly p: number
  readonly q: number
  readonly gamma: number
}

/** One repeat buyer: repeat purchases and their mean spend. */
export interface Spend {
  readonly frequency: number
  readonly monetaryCents: number
}

/** Options of a fit. */
export interface Options {
  /** lifetimes' `penalizer_coef`; gamma is penalized in major units (minor units / 100). */
  readonly penalizer?: number
  /** Keep q above 1 (lifetimes' `q_constraint`), so that every expected spend is finite and positive. */
  readonly qAboveOne?: boolean
  /** The spends' currency, for the diagnostics' wording. */
  readonly currency?: string
}

/** A fitted spend model. */
export interface Fitted {
  readonly params: Params
  readonly estimate: Mle.Estimate
  /** Customers it was fitted on. */
  readonly customers: number
  readonly qAboveOne: boolean
  /** True when q <= 1: the population's mean spend, and one-time buyers' expected spend, are infinite. */
  readonly infiniteMean: boolean
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** lnΓ(a + b) - lnΓ(a) - lnΓ(b), exact when either is huge. */
const logBetaInverse = (a: number, b: number): number =>
  a >= b ? logGammaRatio(a, b) - gammaln(b) : logGammaRatio(b, a) - gammaln(a)

/**
 * One customer's log-likelihood, lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln m + px ln x
 * - (px+q) ln(xm+γ), written as lnΓ(px+q) - lnΓ(px) - lnΓ(q) - q log1p(xm/γ) - ln m
 * - px log1p(γ/(xm)), so that it stays exact when q and γ, or p, run off.
 */
export const customerLogLikelihood = ({ p, q, gamma }: Params, { frequency: x, monetaryCents: m }: Spend): number => {
  const px = p * x
  return logBetaInverse(px, q) - q * Math.log1p((x * m) / gamma) - Math.log(m) - px * Math.log1p(gamma / (x * m))
}

/** The customers the model can be fitted on: a repeat purchase and a positive mean spend. */
export const eligible = (c: Spend): boolean => c.frequency > 0 && c.monetaryCents > 0

/** Fits the model on the eligible customers (see `eligible`). */
export const fit = (data: readonly Spend[], options: Options = {}): Fitted => {
  const buyers = data.filter(eligible)
  if (buyers.length === 0) throw new RangeError('Gamma-Gamma: no repeat buyer with a positive spend, nothing to fit')
  // The terms that depend on x only are computed once per distinct x per evaluation.
  const xs = [...new Set(buyers.map((c) => c.frequency))]
  const index = new Map(xs.map((x, i) => [x, i]))
  const rows = buyers.map((c) => ({
    i: index.get(c.frequency)!,
    x: c.frequency,
    xm: c.frequency * c.monetaryCents,
    lnM: Math.log(c.monetaryCents),
  }))
  const logLikelihood = ([p, q, gamma]: readonly number[]): number => {
    const byX = xs.map((x) => logBetaInverse(p! * x, q!))
    let sum = 0
    for (const row of rows) {
      sum += byX[row.i]! - q! * Math.log1p(row.xm / gamma!) - row.lnM - p! * row.x * Math.log1p(gamma! / row.xm)
    }
    return sum
  }
  const mean = buyers.reduce((s, c) => s + c.monetaryCents, 0) / buyers.length
  const unitName = options.currency === undefined ? ' (in major units)' : ` ${options.currency}`
  const qAboveOne = options.qAboveOne ?? false
  const estimate = Mle.fit(
    {
      parameters: [
        { name: 'p' },
        { name: 'q', ...(qAboveOne ? { aboveOne: true } : {}) },
        { name: 'gamma', scale: mean, penaltyUnit: 100 },
      ],
      logLikelihood,
      customers: buyers.length,
      ...(options.penalizer === undefined ? {} : { penalizer: options.penalizer }),
      pairs: [
        {
          kind: 'gamma',
          members: [1, 2],
          limit: 'nu',
          describe: (nu, [p]) =>
            `customers' mean spends do not differ beyond their purchase-to-purchase variation: every customer's expected spend per purchase is ${(p! / nu / 100).toFixed(2)}${unitName}`,
        },
        {
          kind: 'product',
          members: [0, 2],
          limit: 'p_gamma',
          describe: () =>
            `each customer's purchases are all of the same amount: no variation around its own mean spend`,
        },
      ],
    },
    [1, 2, mean],
  )
  const [p, q, gamma] = estimate.values as [number, number, number]
  return { params: { p, q, gamma }, estimate, customers: buyers.length, qAboveOne, infiniteMean: !(q > 1) }
}

/**
 * Expected mean spend per purchase of a customer, given its history: p (γ + x m) / (p x + q - 1),
 * the population mean p γ / (q - 1) for one-time buyers; null where it is not finite and positive
 * (q <= 1 and few purchases).
 */
export const expectedAverageSpend = (
  { p, q, gamma }: Params,
  { frequency: x, monetaryCents: m }: Spend,
): number | null => {
  const denominator = p * x + q - 1
  if (!(denominator > 0)) return null
  const spend = (p * (gamma + x * m)) / denominator
  return Number.isFinite(spend) ? spend : null
}
