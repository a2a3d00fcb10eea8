/**
 * Instants as UTC milliseconds since the epoch, decoded from RFC 3339 date-times with a zone.
 */
import * as t from 'io-ts'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An instant in UTC milliseconds since 1970-01-01T00:00:00Z. */
export type Timestamp = number

/** Milliseconds in one day: day counts in Lifeline are `ms / MS_PER_DAY`, fractional. */
export const MS_PER_DAY = 86_400_000

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31

/**
 * Parses an RFC 3339 date-time with a zone (`Z` or `±hh:mm`) to UTC milliseconds, or `null`.
 * Fractions finer than a millisecond are truncated; leap seconds (`:60`) are not representable
 * and are rejected.
 */
export const parse = (s: string): Timestamp | null => {
  const m = RFC3339.exec(s)
  if (m === null) return null
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  const hour = Number(m[4])
  const minute = Number(m[5])
  const second = Number(m[6])
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  if (hour > 23 || minute > 59 || second > 59) return null
  let offsetMinutes = 0
  if (m[8] === undefined) {
    const oh = Number(m[10])
    const om = Number(m[11])
    if (oh > 23 || om > 59) return null
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  return date.getTime() - offsetMinutes * 60_000
}

/** Formats an instant as RFC 3339 in UTC with milliseconds: `2025-01-03T10:00:00.000Z`. */
export const format = (ms: Timestamp): string => new Date(ms).toISOString()

/**
 * Parses a trusted RFC 3339 literal (tests, examples, configuration) and throws on a bad one.
 * Use the codec for input from outside.
 */
export const unsafeParse = (s: string): Timestamp => {
  const ms = parse(s)
  if (ms === null) throw new RangeError(`${JSON.stringify(s)} is not an RFC 3339 date-time`)
  return ms
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const MIN = parse('0000-01-01T00:00:00Z')!
const MAX = parse('9999-12-31T23:59:59.999Z')!

/** True for a finite integer instant in the years 0000 to 9999 (what RFC 3339 can express). */
export const isTimestamp = (u: unknown): u is Timestamp =>
  typeof u === 'number' && Number.isInteger(u) && u >= MIN && u <= MAX

/** Codec: RFC 3339 string with a zone <-> UTC milliseconds. */
export const codec = new t.Type<Timestamp, string, unknown>(
  'Rfc3339DateTime',
  isTimestamp,
  (u, c) => {
    if (typeof u === 'string') {
      const ms = parse(u)
      if (ms !== null && isTimestamp(ms)) return t.success(ms)
    }
    return t.failure(u, c, 'is not an RFC 3339 date-time with a zone')
  },
  format,
)
