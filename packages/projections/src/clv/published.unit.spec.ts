import { describe, expect, it } from 'vitest'
import * as Fold from '../Fold.js'
import * as BgBb from './BgBb.js'
import * as BgNbd from './BgNbd.js'
import { cdnowEvents } from './cdnow.fixture.js'
import { donationEvents, donationRows } from './donations.fixture.js'
import * as GammaGamma from './GammaGamma.js'
import * as MbgNbd from './MbgNbd.js'
import * as ParetoNbd from './ParetoNbd.js'
import { group } from './Patterns.js'
import * as Rfm from './Rfm.js'
import * as Sbg from './ShiftedBetaGeometric.js'

// CDNOW sample, calibration to 1997-09-30 inclusive, weeks, same-day purchases merged.
const summary = Fold.run(Rfm.fold({ to: Date.UTC(1997, 9, 1), unit: 'week' }), cdnowEvents())
const digits = (x: number, n: number) => Number(x.toFixed(n))

describe('reproducing the published fits on CDNOW (data/cdnow/README.md)', () => {
  it('summarizes 2,357 customers, 946 of them with a repeat purchase', () => {
    expect(summary.customers).toHaveLength(2357)
    expect(summary.customers.filter((c) => c.frequency > 0)).toHaveLength(946)
  })

  it('BG/NBD: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4', () => {
    const fit = BgNbd.fit(summary.customers, 'week')
    expect(fit.estimate.converged).toBe(true)
    expect(fit.estimate.degenerate).toBe(false)
    const { r, alpha, a, b } = fit.params
    expect([digits(r, 3), digits(alpha, 3), digits(a, 3), digits(b, 3)]).toEqual([0.243, 4.414, 0.793, 2.426])
    expect(digits(fit.estimate.logLikelihood, 1)).toBe(-9582.4)
  })

  it('Pareto/NBD: r = 0.553, alpha = 10.578, s = 0.606, beta = 11.67 (flat: 2 decimals), log-likelihood -9595.0', () => {
    const fit = ParetoNbd.fit(summary.customers, 'week')
    expect(fit.estimate.converged).toBe(true)
    const { r, alpha, s, beta } = fit.params
    expect([digits(r, 3), digits(alpha, 3), digits(s, 3), digits(beta, 2)]).toEqual([0.553, 10.578, 0.606, 11.67])
    expect(digits(fit.estimate.logLikelihood, 1)).toBe(-9595.0)
  })

  it("Pareto/NBD standard errors from the inverse Hessian: CLVTools' r 0.0476, alpha 0.8427, s 0.1873, beta 6.2105", () => {
    const fit = ParetoNbd.fit(summary.customers, 'week')
    const [r, alpha, s, beta] = fit.estimate.parameters.map((p) => p.standardError!)
    expect([digits(r!, 4), digits(alpha!, 4), digits(s!, 4)]).toEqual([0.0476, 0.8427, 0.1873])
    // beta sits on a flat ridge (published betas 11.656 to 11.672): its standard error moves with
    // it, so within 0.02% (6.2105 ± 0.0012).
    expect(Math.abs(beta! - 6.2105) / 6.2105).toBeLessThan(2e-4)
  })

  it('MBG/NBD: r = 0.525, alpha = 6.183, a = 0.891, b = 1.614', () => {
    const fit = MbgNbd.fit(summary.customers, 'week')
    expect(fit.estimate.converged).toBe(true)
    const { r, alpha, a, b } = fit.params
    expect([digits(r, 3), digits(alpha, 3), digits(a, 3), digits(b, 3)]).toEqual([0.525, 6.183, 0.891, 1.614])
  })

  it('Gamma-Gamma on the 946 repeat buyers: p = 6.25, q = 3.74, gamma = 15.44 dollars', () => {
    const fit = GammaGamma.fit(summary.customers)
    expect(fit.customers).toBe(946)
    expect(fit.estimate.converged).toBe(true)
    // Spends are in cents, so gamma (a scale) is in cents: 1544 cents = 15.44 dollars.
    expect([digits(fit.params.p, 2), digits(fit.params.q, 2), digits(fit.params.gamma / 100, 2)]).toEqual([
      6.25, 3.74, 15.44,
    ])
  })

  it('sBG on the "regular" cohort of Fader and Hardie (2007): alpha = 0.704, beta = 1.182', () => {
    const fit = Sbg.fit([1000, 631, 468, 382, 326, 289, 262, 241])
    expect(fit.estimate.converged).toBe(true)
    expect([digits(fit.params.alpha, 3), digits(fit.params.beta, 3)]).toEqual([0.704, 1.182])
  })
})

describe('reproducing the published BG/BB fit on the donations (data/donations/README.md)', () => {
  // The 11,104 people as events, summarized in calendar years up to the end of 2001.
  const years = Fold.run(Rfm.fold({ to: Date.UTC(2002, 0, 1), unit: 'year' }), donationEvents())

  it('Given the events, When summarized in years, Then the patterns are the file’s rows', () => {
    expect(years.customers).toHaveLength(11_104)
    const rows = group(years.customers).rows.map((r) => [r.frequency, r.recency, r.T, r.n])
    expect(new Set(rows.map((r) => r.join(',')))).toEqual(new Set(donationRows().map((r) => r.join(','))))
  })

  it('alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.784 (flat: ± 0.001), log-likelihood -33,225.58', () => {
    const fit = BgBb.fit(years.customers, 'year')
    expect(fit.estimate.converged).toBe(true)
    const { alpha, beta, gamma, delta } = fit.params
    expect([digits(alpha, 3), digits(beta, 3), digits(gamma, 3)]).toEqual([1.204, 0.75, 0.657])
    expect(digits(fit.estimate.logLikelihood, 2)).toBe(-33225.58)
    // delta has the largest standard error (0.32) and the likelihood is flat along it: the
    // maximum is at 2.7834, 0.0006 from the published 2.784, where the log-likelihood is lower.
    expect(Math.abs(delta - 2.784)).toBeLessThan(0.001)
    const published = BgBb.logLikelihood(
      { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.784 },
      group(years.customers),
    )
    expect(fit.estimate.logLikelihood).toBeGreaterThanOrEqual(published)
    expect(digits(published, 2)).toBe(-33225.58)
  })
})
