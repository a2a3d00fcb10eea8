import { describe, expect, it } from 'vitest'
import * as BgNbd from './BgNbd.js'
import * as MbgNbd from './MbgNbd.js'
import * as ParetoNbd from './ParetoNbd.js'
import * as Mle from './Mle.js'

// Poisson counts: LL(λ) = S ln λ - n λ (+ a constant); the maximum is λ = S/n, the observed
// information S/λ² = n²/S, so the standard error is sqrt(S)/n.
const counts = [3, 0, 2, 5, 1, 4, 2, 3]
const S = counts.reduce((s, k) => s + k, 0) // 20
const n = counts.length // 8
const poisson = (penalizer?: number): Mle.Problem => ({
  parameters: [{ name: 'lambda' }],
  logLikelihood: ([lambda]) => S * Math.log(lambda!) - n * lambda!,
  customers: n,
  ...(penalizer === undefined ? {} : { penalizer }),
})

describe('Mle', () => {
  it('Given Poisson counts, When fitted, Then the estimate is the mean and the standard error sqrt(S)/n', () => {
    const e = Mle.fit(poisson())
    expect(e.converged).toBe(true)
    expect(e.degenerate).toBe(false)
    expect(e.values[0]).toBeCloseTo(20 / 8, 6)
    const se = Math.sqrt(20) / 8
    expect(e.parameters[0]!.standardError).toBeCloseTo(se, 5)
    // The 95% interval is taken on the log scale: λ exp(±1.96 se/λ).
    expect(e.parameters[0]!.lower).toBeCloseTo(2.5 * Math.exp((-1.959964 * se) / 2.5), 4)
    expect(e.parameters[0]!.upper).toBeCloseTo(2.5 * Math.exp((1.959964 * se) / 2.5), 4)
    expect(e.aic).toBeCloseTo(2 - 2 * (20 * Math.log(2.5) - 20), 8)
    expect(e.hessianCondition).toBe(1) // one parameter
  })

  it("Given a penalty c, When fitted, Then it maximizes LL/n - c λ² as lifetimes' penalizer_coef does", () => {
    // d/dλ: S/(n λ) - 1 - 2cλ = 0, so 2cλ² + λ - S/n = 0 and λ = (-1 + sqrt(1 + 8c S/n)) / (4c).
    const c = 0.3
    const e = Mle.fit(poisson(c))
    expect(e.penalizer).toBe(0.3)
    expect(e.values[0]).toBeCloseTo((-1 + Math.sqrt(1 + 8 * c * 2.5)) / (4 * c), 7)
  })

  it('Given a likelihood that keeps growing as a parameter grows, When fitted, Then the fit is degenerate and says which way it went', () => {
    const e = Mle.fit({
      parameters: [{ name: 'theta' }, { name: 'k' }],
      logLikelihood: ([t, k]) => -1 / t! - (k! - 2) ** 2,
      customers: 10,
    })
    expect(e.degenerate).toBe(true)
    expect(e.boundaries).toEqual([
      {
        parameters: ['theta'],
        directions: ['infinity'],
        limit: null,
        meaning: 'theta runs off to infinity: the data cannot pin it down',
      },
    ])
    // k stays finite, with its standard error from the information of the rest: -d²LL/dk² = 2, se = sqrt(1/2).
    expect(e.values[1]).toBeCloseTo(2, 6)
    expect(e.parameters[1]!.standardError).toBeCloseTo(Math.SQRT1_2, 4)
    expect(e.parameters[0]!.standardError).toBeNull()
    expect(e.freeParameters).toBe(1)
  })

  it('Given a maximum below the bound a parameter is kept above, When fitted, Then the parameter sits at the bound and the fit says so', () => {
    const e = Mle.fit({
      parameters: [{ name: 'q', aboveOne: true }],
      logLikelihood: ([q]) => -((q! - 0.5) ** 2),
      customers: 1,
    })
    expect(e.degenerate).toBe(true)
    expect(e.values[0]).toBeCloseTo(1, 6)
    expect(e.boundaries[0]!.meaning).toBe(
      'q runs down to the bound 1 it is kept above: the unconstrained maximum is at q <= 1',
    )
  })

  it('Given a pair whose product is what the data fix, When the first runs off and the second to 0, Then the limit is the product', () => {
    // LL = -(p g - 3)² - 1/p: the supremum is at p → ∞ with p g = 3.
    const e = Mle.fit({
      parameters: [{ name: 'p' }, { name: 'g' }],
      logLikelihood: ([p, g]) => -((p! * g! - 3) ** 2) - 1 / p!,
      customers: 1,
      pairs: [{ kind: 'product', members: [0, 1], limit: 'pg', describe: (v) => `pg = ${v.toFixed(3)}` }],
    })
    expect(e.degenerate).toBe(true)
    const [b] = e.boundaries
    expect(b!.parameters).toEqual(['p', 'g'])
    expect(b!.directions).toEqual(['infinity', 'zero'])
    expect(b!.limit!.value).toBeCloseTo(3, 6)
    // -d²LL/d(pg)² = 2 at the limit: se = sqrt(1/2).
    expect(b!.limit!.standardError).toBeCloseTo(Math.SQRT1_2, 4)
    expect(b!.meaning).toBe('pg = 3.000')
  })

  it('Given customers who all have the same history, When BG/NBD is fitted, Then both mixing distributions collapse and the limits are the best single rate and dropout', () => {
    // For identical customers a mixture can never beat the point mass at its best value (Jensen),
    // so the maximum is at the boundary: r, α → ∞ with λ = r/α, and a, b → ∞ with p = a/(a+b).
    // A customer with rate λ and dropout p, x = 2, t_x = 10, T = 40 has likelihood
    // λ² [(1-p)² e^(-40λ) + p (1-p) e^(-10λ)]: maximized below by nested golden sections.
    const customers = Array.from({ length: 100 }, () => ({ frequency: 2, recency: 10, T: 40 }))
    const pointMass = (lambda: number, p: number) =>
      Math.log(lambda ** 2 * ((1 - p) ** 2 * Math.exp(-40 * lambda) + p * (1 - p) * Math.exp(-10 * lambda)))
    const golden = (f: (x: number) => number, lo: number, hi: number): number => {
      const g = (Math.sqrt(5) - 1) / 2
      let [a, b] = [lo, hi]
      for (let i = 0; i < 200; i++) {
        const c = b - g * (b - a)
        const d = a + g * (b - a)
        if (f(c) > f(d)) b = d
        else a = c
      }
      return (a + b) / 2
    }
    const bestP = (lambda: number) => golden((p) => pointMass(lambda, p), 1e-9, 1 - 1e-9)
    const lambda = golden((l) => pointMass(l, bestP(l)), 1e-6, 2)
    const p = bestP(lambda)

    const fit = BgNbd.fit(customers, 'week')
    const e = fit.estimate
    expect(e.degenerate).toBe(true)
    expect(e.boundaries.map((b) => [b.parameters, b.limit!.name])).toEqual([
      [['r', 'alpha'], 'lambda'],
      [['a', 'b'], 'p'],
    ])
    expect(e.boundaries[0]!.limit!.value).toBeCloseTo(lambda, 5)
    expect(e.boundaries[1]!.limit!.value).toBeCloseTo(p, 5)
    expect(e.boundaries[1]!.meaning).toBe(
      `dropout is the same for every customer: p = ${p.toFixed(3)} after each repeat purchase`,
    )
    // The likelihood reached is the point mass's.
    expect(e.logLikelihood).toBeCloseTo(100 * pointMass(lambda, p), 4)
    expect(e.freeParameters).toBe(2)
    expect(e.aic).toBeCloseTo(4 - 2 * e.logLikelihood, 8)
  })

  it('Given the same identical customers, When Pareto/NBD is fitted, Then the limit is a Poisson rate x/T with nobody dropping out, and the dropout scale is not identified', () => {
    // With s → 0 nobody drops out, and the likelihood is the Poisson λ^x e^(-λT) of one rate:
    // λ = 200 purchases / 3,000 weeks = 1/15, with standard error sqrt(λ / 3,000) = 0.004714.
    const customers = Array.from({ length: 100 }, () => ({ frequency: 2, recency: 20, T: 30 }))
    const e = ParetoNbd.fit(customers, 'week').estimate
    expect(e.degenerate).toBe(true)
    expect(e.converged).toBe(true)
    const [rate, dropout] = e.boundaries
    expect(rate!.limit!.value).toBeCloseTo(1 / 15, 7)
    expect(rate!.limit!.standardError).toBeCloseTo(Math.sqrt(1 / 15 / 3000), 6)
    expect(dropout!.parameters).toEqual(['s'])
    expect(dropout!.meaning).toBe('s runs off to 0: the data show no sign of customers dropping out')
    expect(e.unidentified).toEqual(['beta'])
    // 100 (2 ln λ - 30 λ) at λ = 1/15 (the x ln x terms of the Poisson are constants of the data).
    expect(e.logLikelihood).toBeCloseTo(100 * (2 * Math.log(1 / 15) - 2), 4)
  })

  it('Given identical customers for whom dropping out would not help, When MBG/NBD is fitted, Then the collapsed dropout runs to 0 too and the fit says nobody drops out', () => {
    // With a single rate λ and dropout p, x = 2, t_x = 20, T = 30:
    // L = (1-p)³ λ² e^(-30λ) + p (1-p)² λ² e^(-20λ), whose slope in p at 0 is λ² (-3 e^(-30λ) + e^(-20λ)),
    // negative while e^(10λ) < 3, i.e. λ < 0.11: at λ = 2/30 the best p is 0, a Poisson of rate 1/15.
    const customers = Array.from({ length: 100 }, () => ({ frequency: 2, recency: 20, T: 30 }))
    const e = MbgNbd.fit(customers, 'week').estimate
    expect(e.degenerate).toBe(true)
    expect(e.converged).toBe(true)
    const [rate, dropout] = e.boundaries
    expect(rate!.limit!.value).toBeCloseTo(1 / 15, 7)
    expect(rate!.limit!.standardError).toBeCloseTo(Math.sqrt(1 / 15 / 3000), 6)
    expect(dropout!.limit!.value).toBeLessThan(1e-6)
    expect(dropout!.limit!.standardError).toBeNull()
    expect(dropout!.meaning).toBe('no customer drops out: the dropout probability runs off to 0 for everyone')
    expect(e.logLikelihood).toBeCloseTo(100 * (2 * Math.log(1 / 15) - 2), 4)
  })
})
