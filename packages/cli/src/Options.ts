/**
 * Parsing of the command-line values shared by commands: instants, day counts, the period.
 */
import { Timestamp } from '@lifeline/core'
import type { Ledger } from '@lifeline/projections'
import { UsageError } from './Io.js'

/** An RFC 3339 date-time, or a date (`2025-01-01`, midnight UTC). */
export const instant = (flag: string, value: string): number => {
  const ms = Timestamp.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (ms === null)
    throw new UsageError(`--${flag}: ${JSON.stringify(value)} is not an RFC 3339 date-time (or a YYYY-MM-DD date)`)
  return ms
}

/** A number of days >= 0. */
export const days = (flag: string, value: string): number => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`--${flag}: ${JSON.stringify(value)} is not a number of days >= 0`)
  }
  return n
}

/** The report options from the flags `from`, `to`, `inactivity-days`, `conversion-window-days`. */
export const reportOptions = (values: {
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly 'inactivity-days'?: string | undefined
  readonly 'conversion-window-days'?: string | undefined
}): Ledger.Options => {
  const from = values.from === undefined ? undefined : instant('from', values.from)
  const to = values.to === undefined ? undefined : instant('to', values.to)
  if (from !== undefined && to !== undefined && to <= from) {
    throw new UsageError(`--to must be later than --from (${values.from} .. ${values.to})`)
  }
  const inactivity = values['inactivity-days']
  const window = values['conversion-window-days']
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(inactivity === undefined ? {} : { inactivityDays: days('inactivity-days', inactivity) }),
    ...(window === undefined ? {} : { conversionWindowDays: days('conversion-window-days', window) }),
  }
}
