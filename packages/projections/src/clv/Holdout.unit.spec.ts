import { Fixtures } from '@lifeline/core/testing'
import { describe, expect, it } from 'vitest'
import * as Fold from '../Fold.js'
import * as BgNbd from './BgNbd.js'
import { cdnowEvents } from './cdnow.fixture.js'
import * as Holdout from './Holdout.js'
import * as ParetoNbd from './ParetoNbd.js'
import * as PurchaseHistory from './PurchaseHistory.js'

const { purchased } = Fixtures

describe('Holdout', () => {
  const history = Fold.run(PurchaseHistory.fold, [
    purchased('a', '2025-01-01T10:00:00Z', 'o1', 1000),
    purchased('b', '2025-01-08T10:00:00Z', 'o1', 1000),
    purchased('a', '2025-01-15T10:00:00Z', 'o2', 1000),
    purchased('a', '2025-02-05T10:00:00Z', 'o3', 1000),
    purchased('b', '2025-03-05T10:00:00Z', 'o2', 1000),
    purchased('c', '2025-03-05T11:00:00Z', 'o1', 1000), // first bought in the holdout
    purchased('a', '2025-03-12T09:00:00Z', 'o4', 1000),
    purchased('a', '2025-03-12T19:00:00Z', 'o5', 1000), // the same day: one purchase
    purchased('a', '2025-03-19T10:00:00Z', 'o6', 1000),
    purchased('a', '2025-04-02T10:00:00Z', 'o7', 1000), // after the holdout
  ])
  const split = Holdout.split(history, { unit: 'week', from: Date.UTC(2025, 2, 1), to: Date.UTC(2025, 3, 1) })

  it('Given a history, When split, Then the calibration is the summary before the holdout and the holdout counts purchase days', () => {
    expect(split.calibration.customers.map((c) => [c.customerId, c.frequency])).toEqual([
      ['a', 2],
      ['b', 0],
    ])
    // a: 12 and 19 March; b: 5 March.
    expect(split.actual).toEqual([2, 1])
    expect(split.newInHoldout).toBe(1)
    // From the calibration's last day (28 February) to the holdout's (31 March): 31 days.
    expect(split.length).toBe(31 / 7)
  })

  it('Given a fitted model, When evaluated, Then the predictions, errors and tables are the model’s, customer by customer', () => {
    const params = { r: 0.8, alpha: 5, s: 0.6, beta: 12 }
    const e = Holdout.evaluate(ParetoNbd.model, [0.8, 5, 0.6, 12], split)
    const [a, b] = split.calibration.customers
    const pa = ParetoNbd.expectedPurchases(params, 31 / 7, a!)
    const pb = ParetoNbd.expectedPurchases(params, 31 / 7, b!)
    expect(e.predicted).toEqual([pa, pb])
    expect(e.actualPurchases).toBe(3)
    expect(e.predictedPurchases).toBeCloseTo(pa + pb, 12)
    expect(e.meanAbsoluteError).toBeCloseTo((Math.abs(pa - 2) + Math.abs(pb - 1)) / 2, 12)
    expect(e.bias).toBeCloseTo((pa + pb - 3) / 2, 12)
    expect(e.byFrequency[0]).toEqual({ frequency: '0', customers: 1, actual: 1, predicted: pb })
    expect(e.byFrequency[2]).toEqual({ frequency: '2', customers: 1, actual: 2, predicted: pa })
    expect(e.byFrequency[7]).toEqual({ frequency: '7+', customers: 0, actual: 0, predicted: 0 })

    // Weeks aligned on 1 March: 9 weeks before it start on 28 December 2024; 14 weeks to 31 March.
    expect(e.tracking).toHaveLength(14)
    expect(new Date(e.tracking[0]!.start).toISOString()).toBe('2024-12-28T00:00:00.000Z')
    expect(e.tracking.map((r) => r.holdout)).toEqual([
      ...new Array<boolean>(9).fill(false),
      ...new Array<boolean>(5).fill(true),
    ])
    // Repeat purchase days: 15 January (week 2), 5 February (week 5), 5 March (week 9, b),
    // 12 March (week 10), 19 March (week 11).
    expect(e.tracking.map((r) => r.actual)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0])
    expect(e.tracking.at(-1)!.cumulativeActual).toBe(5)
    // Through 31 March a (first day 1 January) has had 89 days, b (8 January) 82: the model's
    // expected repeat purchases of new customers over those times.
    expect(e.tracking.at(-1)!.cumulativePredicted).toBeCloseTo(
      ParetoNbd.expectedPurchasesNew(params, 89 / 7) + ParetoNbd.expectedPurchasesNew(params, 82 / 7),
      10,
    )
    // Week 0 (28 December to 3 January) holds a's first 2 days: E(2/7); b is not born yet.
    expect(e.tracking[0]!.predicted).toBeCloseTo(ParetoNbd.expectedPurchasesNew(params, 2 / 7), 12)
  })

  it('Given a holdout that does not start at the beginning of a day, When split, Then it says so', () => {
    expect(() => Holdout.split(history, { unit: 'week', from: Date.UTC(2025, 2, 1, 12) })).toThrow(
      'the holdout must start at the beginning of a UTC day',
    )
    expect(() => Holdout.split(history, { unit: 'month', from: Date.UTC(2025, 2, 2) })).toThrow(
      'the holdout must start at the beginning of a month',
    )
    expect(() =>
      Holdout.split(history, { unit: 'week', from: Date.UTC(2025, 2, 1), to: Date.UTC(2025, 2, 1) }),
    ).toThrow('the holdout period is empty')
  })

  it('Given the CDNOW sample, When BG/NBD fitted to 30 September 1997 is checked on the 39 weeks after, Then its totals are those of the literature’s figure', () => {
    const cdnow = Fold.run(PurchaseHistory.fold, cdnowEvents())
    const s = Holdout.split(cdnow, { unit: 'week', from: Date.UTC(1997, 9, 1), to: Date.UTC(1998, 6, 1) })
    // 1,882 distinct customer-days with a purchase from 1 October 1997 to 30 June 1998 (counted
    // with sort -u on the file); 2,457 repeat days before.
    expect(s.actual.reduce((x, y) => x + y, 0)).toBe(1882)
    expect(s.length).toBe(39)
    const fit = BgNbd.fit(s.calibration.customers, 'week')
    const e = Holdout.evaluate(BgNbd.model, fit.values, s)
    expect(e.tracking).toHaveLength(78)
    expect(e.tracking[38]!.cumulativeActual).toBe(2457)
    expect(e.tracking.at(-1)!.cumulativeActual).toBe(2457 + 1882)
    // Fitted on the calibration, the model's cumulative curve meets the calibration's total
    // within 5% (its fit).
    expect(Math.abs(e.tracking[38]!.cumulativePredicted / 2457 - 1)).toBeLessThan(0.05)
    expect(e.byFrequency[0]!.customers).toBe(1411)
  })
})
