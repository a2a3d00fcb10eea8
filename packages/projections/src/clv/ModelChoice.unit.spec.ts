import { describe, expect, it } from 'vitest'
import * as Fold from '../Fold.js'
import { cdnowEvents } from './cdnow.fixture.js'
import { donationEvents } from './donations.fixture.js'
import * as Holdout from './Holdout.js'
import * as ModelChoice from './ModelChoice.js'
import * as PurchaseHistory from './PurchaseHistory.js'
import * as Rfm from './Rfm.js'

describe('ModelChoice', () => {
  const history = Fold.run(PurchaseHistory.fold, cdnowEvents())

  it('Given no holdout, When the models are compared on CDNOW, Then the lowest AIC wins: MBG/NBD (-9582.1, 4 parameters)', () => {
    const summary = Rfm.summarize(history, { to: Date.UTC(1997, 9, 1), unit: 'week' })
    const choice = ModelChoice.choose(summary, { unit: 'week' })
    expect(choice.candidates.map((c) => c.name)).toEqual(['bgnbd', 'mbgnbd', 'paretonbd'])
    // AIC = 8 - 2 LL: BG/NBD 19172.9, MBG/NBD 19172.3, Pareto/NBD 19198.0.
    const aic = Object.fromEntries(choice.candidates.map((c) => [c.name, Number(c.fitted!.estimate.aic.toFixed(1))]))
    expect(aic).toEqual({ bgnbd: 19172.9, mbgnbd: 19172.3, paretonbd: 19198 })
    expect(choice.chosen).toBe('mbgnbd')
    expect(choice.reason).toBe(
      'lowest AIC (2k - 2 log-likelihood): MBG/NBD AIC 19172.3; the others: BG/NBD AIC 19172.9; Pareto/NBD AIC 19198.0',
    )
  })

  it('Given a holdout, When the models are compared, Then the lowest mean absolute error per customer wins', () => {
    const split = Holdout.split(history, { unit: 'week', from: Date.UTC(1997, 9, 1), to: Date.UTC(1998, 6, 1) })
    const choice = ModelChoice.choose(split.calibration, { unit: 'week', holdout: split })
    const maes = choice.candidates.map((c) => c.holdout!.meanAbsoluteError)
    const best = choice.candidates[maes.indexOf(Math.min(...maes))]!
    expect(choice.chosen).toBe(best.name)
    expect(
      choice.reason.startsWith(`lowest mean absolute error of holdout purchases per customer: ${best.label} MAE`),
    ).toBe(true)
  })

  it('Given calendar years, When the models are compared without a holdout, Then BG/BB is chosen for being the discrete-time model', () => {
    const years = Fold.run(Rfm.fold({ to: Date.UTC(2002, 0, 1), unit: 'year' }), donationEvents())
    const choice = ModelChoice.choose(years, { unit: 'year', models: ['bgnbd', 'bgbb'] })
    expect(choice.candidates.map((c) => [c.name, c.error])).toEqual([
      ['bgnbd', null],
      ['bgbb', null],
    ])
    expect(choice.chosen).toBe('bgbb')
    expect(choice.reason).toContain('the unit is a calendar period, and BG/BB is the model of discrete opportunities')
  })
})
