/**
 * Calendar months in UTC as integers (months since 1970-01), with a cache so that consecutive
 * events of one month cost no date arithmetic.
 *
 * The arithmetic is the proleptic Gregorian calendar of `Date` (H. Hinnant's `civil_from_days`
 * and `days_from_civil`) on whole numbers, without a `Date` object: the report asks for the
 * month of an instant and the start of a month for every lead, buyer and churn, and the `Date`
 * methods cost several times more. The results equal `Date`'s over its whole range (a unit test
 * compares them), and are NaN where `Date` is invalid.
 */
import { Timestamp } from '@lifeline/core'

const { MS_PER_DAY } = Timestamp

/** A calendar month: `year * 12 + monthIndex` (0-based month), UTC. */
export type Month = number

/** The largest |instant| `Date` holds: 100,000,000 days either side of 1970. */
const MAX_INSTANT = 8.64e15
/** Days in 400 years of the Gregorian calendar. */
const DAYS_PER_ERA = 146_097
/** Days from 0000-03-01 to 1970-01-01: eras start in March, so that leap days end them. */
const EPOCH_SHIFT = 719_468

// The cache: the bounds of the month of the last instant asked, and of the one before it (a scan
// of customers asks for two months in turn, the month of the opt-in and of the first purchase).
let cacheStart = 0
let cacheEnd = -1
let cacheMonth = 0
let otherStart = 0
let otherEnd = -1
let otherMonth = 0

/** The month holding the day `days` (days since 1970-01-01), from `civil_from_days`. */
const monthOfDay = (days: number): Month => {
  const z = days + EPOCH_SHIFT
  const era = Math.floor(z / DAYS_PER_ERA)
  const doe = z - era * DAYS_PER_ERA // day of the era, 0..146096
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)) // day of the year from March 1st
  const mp = Math.floor((5 * doy + 2) / 153) // month from March, 0..11
  // March..December are months 2..11 of the year `yoe`; January and February, 0 and 1 of the next.
  return (era * 400 + yoe) * 12 + (mp < 10 ? mp + 2 : mp - 10 + 12)
}

/** The month holding the instant `ms`. */
export const of = (ms: number): Month => {
  if (ms >= cacheStart && ms < cacheEnd) return cacheMonth
  let month: Month
  let monthStart: number
  let monthEnd: number
  if (ms >= otherStart && ms < otherEnd) {
    month = otherMonth
    monthStart = otherStart
    monthEnd = otherEnd
  } else {
    month = ofUncached(ms)
    if (Number.isNaN(month)) return month
    monthStart = startOf(month)
    monthEnd = startOf(month + 1)
  }
  otherStart = cacheStart
  otherEnd = cacheEnd
  otherMonth = cacheMonth
  cacheStart = monthStart
  cacheEnd = monthEnd
  cacheMonth = month
  return month
}

/**
 * The month holding the instant `ms`, leaving the cache of `of` alone: for an instant far from
 * the ones being folded (a customer's first purchase, read at each of its later ones), which
 * would only push the month of the events out of the cache.
 */
export const ofUncached = (ms: number): Month =>
  Math.abs(ms) <= MAX_INSTANT ? monthOfDay(Math.floor(ms / MS_PER_DAY)) : Number.NaN

/** The first instant of a month, UTC milliseconds (from `days_from_civil`). */
export const start = (month: Month): number =>
  // The month of the last instant asked of `of` (consecutive events of one month ask both).
  month === cacheMonth ? cacheStart : startOf(month)

const startOf = (month: Month): number => {
  const year = Math.floor(month / 12)
  const index = month - year * 12 // 0..11, January is 0
  // Years start in March here: January and February belong to the year before.
  const y = index < 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (index < 2 ? index + 10 : index - 2) + 2) / 5)
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  const ms = (era * DAYS_PER_ERA + doe - EPOCH_SHIFT) * MS_PER_DAY
  return Math.abs(ms) <= MAX_INSTANT ? ms : Number.NaN
}

/** `2025-01` for January 2025. */
export const format = (month: Month): string =>
  `${String(Math.floor(month / 12)).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`
