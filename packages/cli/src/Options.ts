/**
 * Parsing of the command-line values shared by commands: instants, day counts, the period.
 */
import { readFileSync } from 'node:fs'
import { Timestamp } from '@lifeline/core'
import { Ledger, Scoring } from '@lifeline/projections'
import * as E from 'fp-ts/lib/Either.js'
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

/** A whole number >= 1. */
export const count = (flag: string, value: string): number => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${flag}: ${JSON.stringify(value)} is not a whole number >= 1`)
  }
  return n
}

/** The options of lead scoring from a JSON file (METRICS.md's names), checked. */
export const scoringFile = (path: string): Scoring.Options => {
  const text = readFileSync(path, 'utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--scoring ${path}: not JSON (${(error as Error).message})`)
  }
  const decoded = Scoring.decode(json)
  if (E.isLeft(decoded)) throw new UsageError(`--scoring ${path}: ${Scoring.formatInvalid(decoded.left)}`)
  return decoded.right
}

/** The flags of the report's options, shared by `report`, `customers` and `demo`. */
export const reportFlags = {
  from: { type: 'string' },
  to: { type: 'string' },
  'inactivity-days': { type: 'string' },
  'conversion-window-days': { type: 'string' },
  'new-days': { type: 'string' },
  'regular-purchases': { type: 'string' },
  'regular-window-days': { type: 'string' },
  scoring: { type: 'string' },
} as const

/** The help lines of the tier and scoring flags. */
export const tierHelp = `  --new-days N                   client tiers: new within N days of the first purchase
                                 (default 90)
  --regular-purchases K          client tiers: regular with K+ purchases in the window (default 3)
  --regular-window-days W        client tiers: the window of --regular-purchases in days
                                 (default 365)
  --scoring FILE.json            lead scoring options (channelPoints, otherChannelPoints,
                                 touchPoints, halfLifeDays, threshold; see docs/metrics.md)
`

/**
 * The report options from the flags `from`, `to`, `inactivity-days`, `conversion-window-days`,
 * `new-days`, `regular-purchases`, `regular-window-days` and `scoring` (a JSON file).
 */
export const reportOptions = (values: {
  readonly from?: string | undefined
  readonly to?: string | undefined
  readonly 'inactivity-days'?: string | undefined
  readonly 'conversion-window-days'?: string | undefined
  readonly 'new-days'?: string | undefined
  readonly 'regular-purchases'?: string | undefined
  readonly 'regular-window-days'?: string | undefined
  readonly scoring?: string | undefined
}): Ledger.Options => {
  const from = values.from === undefined ? undefined : instant('from', values.from)
  const to = values.to === undefined ? undefined : instant('to', values.to)
  if (from !== undefined && to !== undefined && to <= from) {
    throw new UsageError(`--to must be later than --from (${values.from} .. ${values.to})`)
  }
  const inactivity = values['inactivity-days']
  const window = values['conversion-window-days']
  return checked({
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(inactivity === undefined ? {} : { inactivityDays: days('inactivity-days', inactivity) }),
    ...(window === undefined ? {} : { conversionWindowDays: days('conversion-window-days', window) }),
    ...(values['new-days'] === undefined ? {} : { newDays: days('new-days', values['new-days']) }),
    ...(values['regular-purchases'] === undefined
      ? {}
      : { regularPurchases: count('regular-purchases', values['regular-purchases']) }),
    ...(values['regular-window-days'] === undefined
      ? {}
      : { regularWindowDays: days('regular-window-days', values['regular-window-days']) }),
    ...(values.scoring === undefined ? {} : { scoring: scoringFile(values.scoring) }),
  })
}

/** Checks options a library caller could also pass (a last guard: the flags are checked above). */
export const checked = (options: Ledger.Options): Ledger.Options => {
  const valid = Ledger.validate(options)
  if (E.isLeft(valid)) throw new UsageError(`report option ${Scoring.formatInvalid(valid.left)}`)
  return valid.right
}
