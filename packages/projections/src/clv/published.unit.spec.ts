import { describe, expect, it } from 'vitest'
import * as Fold from '../Fold.js'
import * as BgNbd from './BgNbd.js'
import { cdnowEvents } from './cdnow.fixture.js'
import * as GammaGamma from './GammaGamma.js'
import * as ParetoNbd from './ParetoNbd.js'
import * as Rfm from './Rfm.js'
import * as Sbg from './ShiftedBetaGeometric.js'

// CDNOW sample, calibration to 1997-09-30 inclusive, weeks, same-day purchases merged.
const summary = Fold.run(Rfm.fold({ to: Date.UTC(1997, 9, 1), unit: 'week' }), cdnowEvents())
const digits = (x: number, n: number) => Number(x.toFixed(n))

describe('reproducing the published fits on CDNOW', () => {
  it('summarizes 2,357 customers, 946 of them with a repeat purchase', () => {
    expect(summary.customers).toHaveLength(2357)
    expect(summary.customers.filter((c) => c.frequency > 0)).toHaveLength(946)
  })

  it('BG/NBD: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4', () => {
    const fit = BgNbd.fit(summary.customers, 'week')
    expect(fit.converged).toBe(true)
    const { r, alpha, a, b } = fit.params
    expect([digits(r, 3), digits(alpha, 3), digits(a, 3), digits(b, 3)]).toEqual([0.243, 4.414, 0.793, 2.426])
    expect(digits(fit.logLikelihood, 1)).toBe(-9582.4)
  })

  it('Pareto/NBD: r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, log-likelihood -9595.0', () => {
    const fit = ParetoNbd.fit(summary.customers, 'week')
    expect(fit.converged).toBe(true)
    const { r, alpha, s, beta } = fit.params
    expect([digits(r, 3), digits(alpha, 3), digits(s, 3), digits(beta, 3)]).toEqual([0.553, 10.578, 0.606, 11.669])
    expect(digits(fit.logLikelihood, 1)).toBe(-9595.0)
  })

  it('Gamma-Gamma on the 946 repeat buyers: p = 6.25, q = 3.74, gamma = 15.44 dollars', () => {
    const fit = GammaGamma.fit(summary.customers)
    expect(fit.customers).toBe(946)
    expect(fit.converged).toBe(true)
    // Spends are in cents, so gamma (a scale) is in cents: 1544 cents = 15.44 dollars.
    expect([digits(fit.params.p, 2), digits(fit.params.q, 2), digits(fit.params.gamma / 100, 2)]).toEqual([
      6.25, 3.74, 15.44,
    ])
  })

  it('sBG on the "regular" cohort of Fader and Hardie (2007): alpha = 0.704, beta = 1.182', () => {
    const fit = Sbg.fit([1000, 631, 468, 382, 326, 289, 262, 241])
    expect(fit.converged).toBe(true)
    expect([digits(fit.params.alpha, 3), digits(fit.params.beta, 3)]).toEqual([0.704, 1.182])
  })
})
