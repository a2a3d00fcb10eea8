/**
 * Calendar months in UTC as integers (months since 1970-01), with a cache so that consecutive
 * events of one month cost no date arithmetic.
 */

/** A calendar month: `year * 12 + monthIndex` (0-based month), UTC. */
export type Month = number

let cacheStart = 0
let cacheEnd = -1
let cacheMonth = 0

/** The month holding the instant `ms`. */
export const of = (ms: number): Month => {
  if (ms >= cacheStart && ms < cacheEnd) return cacheMonth
  const d = new Date(ms)
  const month = d.getUTCFullYear() * 12 + d.getUTCMonth()
  cacheStart = start(month)
  cacheEnd = start(month + 1)
  cacheMonth = month
  return month
}

/** The first instant of a month, UTC milliseconds. */
export const start = (month: Month): number => {
  const d = new Date(0)
  d.setUTCFullYear(Math.floor(month / 12), month % 12, 1)
  d.setUTCHours(0, 0, 0, 0)
  return d.getTime()
}

/** `2025-01` for January 2025. */
export const format = (month: Month): string =>
  `${String(Math.floor(month / 12)).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`
