/**
 * Checking a count model against what happened next: fit on a calibration period, then compare
 * its predictions with the holdout period that follows, as the literature does (Fader, Hardie
 * and Lee 2005): actual and predicted holdout purchases by calibration frequency (0, 1, ..., 7+),
 * the tracking of repeat purchases over time (weekly, or per calendar period) and their
 * cumulative sums, and the mean absolute error and bias per customer.
 *
 * The customers compared are those whose first purchase is in the calibration period; customers
 * who first bought in the holdout period are counted and left out. Purchases count per bucket
 * (UTC day, or calendar period), as in the RFM summary.
 */
import type * as CountModel from './CountModel.js'
import { group } from './Patterns.js'
import type * as PurchaseHistory from './PurchaseHistory.js'
import { bucketOf, bucketsInUnit, bucketStart, isDiscrete, summarize, type Summary, type Unit } from './Rfm.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Where the holdout period starts and ends. */
export interface Options {
  readonly unit: Unit
  /** The first instant of the holdout period (the start of a day, or of a calendar period). */
  readonly from: number
  /** The end of the holdout period, exclusive; default: just after the latest purchase. */
  readonly to?: number
}

/** A purchase history split into a calibration and a holdout period. */
export interface Split {
  readonly unit: Unit
  readonly from: number
  /** The holdout's end, exclusive. */
  readonly to: number
  /** The RFM summary of the calibration period (purchases and refunds before `from`). */
  readonly calibration: Summary
  /** Per calibration customer, in the summary's order: purchase buckets in the holdout period. */
  readonly actual: readonly number[]
  /** The holdout's length in units: from the calibration's end bucket to the holdout's. */
  readonly length: number
  /** Customers whose first purchase is in the holdout period (not compared). */
  readonly newInHoldout: number
  /** Calibration customers by first bucket. */
  readonly births: ReadonlyMap<number, number>
  /** Repeat purchase buckets of the calibration customers, calibration and holdout, by bucket. */
  readonly repeats: ReadonlyMap<number, number>
  /** The first bucket of the earliest calibration customer, and the holdout's last bucket. */
  readonly firstBucket: number
  readonly lastBucket: number
}

/** Actual and predicted holdout purchases of the customers with one calibration frequency. */
export interface FrequencyRow {
  /** `0` .. `6`, then `7+`. */
  readonly frequency: string
  readonly customers: number
  /** Mean holdout purchases per customer. */
  readonly actual: number
  readonly predicted: number
}

/** Repeat purchases in one tracking period (a week, or a calendar period), all calibration customers. */
export interface TrackingRow {
  /** First instant of the period (UTC ms). */
  readonly start: number
  readonly actual: number
  readonly predicted: number
  readonly cumulativeActual: number
  readonly cumulativePredicted: number
  /** True when the period is in the holdout. */
  readonly holdout: boolean
}

/** How a fitted model did over the holdout. */
export interface Evaluation {
  /** Calibration customers compared. */
  readonly customers: number
  readonly length: number
  readonly unit: Unit
  readonly actualPurchases: number
  readonly predictedPurchases: number
  /** Mean of |predicted - actual| holdout purchases per customer. */
  readonly meanAbsoluteError: number
  /** Mean of (predicted - actual): positive when the model predicts too many. */
  readonly bias: number
  readonly byFrequency: readonly FrequencyRow[]
  /** Days and weeks track by week (aligned on the holdout's start); calendar units by period. */
  readonly tracking: readonly TrackingRow[]
  /** Per calibration customer, in the summary's order: the predicted holdout purchases. */
  readonly predicted: readonly number[]
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Splits a purchase history at `from`. */
export const split = (history: PurchaseHistory.History, options: Options): Split => {
  const { unit, from } = options
  const fromBucket = bucketOf(from, unit)
  if (bucketStart(fromBucket, unit) !== from)
    throw new RangeError(`the holdout must start at the beginning of a ${isDiscrete(unit) ? unit : 'UTC day'}`)
  const last = history.lastPurchase
  const to = options.to ?? (last === null ? from : last + 1)
  if (!(to > from)) throw new RangeError('the holdout period is empty: its end must be after its start')
  const calibration = summarize(history, { unit, to: from })
  const lastBucket = bucketOf(to - 1, unit)
  const births = new Map<number, number>()
  const repeats = new Map<number, number>()
  const inCalibration = new Set(calibration.customers.map((c) => c.customerId))
  let newInHoldout = 0
  let firstBucket = Number.POSITIVE_INFINITY
  const holdoutCounts = new Map<string, number>()
  for (const [customerId, orders] of history.customers) {
    if (!inCalibration.has(customerId)) {
      if (orders.some((o) => o.at >= from && o.at < to)) newInHoldout++
      continue
    }
    let first: number | null = null
    let previous: number | null = null
    let inHoldout = 0
    for (const order of orders) {
      if (order.at >= to) continue
      const bucket = bucketOf(order.at, unit)
      if (first === null) {
        first = bucket
        previous = bucket
        births.set(bucket, (births.get(bucket) ?? 0) + 1)
        firstBucket = Math.min(firstBucket, bucket)
        continue
      }
      if (bucket === previous) continue
      previous = bucket
      repeats.set(bucket, (repeats.get(bucket) ?? 0) + 1)
      if (order.at >= from) inHoldout++
    }
    holdoutCounts.set(customerId, inHoldout)
  }
  const calibrationEnd = bucketOf(from - 1, unit)
  return {
    unit,
    from,
    to,
    calibration,
    actual: calibration.customers.map((c) => holdoutCounts.get(c.customerId) ?? 0),
    length: bucketsInUnit(lastBucket - calibrationEnd, unit),
    newInHoldout,
    births,
    repeats,
    firstBucket: Number.isFinite(firstBucket) ? firstBucket : fromBucket,
    lastBucket,
  }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Compares a count model, with the parameters fitted on the split's calibration summary, with its holdout. */
export const evaluate = (model: CountModel.CountModel, values: readonly number[], data: Split): Evaluation => {
  const { calibration, actual, length, unit } = data
  // Customers with the same pattern have the same prediction.
  const patterns = group(calibration.customers)
  const alive = model.probabilityAliveAll(values, patterns)
  const ifAlive = new Map<string, number>()
  const byRow = patterns.rows.map((row, i) => {
    const key = `${row.frequency}:${row.T}`
    let e = ifAlive.get(key)
    if (e === undefined) ifAlive.set(key, (e = model.purchasesIfAlive(values, length, row.frequency, row.T)))
    return alive[i]! * e
  })
  const predicted = calibration.customers.map((_, i) => byRow[patterns.rowOf[i]!]!)
  const n = calibration.customers.length
  let actualPurchases = 0
  let predictedPurchases = 0
  let absolute = 0
  const rows = Array.from({ length: 8 }, () => ({ customers: 0, actual: 0, predicted: 0 }))
  calibration.customers.forEach((c, i) => {
    const a = actual[i]!
    const p = predicted[i]!
    actualPurchases += a
    predictedPurchases += p
    absolute += Math.abs(p - a)
    const row = rows[Math.min(7, c.frequency)]!
    row.customers++
    row.actual += a
    row.predicted += p
  })
  return {
    customers: n,
    length,
    unit,
    actualPurchases,
    predictedPurchases,
    meanAbsoluteError: n === 0 ? 0 : absolute / n,
    bias: n === 0 ? 0 : (predictedPurchases - actualPurchases) / n,
    byFrequency: rows.map((row, x) => ({
      frequency: x === 7 ? '7+' : String(x),
      customers: row.customers,
      actual: row.customers === 0 ? 0 : row.actual / row.customers,
      predicted: row.customers === 0 ? 0 : row.predicted / row.customers,
    })),
    tracking: track(model, values, data),
    predicted,
  }
}

/**
 * Repeat purchases per tracking period, actual and predicted: a customer whose first purchase is
 * in bucket b is expected to make E(t) repeat purchases in its first t units (the model's
 * unconditional expectation), so through bucket D it has made E(D - b).
 */
const track = (model: CountModel.CountModel, values: readonly number[], data: Split): TrackingRow[] => {
  const { unit, firstBucket, lastBucket, births, repeats } = data
  const width = isDiscrete(unit) ? 1 : 7
  // Periods are aligned on the holdout's start, so that none straddles it.
  const holdoutStart = bucketOf(data.from, unit)
  const origin = holdoutStart - Math.ceil((holdoutStart - firstBucket) / width) * width
  const steps = Math.ceil((lastBucket - origin + 1) / width)
  const throughBucket = (k: number) => Math.min(lastBucket, origin + (k + 1) * width - 1)
  const expectedThrough = (d: number) => {
    let sum = 0
    for (const [b, count] of births)
      if (d > b) sum += count * model.expectedPurchasesNew(values, bucketsInUnit(d - b, unit))
    return sum
  }
  const rows: TrackingRow[] = []
  let before = 0
  let cumulativeActual = 0
  for (let k = 0; k < steps; k++) {
    const start = origin + k * width
    const end = throughBucket(k)
    let actual = 0
    for (let b = start; b <= end; b++) actual += repeats.get(b) ?? 0
    const through = expectedThrough(end)
    cumulativeActual += actual
    rows.push({
      start: bucketStart(start, unit),
      actual,
      predicted: through - before,
      cumulativeActual,
      cumulativePredicted: through,
      holdout: start >= holdoutStart,
    })
    before = through
  }
  return rows
}
