import { describe, expect, it } from 'vitest'
import { beta, gamma, multivariateNormal, normal, seeded } from './Random.js'

describe('Random', () => {
  it('Given a seed, When numbers are drawn twice, Then they are the same; another seed gives others', () => {
    const a = seeded(42)
    const b = seeded(42)
    const c = seeded(43)
    const xs = Array.from({ length: 5 }, () => a())
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs)
    xs.forEach((x) => expect(x >= 0 && x < 1).toBe(true))
  })

  it('Given 100,000 normal draws, When summarized, Then the mean is 0 and the variance 1 within sampling error', () => {
    const random = seeded(1)
    const n = 100_000
    const xs = Array.from({ length: n }, () => normal(random))
    const mean = xs.reduce((s, x) => s + x, 0) / n
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)
    // Standard errors: 1/sqrt(n) = 0.0032 for the mean, sqrt(2/n) = 0.0045 for the variance; 4 of them.
    expect(Math.abs(mean)).toBeLessThan(0.013)
    expect(Math.abs(variance - 1)).toBeLessThan(0.018)
  })

  it('Given gamma(2.5, 4) and beta(2, 6) draws, When averaged, Then the means are 2.5/4 and 2/8', () => {
    const random = seeded(7)
    const n = 50_000
    const g = Array.from({ length: n }, () => gamma(random, 2.5, 4)).reduce((s, x) => s + x, 0) / n
    // sd of gamma(2.5, 4) = sqrt(2.5)/4 = 0.395; standard error 0.395/sqrt(n) = 0.0018.
    expect(Math.abs(g - 0.625)).toBeLessThan(0.008)
    const small = Array.from({ length: n }, () => gamma(random, 0.3, 1)).reduce((s, x) => s + x, 0) / n
    // shape < 1 goes through the boost: mean 0.3, sd sqrt(0.3) = 0.548, standard error 0.0025.
    expect(Math.abs(small - 0.3)).toBeLessThan(0.011)
    const b = Array.from({ length: n }, () => beta(random, 2, 6)).reduce((s, x) => s + x, 0) / n
    // sd of beta(2, 6) = sqrt(2·6 / (8² · 9)) = 0.144; standard error 0.00065.
    expect(Math.abs(b - 0.25)).toBeLessThan(0.003)
  })

  it('Given a covariance, When multivariate normal draws are made, Then their covariance is it', () => {
    const sample = multivariateNormal(
      [1, -1],
      [
        [4, 1.2],
        [1.2, 1],
      ],
    )!
    const random = seeded(3)
    const n = 100_000
    const xs = Array.from({ length: n }, () => sample(random))
    const m0 = xs.reduce((s, x) => s + x[0]!, 0) / n
    const m1 = xs.reduce((s, x) => s + x[1]!, 0) / n
    const c01 = xs.reduce((s, x) => s + (x[0]! - m0) * (x[1]! - m1), 0) / (n - 1)
    const v0 = xs.reduce((s, x) => s + (x[0]! - m0) ** 2, 0) / (n - 1)
    expect(m0).toBeCloseTo(1, 1)
    expect(m1).toBeCloseTo(-1, 1)
    expect(Math.abs(v0 - 4)).toBeLessThan(0.08) // standard error 4 sqrt(2/n) = 0.018
    expect(Math.abs(c01 - 1.2)).toBeLessThan(0.04) // standard error sqrt((4 + 1.44)/n) = 0.0074
    expect(
      multivariateNormal(
        [0, 0],
        [
          [1, 2],
          [2, 1],
        ],
      ),
    ).toBeNull()
  })
})
