/**
 * Predictive customer lifetime value: a count model (BG/NBD, MBG/NBD, Pareto/NBD or BG/BB) for
 * how many purchases, fitted on every customer whatever the currency (buying is one process);
 * Gamma-Gamma for how much each, fitted per currency; discounted over a horizon. The analysis
 * says how many customers each part used and why any were left out, and gives each customer's
 * P(alive), expected purchases and CLV, with intervals when asked. Every duration carries its
 * unit, so weekly data is never read with a daily horizon by accident.
 */
import * as BgBb from './BgBb.js'
import * as BgNbd from './BgNbd.js'
import * as CountModel from './CountModel.js'
import * as GammaGamma from './GammaGamma.js'
import * as Intervals from './Intervals.js'
import * as MbgNbd from './MbgNbd.js'
import * as ParetoNbd from './ParetoNbd.js'
import { group } from './Patterns.js'
import { DAYS, isDiscrete, type CustomerRfm, type Summary, type Unit } from './Rfm.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A length of time with its unit. */
export interface Duration {
  readonly n: number
  readonly unit: Unit
}

/** The spend model's options. */
export interface SpendOptions {
  /** Value the customers of this currency only (the purchase model still counts everyone). */
  readonly currency?: string
  readonly penalizer?: number
  readonly qAboveOne?: boolean
}

/** Options of a CLV analysis. */
export interface Options {
  readonly model: CountModel.Name
  /** How far ahead to predict purchases and value. */
  readonly horizon: Duration
  /** Discount rate per period of `discountPeriod` (default: per unit of the summary). */
  readonly discountRate: number
  readonly discountPeriod?: Unit
  /** lifetimes' `penalizer_coef` for the count model. */
  readonly penalizer?: number
  readonly spend?: SpendOptions
  /** Intervals on each customer's P(alive), expected purchases and CLV; none when absent. */
  readonly intervals?: Intervals.Options
  /** The count model already fitted to this summary (by `ModelChoice`): used instead of fitting again. */
  readonly fitted?: CountModel.Fitted
}

/** The spend model of one currency. */
export interface Spend {
  readonly currency: string
  /** Null when it could not be fitted: see `note`. */
  readonly fitted: GammaGamma.Fitted | null
  /** Customers who paid in this currency only. */
  readonly customers: number
  /** Of them, repeat buyers with a positive mean spend: the ones the model is fitted on. */
  readonly repeatBuyers: number
  readonly note: string | null
}

/** Customers a part of the analysis left out, and why. */
export interface Exclusion {
  readonly customers: number
  readonly reason: string
}

/** One customer's predictions. */
export interface CustomerClv extends CustomerRfm {
  /** P(alive) now (BG/BB: at the next opportunity). */
  readonly pAlive: number
  /** Expected purchases over the horizon. */
  readonly expectedPurchases: number
  /** Null without a spend estimate (see the analysis' exclusions). */
  readonly expectedAverageSpendCents: number | null
  /** Discounted value of the expected purchases over the horizon, in minor units of `currency`. */
  readonly clvCents: number | null
  /** Present when intervals were asked for. */
  readonly intervals?: Intervals.CustomerIntervals
}

/** The fitted models and every customer's predictions. */
export interface Analysis {
  readonly unit: Unit
  readonly horizon: Duration
  readonly discountRate: number
  readonly discountPeriod: Unit
  readonly model: CountModel.Fitted
  /** One per currency valued, by number of customers. */
  readonly spend: readonly Spend[]
  /** Customers without a CLV, by reason (they all count in the purchase model). */
  readonly excluded: readonly Exclusion[]
  readonly intervals: Intervals.Summary | null
  readonly customers: readonly CustomerClv[]
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/** The count models by name. */
export const MODELS: { readonly [N in CountModel.Name]: CountModel.CountModel } = {
  bgnbd: BgNbd.model,
  mbgnbd: MbgNbd.model,
  paretonbd: ParetoNbd.model,
  bgbb: BgBb.model,
}

/** Fewer repeat buyers than this in a currency, and its spend model is not fitted. */
export const MIN_SPEND_CUSTOMERS = 5

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** A duration expressed in another unit: a week is 7 days; calendar periods convert only to themselves. */
export const inUnit = (d: Duration, unit: Unit): number => {
  if (d.unit === unit) return d.n
  if (isDiscrete(d.unit) || isDiscrete(unit))
    throw new RangeError(`a duration in ${d.unit}s cannot be expressed in ${unit}s: give it in ${unit}s`)
  return (d.n * DAYS[d.unit as 'day' | 'week']) / DAYS[unit as 'day' | 'week']
}

/** The discount rate per unit of the summary, from a rate per `period`. */
export const ratePerUnit = (rate: number, period: Unit, unit: Unit): number =>
  Math.pow(1 + rate, inUnit({ n: 1, unit }, period)) - 1

/**
 * The expected purchases over the horizon of a customer alive now, undiscounted and discounted:
 * period k of the unit (k = 1 .. ceil(horizon)) brings E(min(k, horizon)) - E(k - 1) purchases,
 * discounted by (1 + rate)^k.
 */
export const horizonPurchases = (
  purchasesUpTo: (t: number) => number,
  horizon: number,
  ratePerUnitPeriod: number,
): { readonly expected: number; readonly discounted: number } => {
  if (ratePerUnitPeriod === 0) {
    const expected = purchasesUpTo(horizon)
    return { expected, discounted: expected }
  }
  let discounted = 0
  let before = 0
  for (let k = 1; k < horizon + 1; k++) {
    const upTo = purchasesUpTo(Math.min(k, horizon))
    discounted += (upTo - before) / Math.pow(1 + ratePerUnitPeriod, k)
    before = upTo
  }
  return { expected: before, discounted }
}

/** The spend models, per currency, and the customers left without a spend estimate. */
const fitSpend = (
  customers: readonly CustomerRfm[],
  options: SpendOptions,
): { spend: Spend[]; excluded: Exclusion[] } => {
  const byCurrency = new Map<string, CustomerRfm[]>()
  let mixed = 0
  for (const c of customers) {
    if (c.currency === null) mixed++
    else {
      const list = byCurrency.get(c.currency)
      if (list === undefined) byCurrency.set(c.currency, [c])
      else list.push(c)
    }
  }
  const excluded: Exclusion[] = []
  if (mixed > 0) excluded.push({ customers: mixed, reason: 'paid in several currencies (CLV is per currency)' })
  if (options.currency !== undefined && !byCurrency.has(options.currency))
    throw new RangeError(`no customer paid in ${options.currency} only`)
  const spend: Spend[] = []
  for (const [currency, list] of [...byCurrency].sort((a, b) => b[1].length - a[1].length)) {
    if (options.currency !== undefined && currency !== options.currency) {
      excluded.push({ customers: list.length, reason: `paid in ${currency} (only ${options.currency} was asked for)` })
      continue
    }
    const buyers = list.filter(GammaGamma.eligible).length
    if (buyers < MIN_SPEND_CUSTOMERS) {
      const note = `${buyers} repeat buyer${buyers === 1 ? '' : 's'} in ${currency}: too few to fit the spend model (at least ${MIN_SPEND_CUSTOMERS})`
      spend.push({ currency, fitted: null, customers: list.length, repeatBuyers: buyers, note })
      excluded.push({ customers: list.length, reason: note })
      continue
    }
    const fitted = GammaGamma.fit(list, {
      currency,
      ...(options.penalizer === undefined ? {} : { penalizer: options.penalizer }),
      ...(options.qAboveOne === undefined ? {} : { qAboveOne: options.qAboveOne }),
    })
    const refunded = list.filter((c) => c.frequency > 0 && c.monetaryCents <= 0).length
    const notes = [
      ...(fitted.infiniteMean
        ? [`q = ${fitted.params.q.toFixed(3)} <= 1: the mean spend of a customer without repeat purchases is infinite`]
        : []),
      ...(refunded > 0
        ? [
            `${refunded} repeat buyer${refunded === 1 ? '' : 's'} whose repeat purchases were refunded in full: valued, not in the fit`,
          ]
        : []),
    ]
    spend.push({
      currency,
      fitted,
      customers: list.length,
      repeatBuyers: buyers,
      note: notes.length === 0 ? null : notes.join('; '),
    })
    if (fitted.infiniteMean) {
      const infinite = list.filter((c) => GammaGamma.expectedAverageSpend(fitted.params, c) === null).length
      if (infinite > 0)
        excluded.push({
          customers: infinite,
          reason: `paid in ${currency}, where q <= 1 leaves them an infinite expected spend (use qAboveOne)`,
        })
    }
  }
  return { spend, excluded }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Fits the models to the summary and predicts each customer. CLV sums, period by period of the
 * summary's unit up to the horizon, the expected purchases of the period times the expected
 * spend, discounted by (1 + rate)^k with the rate converted to the summary's unit.
 */
export const analyze = (summary: Summary, options: Options): Analysis => {
  const unit = summary.unit
  const countModel = MODELS[options.model]
  if (countModel.discrete && !isDiscrete(unit))
    throw new RangeError(`${countModel.label} needs a calendar unit (month, quarter or year), not ${unit}s`)
  const model =
    options.fitted ??
    CountModel.fit(countModel, summary.customers, unit, {
      ...(options.penalizer === undefined ? {} : { penalizer: options.penalizer }),
    })
  if (model.name !== options.model) throw new RangeError(`the fitted model is ${model.label}, not ${countModel.label}`)
  const { spend, excluded } = fitSpend(summary.customers, options.spend ?? {})
  const spendOf = new Map(spend.map((s) => [s.currency, s.fitted]))
  const horizon = inUnit(options.horizon, unit)
  const discountPeriod = options.discountPeriod ?? unit
  const rate = ratePerUnit(options.discountRate, discountPeriod, unit)
  // Customers with the same pattern share P(alive); with the same (x, T), the purchases of an
  // alive customer.
  const patterns = group(summary.customers)
  const alive = countModel.probabilityAliveAll(model.values, patterns)
  const shared = new Map<string, { expected: number; discounted: number }>()
  const customers = summary.customers.map((c, i): CustomerClv => {
    const key = `${c.frequency}:${c.T}`
    let ifAlive = shared.get(key)
    if (ifAlive === undefined) {
      ifAlive = horizonPurchases((t) => countModel.purchasesIfAlive(model.values, t, c.frequency, c.T), horizon, rate)
      shared.set(key, ifAlive)
    }
    const pAlive = alive[patterns.rowOf[i]!]!
    const gg = c.currency === null ? undefined : spendOf.get(c.currency)
    const spendCents = gg === undefined || gg === null ? null : GammaGamma.expectedAverageSpend(gg.params, c)
    return {
      ...c,
      pAlive,
      expectedPurchases: pAlive * ifAlive.expected,
      expectedAverageSpendCents: spendCents,
      clvCents: spendCents === null ? null : pAlive * ifAlive.discounted * spendCents,
    }
  })
  const intervals =
    options.intervals === undefined
      ? null
      : Intervals.compute(countModel, model, spend, customers, {
          ...options.intervals,
          horizon,
          ratePerUnit: rate,
        })
  return {
    unit,
    horizon: options.horizon,
    discountRate: options.discountRate,
    discountPeriod,
    model,
    spend,
    excluded,
    intervals: intervals?.summary ?? null,
    customers:
      intervals === null
        ? customers
        : customers.map((c, i) => {
            const own = intervals.customers[i]
            return own === undefined ? c : { ...c, intervals: own }
          }),
  }
}

/**
 * The distribution of P(alive): the share of customers in each of `bins` equal-width bins of
 * [0, 1] (the last bin includes 1).
 */
export const pAliveDistribution = (
  customers: readonly Pick<CustomerClv, 'pAlive'>[],
  bins = 10,
): readonly { readonly from: number; readonly to: number; readonly customers: number; readonly share: number }[] => {
  const counts = new Array<number>(bins).fill(0)
  for (const c of customers) counts[Math.min(bins - 1, Math.floor(c.pAlive * bins))]!++
  return counts.map((n, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    customers: n,
    share: customers.length === 0 ? 0 : n / customers.length,
  }))
}
