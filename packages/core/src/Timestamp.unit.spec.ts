import { describe, expect, it } from 'vitest'
import * as Timestamp from './Timestamp.js'

describe('Timestamp', () => {
  it('parses UTC and offset forms of the same instant to the same milliseconds', () => {
    const utc = Timestamp.parse('2025-01-03T10:00:00Z')
    expect(utc).toBe(Date.UTC(2025, 0, 3, 10, 0, 0))
    expect(Timestamp.parse('2025-01-03T12:00:00+02:00')).toBe(utc)
    expect(Timestamp.parse('2025-01-03T04:30:00-05:30')).toBe(utc)
    expect(Timestamp.parse('2025-01-03t10:00:00z')).toBe(utc)
  })

  it('keeps milliseconds and truncates finer fractions', () => {
    expect(Timestamp.parse('2025-01-03T10:00:00.5Z')).toBe(Date.UTC(2025, 0, 3, 10, 0, 0, 500))
    expect(Timestamp.parse('2025-01-03T10:00:00.123987Z')).toBe(Date.UTC(2025, 0, 3, 10, 0, 0, 123))
  })

  it.each([
    ['2025-13-01T00:00:00Z', 'month 13'],
    ['2025-02-29T00:00:00Z', 'not a leap year'],
    ['2025-04-31T00:00:00Z', 'April has 30 days'],
    ['2025-01-01T24:00:00Z', 'hour 24'],
    ['2025-01-01T00:60:00Z', 'minute 60'],
    ['2016-12-31T23:59:60Z', 'leap second'],
    ['2025-01-01T00:00:00', 'no zone'],
    ['2025-01-01', 'date only'],
    ['2025-01-01T00:00:00+25:00', 'offset hour 25'],
    ['1735689600000', 'epoch digits'],
  ])('rejects %s (%s)', (text) => {
    expect(Timestamp.parse(text)).toBeNull()
  })

  it('accepts 29 February in a leap year and in 2000, not in 1900', () => {
    expect(Timestamp.parse('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29))
    expect(Timestamp.parse('2000-02-29T00:00:00Z')).toBe(Date.UTC(2000, 1, 29))
    expect(Timestamp.parse('1900-02-29T00:00:00Z')).toBeNull()
  })

  it('handles years below 100 without the two-digit-year trap of Date.UTC', () => {
    expect(Timestamp.format(Timestamp.parse('0042-06-01T00:00:00Z')!)).toBe('0042-06-01T00:00:00.000Z')
  })

  it('formats in UTC with milliseconds', () => {
    expect(Timestamp.format(Timestamp.parse('2025-01-03T12:00:00+02:00')!)).toBe('2025-01-03T10:00:00.000Z')
  })
})
