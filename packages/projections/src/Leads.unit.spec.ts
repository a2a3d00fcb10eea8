import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Leads from './Leads.js'

/** The median by a sort: what the selection must equal. */
const sorted = (values: readonly number[]): number | null => {
  if (values.length === 0) return null
  const xs = [...values].sort((a, b) => a - b)
  const mid = xs.length >> 1
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
}

describe('the median of the lead metrics', () => {
  it('is the middle value, the mean of the two middle ones, or null for none', () => {
    expect(Leads.median([])).toBeNull()
    expect(Leads.median([7])).toBe(7)
    expect(Leads.median([10, 3])).toBe(6.5)
    expect(Leads.median([5, 1, 4, 2, 3])).toBe(3)
    expect(Leads.median([4, 4, 1, 9, 4, 4])).toBe(4)
    expect(Leads.median([30, 0])).toBe(15)
    expect(Leads.median([0.5, 2.25, 1, 8, 8, 0.25, 3])).toBe(2.25)
  })

  it('leaves its input as it was', () => {
    const days = [9, 2, 7, 1]
    expect(Leads.median(days)).toBe(4.5)
    expect(days).toEqual([9, 2, 7, 1])
  })

  it('equals the median of a sort on any list, sorted, reversed or with many equal values', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc
        .double({ noNaN: true, noDefaultInfinity: true })
        // Days are never -0 (a difference of equal instants is +0); a sort and a selection may pick either zero.
        .filter((x) => !Object.is(x, -0)),
    )
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (values) => {
        for (const xs of [values, [...values].sort((a, b) => a - b), [...values].sort((a, b) => b - a)]) {
          expect(Leads.median(xs)).toBe(sorted(xs))
        }
      }),
      { numRuns: 500 },
    )
  })
})
