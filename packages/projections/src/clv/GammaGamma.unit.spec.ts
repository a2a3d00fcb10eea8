import { describe, expect, it } from 'vitest'
import * as GammaGamma from './GammaGamma.js'
import { seeded, gamma } from './Random.js'

describe('Gamma-Gamma', () => {
  it('Given a repeat buyer, When its likelihood is taken, Then it is the worked-out density of its mean spend', () => {
    // p = 6, q = 4, γ = 15, x = 2, m = 30: px = 12;
    // L = Γ(16)/(Γ(12) Γ(4)) γ^q m^(px-1) x^px / (xm + γ)^(px+q) = 5460 · 15⁴ · 30¹¹ · 2¹² / 75¹⁶
    // (Γ(16)/(Γ(12)Γ(4)) = 15·14·13·12 / 3! = 5460).
    const expected = Math.log(5460) + 4 * Math.log(15) + 11 * Math.log(30) + 12 * Math.log(2) - 16 * Math.log(75)
    expect(
      GammaGamma.customerLogLikelihood({ p: 6, q: 4, gamma: 15 }, { frequency: 2, monetaryCents: 30 }),
    ).toBeCloseTo(expected, 12)
  })

  it('Given the parameters, When a spend is expected, Then it is p(γ + xm)/(px + q - 1), the population mean for one-time buyers, none when infinite', () => {
    const params = { p: 6.25, q: 3.74, gamma: 1544 }
    // (6.25 (1544 + 2·2234.5)) / (6.25·2 + 3.74 - 1) = 37581.25 / 15.24
    expect(GammaGamma.expectedAverageSpend(params, { frequency: 2, monetaryCents: 2234.5 })).toBeCloseTo(
      37581.25 / 15.24,
      9,
    )
    // 6.25 · 1544 / 2.74
    expect(GammaGamma.expectedAverageSpend(params, { frequency: 0, monetaryCents: 0 })).toBeCloseTo(9650 / 2.74, 9)
    expect(GammaGamma.expectedAverageSpend({ p: 2, q: 0.8, gamma: 10 }, { frequency: 0, monetaryCents: 0 })).toBeNull()
  })

  // Spends simulated from the model itself, with q near 1, where the unconstrained maximum falls below 1.
  const random = seeded(21)
  const data = Array.from({ length: 400 }, () => {
    const nu = gamma(random, 1.2, 10)
    const x = 1 + Math.floor(random() * 5)
    let sum = 0
    for (let i = 0; i < x; i++) sum += gamma(random, 2, nu)
    return { frequency: x, monetaryCents: sum / x }
  })

  it('Given q kept above 1, When fitted, Then q > 1 and every expected spend is finite; unconstrained it may not be', () => {
    const free = GammaGamma.fit(data)
    const kept = GammaGamma.fit(data, { qAboveOne: true })
    expect(kept.qAboveOne).toBe(true)
    expect(kept.params.q).toBeGreaterThan(1)
    expect(kept.infiniteMean).toBe(false)
    expect(GammaGamma.expectedAverageSpend(kept.params, { frequency: 0, monetaryCents: 0 })).not.toBeNull()
    // The constraint cannot do better than the free maximum, and gives it when that is above 1.
    expect(kept.estimate.logLikelihood).toBeLessThanOrEqual(free.estimate.logLikelihood + 1e-6)
    if (free.params.q > 1) expect(kept.params.q).toBeCloseTo(free.params.q, 3)
  })

  it('Given a penalty, When fitted, Then the parameters shrink and the fit says so', () => {
    const free = GammaGamma.fit(data)
    const penalized = GammaGamma.fit(data, { penalizer: 0.1 })
    expect(penalized.estimate.penalizer).toBe(0.1)
    const size = ({ p, q, gamma: g }: GammaGamma.Params) => p ** 2 + q ** 2 + (g / 100) ** 2
    expect(size(penalized.params)).toBeLessThan(size(free.params))
    expect(penalized.estimate.logLikelihood).toBeLessThan(free.estimate.logLikelihood)
  })

  it('Given no repeat buyer with a positive spend, When fitted, Then it says so', () => {
    expect(() =>
      GammaGamma.fit([
        { frequency: 0, monetaryCents: 0 },
        { frequency: 2, monetaryCents: 0 },
      ]),
    ).toThrow('Gamma-Gamma: no repeat buyer with a positive spend, nothing to fit')
  })
})
