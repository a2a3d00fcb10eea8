import { describe, expect, it } from 'vitest'
import * as Month from './Month.js'

/** The month of an instant by `Date` (the reference the arithmetic must equal). */
const dateOf = (ms: number): number => {
  const d = new Date(ms)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

/** The first instant of a month by `Date` (years below 100 taken as they are, not as 19xx). */
const dateStart = (month: number): number => {
  const d = new Date(0)
  d.setUTCFullYear(Math.floor(month / 12), month - 12 * Math.floor(month / 12), 1)
  return d.getTime()
}

describe('calendar months without Date objects', () => {
  it('names the months of instants around leap days and year ends', () => {
    expect(Month.of(Date.parse('2024-02-29T23:59:59.999Z'))).toBe(2024 * 12 + 1)
    expect(Month.of(Date.parse('2024-03-01T00:00:00.000Z'))).toBe(2024 * 12 + 2)
    expect(Month.of(Date.parse('1999-12-31T23:59:59.999Z'))).toBe(1999 * 12 + 11)
    expect(Month.of(Date.parse('2000-01-01T00:00:00.000Z'))).toBe(2000 * 12)
    expect(Month.of(Date.parse('1969-12-31T23:59:59.999Z'))).toBe(1969 * 12 + 11)
    expect(Month.start(2100 * 12 + 2)).toBe(Date.parse('2100-03-01T00:00:00.000Z'))
    expect(Month.start(2000 * 12 + 1)).toBe(Date.parse('2000-02-01T00:00:00.000Z'))
    expect(Month.format(Month.of(Date.parse('2025-07-04T12:00:00Z')))).toBe('2025-07')
  })

  it('equals Date on every month from the year -400 to 2800, at its first instant and either side', () => {
    const wrong: string[] = []
    let checked = 0
    for (let month = -400 * 12; month < 2800 * 12; month++) {
      const start = Month.start(month)
      if (start !== dateStart(month)) wrong.push(`start(${month}) = ${start}`)
      for (const ms of [start - 1, start, start + 1, start + 27 * 86_400_000 + 12_345]) {
        // Off the cache (the month before was asked last) and on it (the same month again), and without it.
        if (Month.of(ms) !== dateOf(ms) || Month.of(ms) !== dateOf(ms)) wrong.push(`of(${ms}) = ${Month.of(ms)}`)
        if (Month.ofUncached(ms) !== dateOf(ms)) wrong.push(`ofUncached(${ms}) = ${Month.ofUncached(ms)}`)
        checked++
      }
    }
    expect(wrong).toEqual([])
    expect(checked).toBe(3200 * 12 * 4)
  })

  it('equals Date when asked for two months in turn, and a third, as a scan of customers does', () => {
    const wrong: string[] = []
    for (let month = -400 * 12; month < 2800 * 12; month += 7) {
      const a = Month.start(month) + 86_400_000
      const b = Month.start(month - 5) - 1
      const c = Month.start(month + 1)
      for (const ms of [a, b, a, b, b, a, c, a, c, b])
        if (Month.of(ms) !== dateOf(ms)) wrong.push(`of(${ms}) = ${Month.of(ms)}`)
      if (Month.start(month) !== dateStart(month)) wrong.push(`start(${month})`)
    }
    expect(wrong).toEqual([])
  })

  it('equals Date on instants spread over its whole range, and is NaN outside it', () => {
    // A fixed linear congruential sequence: the same instants on every run.
    const wrong: number[] = []
    let x = 12345
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1_103_515_245 + 12_345) % 2_147_483_648
      const ms = Math.round((x / 2_147_483_648 - 0.5) * 2 * 8.64e15)
      if (Month.of(ms) !== dateOf(ms) || Month.ofUncached(ms) !== dateOf(ms)) wrong.push(ms)
    }
    expect(wrong).toEqual([])
    expect(Month.of(8.64e15)).toBe(dateOf(8.64e15))
    expect(Month.of(-8.64e15)).toBe(dateOf(-8.64e15))
    for (const ms of [8.64e15 + 1, -8.64e15 - 1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(Month.of(ms)).toBeNaN()
      expect(Month.ofUncached(ms)).toBeNaN()
    }
    expect(Month.start(Month.of(8.64e15) + 1)).toBeNaN()
  })
})
