/**
 * The RFM summary that lifetimes' `summary_data_from_transaction_data` builds (METRICS.md):
 * purchases before `to` are bucketed by UTC day, same-day amounts summed and counted once;
 * `frequency` = days with a purchase - 1; `recency` = last day - first day; `T` = end day - first
 * day, the end day being the one holding the last instant before `to`; `monetary` = the mean of
 * the day sums after the first day (0 for one-time buyers). Recency and T are then given in the
 * unit, days or weeks of 7 days. An order's amount is net of its refunds before `to`.
 *
 * For discrete-time models (BG/BB) the unit can also be a calendar month, quarter or year (UTC):
 * purchases are then bucketed by that period, and recency and T count whole periods.
 *
 * Every customer who bought counts in the purchase model, whatever the currency; the mean spend
 * is in the customer's currency, and a customer who paid in several currencies has none (the
 * spend model is per currency).
 */
import { Timestamp } from '@lifeline/core'
import * as Fold from '../Fold.js'
import * as PurchaseHistory from './PurchaseHistory.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A time unit of the models: days or weeks of 7 days (continuous), or calendar periods (discrete). */
export type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year'

/** The units whose buckets are UTC days. */
export type ContinuousUnit = 'day' | 'week'

/** Days in a continuous unit. */
export const DAYS: { readonly [U in ContinuousUnit]: number } = { day: 1, week: 7 }

/** Every unit, in order. */
export const UNITS: readonly Unit[] = ['day', 'week', 'month', 'quarter', 'year']

/** One customer's summary. */
export interface CustomerRfm {
  readonly customerId: string
  /** Repeat purchase buckets. */
  readonly frequency: number
  /** From the first to the last purchase bucket, in units. */
  readonly recency: number
  /** From the first purchase bucket to the end bucket, in units. */
  readonly T: number
  /** Mean net spend of the repeat buckets, in minor units of `currency`; 0 for one-time buyers and when `currency` is null. */
  readonly monetaryCents: number
  /** The currency of all the customer's purchases before `to`; null when it paid in several. */
  readonly currency: string | null
}

/** The summary of a log. */
export interface Summary {
  readonly unit: Unit
  /** The end bucket's first instant (UTC ms), or null without purchases. */
  readonly end: number | null
  readonly customers: readonly CustomerRfm[]
}

/** Options of the summary. */
export interface Options {
  /** Purchases (and refunds) before this instant only; default: all. */
  readonly to?: number
  readonly unit: Unit
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** True for the calendar units (month, quarter, year), which count whole periods. */
export const isDiscrete = (unit: Unit): boolean => unit === 'month' || unit === 'quarter' || unit === 'year'

const MONTHS: { readonly [U in Unit]: number } = { day: 0, week: 0, month: 1, quarter: 3, year: 12 }

/** The bucket of an instant: its UTC day number, or its calendar period's number since 1970. */
export const bucketOf = (ms: number, unit: Unit): number => {
  if (!isDiscrete(unit)) return Math.floor(ms / Timestamp.MS_PER_DAY)
  const d = new Date(ms)
  return Math.floor(((d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth()) / MONTHS[unit])
}

/** The first instant of a bucket. */
export const bucketStart = (bucket: number, unit: Unit): number => {
  if (!isDiscrete(unit)) return bucket * Timestamp.MS_PER_DAY
  const months = bucket * MONTHS[unit]
  return Date.UTC(1970 + Math.floor(months / 12), ((months % 12) + 12) % 12, 1)
}

/** A number of buckets in units (days to weeks divide by 7; calendar periods are whole). */
export const bucketsInUnit = (buckets: number, unit: Unit): number => (unit === 'week' ? buckets / DAYS.week : buckets)

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** The summary of a purchase history, as of `to`. */
export const summarize = (history: PurchaseHistory.History, options: Options): Summary => {
  const { unit } = options
  const to = options.to ?? Number.POSITIVE_INFINITY
  let last: number | null = null
  const customers: CustomerRfm[] = []
  for (const [customerId, orders] of history.customers) {
    let first: number | null = null
    let lastBucket = 0
    let buckets = 0
    let currency: string | null = null
    let mixed = false
    let repeatCents = 0
    for (const order of orders) {
      if (order.at >= to) continue
      if (last === null || order.at > last) last = order.at
      const bucket = bucketOf(order.at, unit)
      if (first === null) {
        first = bucket
        lastBucket = bucket
        buckets = 1
        currency = order.currency
      } else if (bucket !== lastBucket) {
        buckets++
        lastBucket = bucket
      }
      if (order.currency !== currency) mixed = true
      if (bucket !== first) repeatCents += PurchaseHistory.netCents(order, to)
    }
    if (first === null) continue
    customers.push({
      customerId,
      frequency: buckets - 1,
      recency: bucketsInUnit(lastBucket - first, unit),
      T: first, // the end bucket is known once every customer is read: fixed below
      monetaryCents: buckets > 1 && !mixed ? repeatCents / (buckets - 1) : 0,
      currency: mixed ? null : currency,
    })
  }
  if (last === null) return { unit, end: null, customers: [] }
  const endBucket = bucketOf(options.to === undefined ? last : to - 1, unit)
  return {
    unit,
    end: bucketStart(endBucket, unit),
    customers: customers.map((c) => ({ ...c, T: bucketsInUnit(endBucket - c.T, unit) })),
  }
}

/** The RFM summary as a fold over the log. */
export const fold = (options: Options): Fold.Fold<PurchaseHistory.State, Summary> =>
  Fold.map((history: PurchaseHistory.History) => summarize(history, options))(PurchaseHistory.fold)
