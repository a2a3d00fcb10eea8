import { describe, expect, it } from 'vitest'
import { logHyp2f1Shifted } from './Hyp2f1Series.js'
import { hyp2f1 } from './Special.js'

describe('logHyp2f1Shifted', () => {
  it('Given a = b = 1, When summed, Then it is -ln(1 - z)/z, z near 1 included', () => {
    // ₂F₁(1, 1; 2; z) = Σ z^n/(n+1) = -ln(1 - z)/z.
    for (const z of [0.1, 0.4, 0.6, 0.8, 0.95])
      expect(logHyp2f1Shifted(1, 1, z).value).toBeCloseTo(Math.log(-Math.log1p(-z) / z), 12)
    // Beyond 20,000 terms the geometric estimate of the rest: 10 digits.
    expect(logHyp2f1Shifted(1, 1, 0.999).value).toBeCloseTo(Math.log(-Math.log1p(-0.999) / 0.999), 10)
  })

  it('Given b = a + 1, When summed, Then it is (1 - z)^-a', () => {
    // ₂F₁(a, b; c; z) with b = c (= a + 1 here) reduces to (1 - z)^-a.
    for (const z of [0.2, 0.5, 0.7]) expect(logHyp2f1Shifted(2.5, 3.5, z).value).toBeCloseTo(-2.5 * Math.log1p(-z), 12)
  })

  it('Given parameters of the Pareto/NBD, When summed, Then it agrees with the general function and its derivatives with differences', () => {
    for (const [a, b, z] of [
      [1.7, 1.5, 0.05],
      [12.3, 4.2, 0.35],
      [3.1, 2.2, 0.55],
      [40.5, 30.2, 0.75],
      [2.5, 1.3, 0.9],
      [81.2, 80.6, 0.2], // b near a + 1: the plain series' terms would grow for a long while
    ] as const) {
      const f = logHyp2f1Shifted(a, b, z, true)
      expect(f.value).toBeCloseTo(Math.log(hyp2f1(a, b, a + 1, z)), 10)
      const h = 1e-6
      expect(f.da).toBeCloseTo((logHyp2f1Shifted(a + h, b, z).value - logHyp2f1Shifted(a - h, b, z).value) / (2 * h), 5)
      expect(f.db).toBeCloseTo((logHyp2f1Shifted(a, b + h, z).value - logHyp2f1Shifted(a, b - h, z).value) / (2 * h), 5)
      expect(f.dz).toBeCloseTo((logHyp2f1Shifted(a, b, z + h).value - logHyp2f1Shifted(a, b, z - h).value) / (2 * h), 4)
    }
  })

  it('Given parameters of 10^10 (a collapsed mixing distribution), When summed, Then the value is finite and matches (1 - z)^(1-b) to first order', () => {
    // a = 1e10 + 2.5, b = 1e10 + 2 (c = a + 1 - b = 1.5): Σ g_n = 1 + 1.5 z / (1e10 + 3.5) + ...
    const z = 0.9977
    const f = logHyp2f1Shifted(1e10 + 2.5, 1e10 + 2, z, true)
    expect(Number.isFinite(f.value)).toBe(true)
    expect(f.value).toBeCloseTo((1 - (1e10 + 2)) * Math.log1p(-z) + Math.log1p((1.5 * z) / (1e10 + 3.5)), 0)
    expect([f.da, f.db, f.dz].every(Number.isFinite)).toBe(true)
  })

  it('Given z = 0, When summed, Then it is 1 with slope ab/(a+1)', () => {
    expect(logHyp2f1Shifted(2, 3, 0, true)).toEqual({ value: 0, da: 0, db: 0, dz: 2 })
  })
})
