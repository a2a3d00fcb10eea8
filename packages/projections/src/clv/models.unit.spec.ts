import { Fixtures } from '@lifeline/core/testing'
import { describe, expect, it } from 'vitest'
import * as Fold from '../Fold.js'
import * as BgNbd from './BgNbd.js'
import { cdnowEvents } from './cdnow.fixture.js'
import * as Clv from './Clv.js'
import * as GammaGamma from './GammaGamma.js'
import { nelderMead } from './Optimize.js'
import * as ParetoNbd from './ParetoNbd.js'
import * as Rfm from './Rfm.js'
import * as Sbg from './ShiftedBetaGeometric.js'

const { purchased, optedIn } = Fixtures

describe('the RFM summary (lifetimes rules)', () => {
  const events = [
    purchased('a', '2025-01-01T09:00:00Z', 'o1', 1000),
    purchased('a', '2025-01-01T18:00:00Z', 'o2', 500), // same UTC day: one bucket of 1500
    purchased('a', '2025-01-08T10:00:00Z', 'o3', 2000),
    purchased('a', '2025-01-15T23:59:59Z', 'o4', 4000),
    purchased('a', '2025-01-16T00:00:00Z', 'o5', 999), // at `to`: left out
    optedIn('b', '2025-01-02T00:00:00Z'),
    purchased('c', '2025-01-03T12:00:00Z', 'o1', 700),
    purchased('c', '2025-01-04T12:00:00Z', 'o2', 300, 'EUR'), // another currency: left out
  ]
  const to = Date.UTC(2025, 0, 16)

  it('buckets by UTC day, counts repeat days, and averages the repeat days only', () => {
    const s = Fold.run(Rfm.fold({ to, unit: 'day' }), events)
    expect(s.currency).toBe('USD')
    // End day: 15 January (the day of the last instant before to).
    expect(s.customers).toEqual([
      // days 1, 8, 15 January: frequency 2, recency 14, T 14, monetary (2000 + 4000) / 2.
      { customerId: 'a', frequency: 2, recency: 14, T: 14, monetaryCents: 3000 },
      // one day (3 January): T = 15 - 3 = 12 days.
      { customerId: 'c', frequency: 0, recency: 0, T: 12, monetaryCents: 0 },
    ])
  })

  it('gives recency and T in weeks of 7 days', () => {
    const s = Fold.run(Rfm.fold({ to, unit: 'week' }), events)
    expect(s.customers[0]).toEqual({ customerId: 'a', frequency: 2, recency: 2, T: 2, monetaryCents: 3000 })
    expect(s.customers[1]!.T).toBe(12 / 7)
  })
})

describe('the models', () => {
  const summary = Fold.run(Rfm.fold({ to: Date.UTC(1997, 9, 1), unit: 'week' }), cdnowEvents())
  const bg = BgNbd.fit(summary.customers, 'week')
  const pnbd = ParetoNbd.fit(summary.customers, 'week')
  const c = { frequency: 2, recency: 30.43, T: 38.86 }

  it('BG/NBD: grouped likelihood equals the per-customer sum', () => {
    const direct = summary.customers.reduce((s, x) => s + BgNbd.customerLogLikelihood(bg.params, x), 0)
    expect(BgNbd.logLikelihood(bg.params, summary.customers)).toBeCloseTo(direct, 6)
  })

  it('BG/NBD: P(alive) = 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)), and 1 without repeats', () => {
    const { r, alpha, a, b } = bg.params
    expect(BgNbd.probabilityAlive(bg.params, c)).toBe(
      1 / (1 + (a / (b + 1)) * Math.pow((alpha + 38.86) / (alpha + 30.43), r + 2)),
    )
    expect(BgNbd.probabilityAlive(bg.params, { frequency: 0, recency: 0, T: 38.86 })).toBe(1)
  })

  it.each([
    [
      'BG/NBD',
      (t: number) => BgNbd.expectedPurchases(bg.params, t, c),
      () => BgNbd.probabilityAlive(bg.params, c),
      bg.params,
    ],
    [
      'Pareto/NBD',
      (t: number) => ParetoNbd.expectedPurchases(pnbd.params, t, c),
      () => ParetoNbd.probabilityAlive(pnbd.params, c),
      pnbd.params,
    ],
  ] as const)(
    '%s: expected purchases start at rate P(alive) * (r + x) / (alpha + T) and grow',
    (_, expected, alive, params) => {
      // The posterior mean purchase rate of an alive customer is (r + x) / (alpha + T).
      const rate = (alive() * (params.r + 2)) / (params.alpha + 38.86)
      expect(expected(1e-6) / 1e-6).toBeCloseTo(rate, 6)
      expect(expected(10)).toBeGreaterThan(expected(5))
      expect(expected(5)).toBeGreaterThan(0)
    },
  )

  it('Pareto/NBD: P(alive) is a probability, lower for a customer long silent', () => {
    const recent = ParetoNbd.probabilityAlive(pnbd.params, { frequency: 5, recency: 38, T: 38.86 })
    const silent = ParetoNbd.probabilityAlive(pnbd.params, { frequency: 5, recency: 5, T: 38.86 })
    expect(recent).toBeLessThanOrEqual(1)
    expect(silent).toBeGreaterThan(0)
    expect(silent).toBeLessThan(recent)
  })

  it('Gamma-Gamma: expected spend is p (gamma + x m) / (p x + q - 1)', () => {
    const params = { p: 6.25, q: 3.74, gamma: 1544 }
    // (6.25 * (1544 + 2 * 2234.5)) / (6.25 * 2 + 3.74 - 1) = 37583.125 / 15.24
    expect(GammaGamma.expectedAverageSpend(params, { frequency: 2, monetaryCents: 2234.5 })).toBeCloseTo(
      (6.25 * (1544 + 4469)) / 15.24,
      10,
    )
  })

  it('a model fitted in days predicts what the same model fitted in weeks predicts', () => {
    const days = Fold.run(Rfm.fold({ to: Date.UTC(1997, 9, 1), unit: 'day' }), cdnowEvents())
    const byDay = Clv.analyze(days, { model: 'bgnbd', horizon: { n: 26, unit: 'week' }, discountRate: 0 })
    const byWeek = Clv.analyze(summary, { model: 'bgnbd', horizon: { n: 182, unit: 'day' }, discountRate: 0 })
    expect(byDay.model.params.r).toBeCloseTo(byWeek.model.params.r, 3)
    expect((byDay.model.params as BgNbd.Params).alpha / 7).toBeCloseTo((byWeek.model.params as BgNbd.Params).alpha, 2)
    const total = (a: Clv.Analysis) => a.customers.reduce((s, x) => s + x.expectedPurchases, 0)
    expect(total(byDay) / total(byWeek)).toBeCloseTo(1, 3)
  })

  it('undiscounted CLV is expected purchases times expected spend; discounting lowers it', () => {
    const flat = Clv.analyze(summary, { model: 'bgnbd', horizon: { n: 52, unit: 'week' }, discountRate: 0 })
    const one = flat.customers[0]!
    expect(one.clvCents).toBeCloseTo(one.expectedPurchases * one.expectedAverageSpendCents, 6)
    const discounted = Clv.analyze(summary, {
      model: 'bgnbd',
      horizon: { n: 52, unit: 'week' },
      discountRate: 0.1,
      discountPeriod: 'week',
    })
    expect(discounted.customers[0]!.clvCents).toBeLessThan(one.clvCents)
  })
})

describe('sBG', () => {
  const params = { alpha: 0.704, beta: 1.182 }

  it('survival starts at beta / (alpha + beta) and retention rises: r(t) = (beta + t - 1) / (alpha + beta + t - 1)', () => {
    expect(Sbg.survival(params, 1)).toBeCloseTo(1.182 / 1.886, 12)
    expect(Sbg.retention(params, 3)).toBeCloseTo(3.182 / 3.886, 12)
    const { survival, retention } = Sbg.curves(params, 7)
    for (let t = 1; t < 7; t++) expect(survival[t]! / survival[t - 1]!).toBeCloseTo(retention[t]!, 12)
  })

  it('the expected discounted remaining lifetime equals the direct sum of S(t) / S(n - 1) / (1 + d)^(t - n)', () => {
    const n = 3 // after two renewals
    const d = 0.1
    let direct = 0
    for (let t = n; t < n + 20_000; t++)
      direct += Sbg.survival(params, t) / Sbg.survival(params, n - 1) / Math.pow(1 + d, t - n)
    expect(Sbg.expectedRemainingLifetime(params, n - 1, d)).toBeCloseTo(direct, 8)
    expect(() => Sbg.expectedRemainingLifetime(params, 2, 0)).toThrow(RangeError)
  })
})

describe('Nelder-Mead', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1)', () => {
    const m = nelderMead(([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! ** 2) ** 2, [-1.2, 1])
    expect(m.converged).toBe(true)
    expect(m.x[0]).toBeCloseTo(1, 6)
    expect(m.x[1]).toBeCloseTo(1, 6)
  })
})
