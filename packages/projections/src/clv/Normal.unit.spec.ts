import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { quantile } from './Normal.js'

describe('Normal.quantile', () => {
  it('Given the usual levels, When their quantiles are taken, Then they are the table values', () => {
    expect(quantile(0.5)).toBeCloseTo(0, 12)
    expect(quantile(0.975)).toBeCloseTo(1.959963985, 8)
    expect(quantile(0.95)).toBeCloseTo(1.644853627, 8)
    expect(quantile(0.995)).toBeCloseTo(2.575829304, 8)
    expect(quantile(0.001)).toBeCloseTo(-3.090232306, 8) // the lower tail region of the approximation
  })

  it('Given any p, When the quantiles of p and 1 - p are taken, Then they are opposite and do not decrease with p', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 0.5, noNaN: true }),
        fc.double({ min: 1e-6, max: 0.5, noNaN: true }),
        (p, q) => {
          expect(quantile(p) + quantile(1 - p)).toBeCloseTo(0, 7)
          if (p < q) expect(quantile(p)).toBeLessThanOrEqual(quantile(q))
        },
      ),
    )
  })

  it('Given p outside (0, 1), When its quantile is asked, Then it says so', () => {
    expect(() => quantile(1)).toThrow('p = 1 is not in (0, 1)')
  })
})
