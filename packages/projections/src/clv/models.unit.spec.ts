import { describe, expect, it } from 'vitest'
import * as BgBb from './BgBb.js'
import * as BgNbd from './BgNbd.js'
import type * as CountModel from './CountModel.js'
import * as MbgNbd from './MbgNbd.js'
import * as ParetoNbd from './ParetoNbd.js'
import { group } from './Patterns.js'
import { seeded } from './Random.js'
import { bgnbdCustomer, paretoCustomer } from './simulate.fixture.js'
import { betaln, gammaln, logAddExp } from './Special.js'

/** Central differences in log-parameters, then back to d/dθ. */
const numericalGradient = (f: (values: readonly number[]) => number, values: readonly number[]) =>
  values.map((v, i) => {
    const h = 1e-6
    const up = values.map((w, j) => (j === i ? w * Math.exp(h) : w))
    const down = values.map((w, j) => (j === i ? w * Math.exp(-h) : w))
    return (f(up) - f(down)) / (2 * h) / v
  })

describe('BG/NBD likelihood', () => {
  const params = { r: 1, alpha: 2, a: 1, b: 2 }

  it('Given a one-time buyer, When its likelihood is taken, Then it is (α/(α+T))^r', () => {
    // x = 0, T = 3: B(a, b)/B(a, b) Γ(1)/Γ(1) (2/5)^1 = 0.4; the dropped-out term needs a repeat purchase.
    expect(BgNbd.customerLogLikelihood(params, { frequency: 0, recency: 0, T: 3 })).toBeCloseTo(Math.log(0.4), 14)
    expect(BgNbd.probabilityAlive(params, { frequency: 0, recency: 0, T: 3 })).toBe(1)
  })

  it('Given a repeat buyer, When its likelihood is taken, Then it is the alive term plus the dropped-out term', () => {
    // x = 2, t_x = 4, T = 6: Γ(3)/Γ(1) α^r = 2·2 = 4;
    // alive: B(1, 4)/B(1, 2) = (1/4)/(1/2) = 1/2, (α+T)^-(r+x) = 8^-3 = 1/512: 4 · 1/2 / 512 = 1/256;
    // dropped: B(2, 3)/B(1, 2) = (1/12)/(1/2) = 1/6, (α+t_x)^-3 = 6^-3 = 1/216: 4 · 1/6 / 216 = 1/324.
    const c = { frequency: 2, recency: 4, T: 6 }
    expect(BgNbd.customerLogLikelihood(params, c)).toBeCloseTo(Math.log(1 / 256 + 1 / 324), 14)
    // P(alive) = (1/256) / (1/256 + 1/324) = 324/580 = 81/145.
    expect(BgNbd.probabilityAlive(params, c)).toBeCloseTo(81 / 145, 14)
  })

  it('Given 300 repeat purchases, When the likelihood is taken, Then it is finite where the naive formula overflows', () => {
    const p = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 }
    const c = { frequency: 300, recency: 50, T: 52 }
    // Γ(300.5) and 58^300.5 are beyond double precision.
    expect(Number.isFinite(Math.exp(gammaln(300.5)) / Math.pow(58, 300.5))).toBe(false)
    // The same formula in logarithms, with the reference log-gamma and log-beta.
    const expected =
      gammaln(300.5) -
      gammaln(0.5) +
      0.5 * Math.log(6) +
      logAddExp(
        betaln(0.9, 301.6) - betaln(0.9, 1.6) - 300.5 * Math.log(58),
        betaln(1.9, 300.6) - betaln(0.9, 1.6) - 300.5 * Math.log(56),
      )
    expect(BgNbd.customerLogLikelihood(p, c)).toBeCloseTo(expected, 8)
  })
})

describe('MBG/NBD likelihood', () => {
  const params = { r: 1, alpha: 2, a: 1, b: 2 }

  it('Given a one-time buyer, When its likelihood is taken, Then it includes dropping out at the first purchase', () => {
    // x = 0, T = 3: alive: B(1, 3)/B(1, 2) (2/5) = (2/3)(2/5) = 4/15; dropped at the first purchase:
    // B(2, 2)/B(1, 2) (α/(α+0))^r = (1/6)/(1/2) = 1/3. L = 4/15 + 5/15 = 3/5.
    const c = { frequency: 0, recency: 0, T: 3 }
    expect(MbgNbd.customerLogLikelihood(params, c)).toBeCloseTo(Math.log(0.6), 14)
    // P(alive) = (4/15) / (3/5) = 4/9: below 1, unlike BG/NBD.
    expect(MbgNbd.probabilityAlive(params, c)).toBeCloseTo(4 / 9, 14)
  })

  it('Given a repeat buyer, When its likelihood is taken, Then it is the worked-out sum', () => {
    // x = 2, t_x = 4, T = 6: Γ(3) α = 4; alive: B(1, 5)/B(1, 2) = (1/5)/(1/2) = 2/5, / 8³;
    // dropped: B(2, 4)/B(1, 2) = (1/20)/(1/2) = 1/10, / 6³. L = 4 (0.4/512 + 0.1/216) = 1/320 + 1/540.
    expect(MbgNbd.customerLogLikelihood(params, { frequency: 2, recency: 4, T: 6 })).toBeCloseTo(
      Math.log(1 / 320 + 1 / 540),
      14,
    )
  })

  it('Given 300 repeat purchases, When the likelihood is taken, Then it matches the log-space formula', () => {
    const p = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 }
    const expected =
      gammaln(300.5) -
      gammaln(0.5) +
      0.5 * Math.log(6) +
      logAddExp(
        betaln(0.9, 302.6) - betaln(0.9, 1.6) - 300.5 * Math.log(58),
        betaln(1.9, 301.6) - betaln(0.9, 1.6) - 300.5 * Math.log(56),
      )
    expect(MbgNbd.customerLogLikelihood(p, { frequency: 300, recency: 50, T: 52 })).toBeCloseTo(expected, 8)
  })
})

describe('Pareto/NBD likelihood', () => {
  it('Given alpha = beta, When the likelihood is taken, Then the dropout integral is in closed form', () => {
    // r = s = 1, α = β = 2, x = 1, t_x = 2, T = 4: Γ(2)/Γ(1) α^r β^s = 4; m = r + s + x = 3;
    // ∫ from 2 to 4 of (2+y)^-4 dy = (4^-3 - 6^-3)/3; L = 4 (6^-3 + s (4^-3 - 6^-3)/3).
    const p = { r: 1, alpha: 2, s: 1, beta: 2 }
    const c = { frequency: 1, recency: 2, T: 4 }
    const alive = 1 / 216
    const dropped = (1 / 64 - 1 / 216) / 3
    expect(ParetoNbd.customerLogLikelihood(p, c)).toBeCloseTo(Math.log(4 * (alive + dropped)), 14)
    expect(ParetoNbd.probabilityAlive(p, c)).toBeCloseTo(alive / (alive + dropped), 14)
  })

  it.each([
    ['z below 0.4', { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 }, { frequency: 3, recency: 20, T: 38 }],
    [
      'z between 0.4 and 0.8 (plain series)',
      { r: 0.8, alpha: 1, s: 0.5, beta: 3 },
      { frequency: 2, recency: 1, T: 30 },
    ],
    ['z above 0.8', { r: 0.8, alpha: 0.2, s: 0.5, beta: 5 }, { frequency: 4, recency: 0.5, T: 30 }],
    ['beta below alpha', { r: 2, alpha: 9, s: 0.5, beta: 0.8 }, { frequency: 6, recency: 10, T: 40 }],
  ] as const)(
    'Given %s, When the likelihood is taken, Then it equals the integral over the dropout time summed numerically',
    (_, p, c) => {
      // L = Γ(r+x)/Γ(r) α^r β^s [(α+T)^-(r+x) (β+T)^-s + s ∫ (α+y)^-(r+x) (β+y)^-(s+1) dy], the
      // integral by Simpson's rule on 20,000 intervals of [t_x, T].
      const { r, alpha, s, beta } = p
      const { frequency: x, recency: tx, T } = c
      const f = (y: number) => Math.exp(-(r + x) * Math.log(alpha + y) - (s + 1) * Math.log(beta + y))
      const n = 20_000
      const h = (T - tx) / n
      let integral = f(tx) + f(T)
      for (let i = 1; i < n; i++) integral += (i % 2 === 0 ? 2 : 4) * f(tx + i * h)
      integral *= h / 3
      const expected =
        gammaln(r + x) -
        gammaln(r) +
        r * Math.log(alpha) +
        s * Math.log(beta) +
        Math.log(Math.exp(-(r + x) * Math.log(alpha + T) - s * Math.log(beta + T)) + s * integral)
      expect(ParetoNbd.customerLogLikelihood(p, c)).toBeCloseTo(expected, 9)
    },
  )
})

describe('the count models', () => {
  const cases: readonly [string, CountModel.CountModel, readonly number[]][] = [
    ['BG/NBD', BgNbd.model, [0.24, 4.4, 0.79, 2.4]],
    ['MBG/NBD', MbgNbd.model, [0.52, 6.2, 0.89, 1.6]],
    ['Pareto/NBD', ParetoNbd.model, [0.55, 10.6, 0.61, 11.7]],
  ]
  const random = seeded(5)
  const customers = Array.from({ length: 300 }, () => bgnbdCustomer(random, { r: 0.5, alpha: 5, a: 1, b: 3 }, 40))
  const patterns = group(customers)

  it.each(cases)(
    '%s: Given customers, When the likelihood is summed over distinct patterns, Then it equals the sum over customers, and its gradient the numerical one',
    (_, model, values) => {
      const problem = model.problem(patterns, 'week', {})
      const direct = customers.reduce((s, c) => s + model.logLikelihood(values, c), 0)
      expect(problem.logLikelihood(values)).toBeCloseTo(direct, 8)
      const { value, gradient } = problem.withGradient!(values)
      expect(value).toBeCloseTo(direct, 8)
      const numerical = numericalGradient(problem.logLikelihood, values)
      gradient.forEach((g, i) => expect(g).toBeCloseTo(numerical[i]!, 3))
    },
  )

  it.each(cases)(
    '%s: Given a customer, When its expected purchases are taken, Then they start at rate P(alive) (r+x)/(α+T) and grow',
    (_, model, values) => {
      const c = { frequency: 2, recency: 30.43, T: 38.86 }
      const [r, alpha] = values as [number, number]
      const rate = (model.probabilityAlive(values, c) * (r + 2)) / (alpha + 38.86)
      expect(model.expectedPurchases(values, 1e-6, c) / 1e-6).toBeCloseTo(rate, 6)
      expect(model.expectedPurchases(values, 10, c)).toBeGreaterThan(model.expectedPurchases(values, 5, c))
      // The factorization the analysis relies on.
      expect(model.expectedPurchases(values, 10, c)).toBeCloseTo(
        model.probabilityAlive(values, c) * model.purchasesIfAlive(values, 10, 2, 38.86),
        12,
      )
      // P(alive) of every pattern at once is P(alive) of each.
      const all = model.probabilityAliveAll(values, patterns)
      patterns.rows.forEach((row, i) => expect(all[i]).toBeCloseTo(model.probabilityAlive(values, row), 12))
    },
  )

  it.each(cases)(
    '%s: Given a customer who has just made its first purchase, When its expected purchases are taken, Then they are those of a new customer',
    (_, model, values) => {
      expect(model.expectedPurchases(values, 26, { frequency: 0, recency: 0, T: 0 })).toBeCloseTo(
        model.expectedPurchasesNew(values, 26),
        10,
      )
    },
  )

  it('Given 200,000 simulated BG/NBD, MBG/NBD and Pareto/NBD customers, When their repeat purchases over 52 weeks are averaged, Then they are the models’ expectations', () => {
    const n = 200_000
    const rng = seeded(11)
    const bg = { r: 0.8, alpha: 6, a: 1.5, b: 3 }
    const pn = { r: 0.8, alpha: 6, s: 0.7, beta: 12 }
    let bgSum = 0
    let mbgSum = 0
    let pnSum = 0
    for (let i = 0; i < n; i++) {
      bgSum += bgnbdCustomer(rng, bg, 52).frequency
      mbgSum += bgnbdCustomer(rng, bg, 52, 0, true).frequency
      pnSum += paretoCustomer(rng, pn, 52).frequency
    }
    // The means are near 3; the counts' standard deviations below 8, so standard errors below 0.02.
    expect(Math.abs(bgSum / n - BgNbd.expectedPurchasesNew(bg, 52))).toBeLessThan(0.06)
    expect(Math.abs(mbgSum / n - MbgNbd.expectedPurchasesNew(bg, 52))).toBeLessThan(0.06)
    expect(Math.abs(pnSum / n - ParetoNbd.expectedPurchasesNew(pn, 52))).toBeLessThan(0.06)
  })
})

describe('BG/BB', () => {
  const params = { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.78 }

  it('Given one opportunity, When the likelihoods of its two patterns are taken, Then they are the worked-out ones', () => {
    // n = 1, no purchase: alive and did not buy, β/(α+β) δ/(γ+δ), or gone before it, γ/(γ+δ).
    const none = (0.75 / 1.95) * (2.78 / 3.44) + 0.66 / 3.44
    expect(BgBb.customerLogLikelihood(params, { frequency: 0, recency: 0, T: 1 })).toBeCloseTo(Math.log(none), 14)
    // n = 1, a purchase: alive and bought, α/(α+β) δ/(γ+δ). The two sum to 1.
    const bought = (1.2 / 1.95) * (2.78 / 3.44)
    expect(BgBb.customerLogLikelihood(params, { frequency: 1, recency: 1, T: 1 })).toBeCloseTo(Math.log(bought), 14)
    expect(none + bought).toBeCloseTo(1, 14)
  })

  it('Given 2,000 opportunities, When the likelihood is taken, Then it matches the formula in log-betas', () => {
    const [x, tx, n] = [1500, 1900, 2000]
    const { alpha: a, beta: b, gamma: g, delta: d } = params
    let expected = betaln(a + x, b + n - x) - betaln(a, b) + betaln(g, d + n) - betaln(g, d)
    for (let i = 0; i < n - tx; i++)
      expected = logAddExp(
        expected,
        betaln(a + x, b + tx - x + i) - betaln(a, b) + betaln(g + 1, d + tx + i) - betaln(g, d),
      )
    expect(Math.exp(betaln(a + x, b + n - x))).toBe(0) // B(1501.2, 500.75) underflows: only logarithms work here
    expect(BgBb.customerLogLikelihood(params, { frequency: x, recency: tx, T: n })).toBeCloseTo(expected, 8)
  })

  it('Given a customer, When P(alive) is taken, Then it is alive at n, and alive at n + 1 with the dropout survived', () => {
    // x = 0, n = 1: alive at 1 = [β/(α+β) δ/(γ+δ)] / L(0, 0, 1).
    const c = { frequency: 0, recency: 0, T: 1 }
    const alive = (0.75 / 1.95) * (2.78 / 3.44)
    const L = alive + 0.66 / 3.44
    expect(BgBb.probabilityAlive(params, c)).toBeCloseTo(alive / L, 14)
    // Alive at 2 also survives the dropout before opportunity 2: B(γ, δ+2)/B(γ, δ+1) = (δ+1)/(γ+δ+1).
    expect(BgBb.probabilityAliveNext(params, c)).toBeCloseTo(((alive / L) * 3.78) / 4.44, 14)
  })

  it('Given a customer alive at n, When its expected purchases are taken, Then each opportunity brings E[p] times the chance to be still alive', () => {
    // x = 1, n = 1 (bought at opportunity 1, so alive at 1): E[p | x=1, n=1] = (α+1)/(α+β+1) = 2.2/2.95;
    // alive at 2 and 3: (δ+1)/(γ+δ+1) and that times (δ+2)/(γ+δ+2).
    const c = { frequency: 1, recency: 1, T: 1 }
    const s2 = 3.78 / 4.44
    const s3 = s2 * (4.78 / 5.44)
    expect(BgBb.probabilityAlive(params, c)).toBeCloseTo(1, 14)
    expect(BgBb.expectedPurchases(params, 2, c)).toBeCloseTo((2.2 / 2.95) * (s2 + s3), 14)
    // A new customer: α/(α+β) times the chances to be alive at 1 and 2.
    expect(BgBb.expectedPurchasesNew(params, 2)).toBeCloseTo(
      (1.2 / 1.95) * (2.78 / 3.44 + (2.78 / 3.44) * (3.78 / 4.44)),
      14,
    )
  })

  it('Given histories that are not possible, When fitted or asked, Then the error names them', () => {
    expect(() => BgBb.customerLogLikelihood(params, { frequency: 2, recency: 1, T: 3 })).toThrow(
      'BG/BB: frequency 2, recency 1 and T 3 do not describe a purchase history',
    )
    expect(() => BgBb.customerLogLikelihood(params, { frequency: 1, recency: 1.5, T: 3 })).toThrow(
      'BG/BB: recency 1.5 is not a whole number of periods >= 0',
    )
  })
})
