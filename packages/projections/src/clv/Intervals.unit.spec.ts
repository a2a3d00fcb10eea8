import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as BgNbd from './BgNbd.js'
import * as Clv from './Clv.js'
import * as Intervals from './Intervals.js'
import { seeded } from './Random.js'
import type { CustomerRfm, Summary } from './Rfm.js'
import { bgnbdCustomer } from './simulate.fixture.js'

describe('Intervals.quantile', () => {
  it('Given 1..5, When the 5% and 95% quantiles are taken, Then they interpolate between order statistics', () => {
    // Positions 0.05·4 = 0.2 and 0.95·4 = 3.8: 1 + 0.2·(2 - 1) and 4 + 0.8·(5 - 4).
    expect(Intervals.quantile([5, 3, 1, 4, 2], 0.05)).toBeCloseTo(1.2, 14)
    expect(Intervals.quantile([5, 3, 1, 4, 2], 0.95)).toBeCloseTo(4.8, 14)
    expect(Intervals.quantile([7], 0.5)).toBe(7)
  })

  it('Given any values, When a quantile is taken by selection, Then it is the one of the sorted values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b)
          const position = p * (sorted.length - 1)
          const low = Math.floor(position)
          const high = Math.min(sorted.length - 1, low + 1)
          const expected = sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!)
          expect(Intervals.quantile(values, p)).toBeCloseTo(expected, 6)
        },
      ),
    )
  })
})

/** A summary of simulated customers (one currency, one repeat spend each), as the analysis takes it. */
const summaryOf = (customers: readonly { frequency: number; recency: number; T: number }[]): Summary => ({
  unit: 'week',
  end: 0,
  customers: customers.map((c, i): CustomerRfm => ({
    customerId: `s${i}`,
    frequency: c.frequency,
    recency: c.recency,
    T: c.T,
    monetaryCents: c.frequency > 0 ? 2000 + 37 * (i % 50) : 0,
    currency: 'USD',
  })),
})

describe('customer intervals', () => {
  const truth = { r: 0.9, alpha: 6, a: 1.4, b: 3.5 }

  it('Given the same seed, When intervals are drawn twice, Then they are the same; another seed moves them', () => {
    const random = seeded(99)
    const summary = summaryOf(Array.from({ length: 300 }, () => bgnbdCustomer(random, truth, 26 + 26 * random())))
    const options = { model: 'bgnbd', horizon: { n: 26, unit: 'week' }, discountRate: 0 } as const
    const a = Clv.analyze(summary, { ...options, intervals: { level: 0.9, draws: 100, seed: 1 } })
    const b = Clv.analyze(summary, { ...options, intervals: { level: 0.9, draws: 100, seed: 1 } })
    const c = Clv.analyze(summary, { ...options, intervals: { level: 0.9, draws: 100, seed: 2 } })
    expect(b.customers.map((x) => x.intervals)).toEqual(a.customers.map((x) => x.intervals))
    expect(c.customers.map((x) => x.intervals)).not.toEqual(a.customers.map((x) => x.intervals))
    expect(a.intervals).toEqual({
      level: 0.9,
      draws: 100,
      seed: 1,
      method: '90% intervals: percentiles of 100 draws of the parameters from their asymptotic normal (seed 1)',
      unavailable: null,
    })
    // Each interval holds its point estimate.
    for (const x of a.customers) {
      const i = x.intervals!
      expect(i.expectedPurchases.lower).toBeLessThanOrEqual(x.expectedPurchases * (1 + 1e-9))
      expect(i.expectedPurchases.upper).toBeGreaterThanOrEqual(x.expectedPurchases * (1 - 1e-9))
      if (x.frequency > 0) expect(i.clvCents!.lower).toBeLessThanOrEqual(x.clvCents! * (1 + 1e-9))
    }
  })

  it('Given 20 data sets of 200 customers simulated from known parameters, When 90% intervals are drawn, Then about 90% hold the true P(alive) and expected purchases', () => {
    // The truth of a customer is its P(alive) and expected purchases under the true parameters.
    // Coverage is counted over the customers whose truth is uncertain (repeat buyers: a one-time
    // buyer's P(alive) is 1 under every BG/NBD parameter).
    const random = seeded(2024)
    let pAliveIn = 0
    let purchasesIn = 0
    let counted = 0
    const perDataSet: number[] = []
    for (let k = 0; k < 20; k++) {
      const customers = Array.from({ length: 200 }, () => bgnbdCustomer(random, truth, 26 + 26 * random()))
      const analysis = Clv.analyze(summaryOf(customers), {
        model: 'bgnbd',
        horizon: { n: 26, unit: 'week' },
        discountRate: 0,
        intervals: { level: 0.9, draws: 200, seed: k },
      })
      let inThisSet = 0
      let repeatBuyers = 0
      analysis.customers.forEach((c) => {
        if (c.frequency === 0) return
        repeatBuyers++
        const i = c.intervals!
        const pAlive = BgNbd.probabilityAlive(truth, c)
        const purchases = BgNbd.expectedPurchases(truth, 26, c)
        const p = pAlive >= i.pAlive.lower && pAlive <= i.pAlive.upper
        const e = purchases >= i.expectedPurchases.lower && purchases <= i.expectedPurchases.upper
        if (p) pAliveIn++
        if (e) purchasesIn++
        if (e) inThisSet++
        counted++
      })
      perDataSet.push(inThisSet / repeatBuyers)
    }
    // The customers of one data set share its estimation error, so their coverage moves together
    // (it ranges over the data sets, which is why there are 20); pooled, it is near 90%.
    expect(pAliveIn / counted).toBeGreaterThan(0.84)
    expect(pAliveIn / counted).toBeLessThan(0.96)
    expect(purchasesIn / counted).toBeGreaterThan(0.84)
    expect(purchasesIn / counted).toBeLessThan(0.96)
    const meanPerDataSet = perDataSet.reduce((x, y) => x + y, 0) / perDataSet.length
    expect(meanPerDataSet).toBeGreaterThan(0.84)
    expect(meanPerDataSet).toBeLessThan(0.96)
  })
})
