import { Fixtures } from '@lifeline/core/testing'
import { describe, expect, it } from 'vitest'
import * as Fold from '../Fold.js'
import * as BgNbd from './BgNbd.js'
import { cdnowEvents } from './cdnow.fixture.js'
import * as Clv from './Clv.js'
import * as GammaGamma from './GammaGamma.js'
import * as Rfm from './Rfm.js'

const { purchased } = Fixtures
const sample = Fold.run(Rfm.fold({ to: Date.UTC(1997, 9, 1), unit: 'week' }), cdnowEvents())

describe('Clv.analyze', () => {
  const flat = Clv.analyze(sample, { model: 'bgnbd', horizon: { n: 52, unit: 'week' }, discountRate: 0 })

  it('Given no discounting, When analyzed, Then each CLV is the expected purchases times the expected spend', () => {
    const [r, alpha, a, b] = flat.model.values as [number, number, number, number]
    const params = { r, alpha, a, b }
    const spend = flat.spend[0]!.fitted!.params
    for (const c of flat.customers.slice(0, 50)) {
      expect(c.expectedPurchases).toBeCloseTo(BgNbd.expectedPurchases(params, 52, c), 10)
      expect(c.pAlive).toBe(BgNbd.probabilityAlive(params, c))
      expect(c.expectedAverageSpendCents).toBe(GammaGamma.expectedAverageSpend(spend, c))
      expect(c.clvCents).toBeCloseTo(c.expectedPurchases * c.expectedAverageSpendCents!, 8)
    }
  })

  it('Given a discount rate, When analyzed, Then each period’s purchases are discounted by (1 + rate)^k', () => {
    const rate = 0.01
    const discounted = Clv.analyze(sample, { model: 'bgnbd', horizon: { n: 3, unit: 'week' }, discountRate: rate })
    const [r, alpha, a, b] = discounted.model.values as [number, number, number, number]
    const params = { r, alpha, a, b }
    const c = discounted.customers.find((x) => x.frequency === 3)!
    // E(1), E(2) - E(1), E(3) - E(2), discounted by 1.01, 1.01², 1.01³.
    const e = [0, 1, 2, 3].map((t) => BgNbd.expectedPurchases(params, t, c))
    const expected = [1, 2, 3].reduce((s, k) => s + (e[k]! - e[k - 1]!) / 1.01 ** k, 0) * c.expectedAverageSpendCents!
    expect(c.clvCents).toBeCloseTo(expected, 8)
    expect(c.clvCents!).toBeLessThan(c.expectedPurchases * c.expectedAverageSpendCents!)
  })

  it('Given a yearly discount rate, When converted to weeks, Then 52 weeks of it compound to it', () => {
    expect(Clv.ratePerUnit(0.1, 'week', 'day')).toBeCloseTo(Math.pow(1.1, 1 / 7) - 1, 14)
    expect(Math.pow(1 + Clv.ratePerUnit(0.1, 'day', 'week'), 1 / 7) - 1).toBeCloseTo(0.1, 14)
    expect(Clv.inUnit({ n: 26, unit: 'week' }, 'day')).toBe(182)
    expect(() => Clv.inUnit({ n: 2, unit: 'month' }, 'week')).toThrow(
      'a duration in months cannot be expressed in weeks',
    )
  })

  it('Given the same data in days and in weeks, When analyzed, Then the predictions agree', () => {
    const days = Fold.run(Rfm.fold({ to: Date.UTC(1997, 9, 1), unit: 'day' }), cdnowEvents())
    const byDay = Clv.analyze(days, { model: 'bgnbd', horizon: { n: 26, unit: 'week' }, discountRate: 0 })
    const byWeek = Clv.analyze(sample, { model: 'bgnbd', horizon: { n: 182, unit: 'day' }, discountRate: 0 })
    expect(byDay.model.params['r']).toBeCloseTo(byWeek.model.params['r']!, 4)
    expect(byDay.model.params['alpha']! / 7).toBeCloseTo(byWeek.model.params['alpha']!, 3)
    const total = (a: Clv.Analysis) => a.customers.reduce((s, x) => s + x.expectedPurchases, 0)
    expect(total(byDay) / total(byWeek)).toBeCloseTo(1, 4)
  })

  it('Given customers in two currencies and one in both, When analyzed, Then the purchase model counts all and the spend is per currency', () => {
    // 8 USD customers and 6 EUR customers, each with a repeat purchase; one customer in both.
    const events = [
      ...Array.from({ length: 8 }, (_, i) => [
        purchased(`u${i}`, '2025-01-02T00:00:00Z', 'o1', 1000 + 100 * i),
        purchased(`u${i}`, `2025-02-${String(10 + i).padStart(2, '0')}T00:00:00Z`, 'o2', 900 + 150 * i),
      ]).flat(),
      ...Array.from({ length: 6 }, (_, i) => [
        purchased(`e${i}`, '2025-01-05T00:00:00Z', 'o1', 2000, 'EUR'),
        purchased(`e${i}`, `2025-03-${String(1 + 3 * i).padStart(2, '0')}T00:00:00Z`, 'o2', 1000 + 400 * i, 'EUR'),
      ]).flat(),
      purchased('both', '2025-01-03T00:00:00Z', 'o1', 500),
      purchased('both', '2025-01-20T00:00:00Z', 'o2', 700, 'EUR'),
      purchased('once', '2025-02-01T00:00:00Z', 'o1', 800),
    ]
    const summary = Fold.run(Rfm.fold({ to: Date.UTC(2025, 5, 1), unit: 'week' }), events)
    const all = Clv.analyze(summary, { model: 'bgnbd', horizon: { n: 10, unit: 'week' }, discountRate: 0 })
    expect(all.model.customers).toBe(16) // 8 + 6 + both + once
    expect(all.spend.map((s) => [s.currency, s.customers, s.repeatBuyers])).toEqual([
      ['USD', 9, 8], // the 8 and `once`
      ['EUR', 6, 6],
    ])
    expect(all.excluded).toEqual([{ customers: 1, reason: 'paid in several currencies (CLV is per currency)' }])
    expect(all.customers.find((c) => c.customerId === 'both')!.clvCents).toBeNull()
    // Narrowing the spend to EUR: the purchase model is the same, USD customers are not valued.
    const eur = Clv.analyze(summary, {
      model: 'bgnbd',
      horizon: { n: 10, unit: 'week' },
      discountRate: 0,
      spend: { currency: 'EUR' },
    })
    expect(eur.model.values).toEqual(all.model.values)
    expect(eur.spend.map((s) => s.currency)).toEqual(['EUR'])
    expect(eur.excluded).toEqual([
      { customers: 1, reason: 'paid in several currencies (CLV is per currency)' },
      { customers: 9, reason: 'paid in USD (only EUR was asked for)' },
    ])
    expect(() =>
      Clv.analyze(summary, {
        model: 'bgnbd',
        horizon: { n: 10, unit: 'week' },
        discountRate: 0,
        spend: { currency: 'GBP' },
      }),
    ).toThrow('no customer paid in GBP only')
  })

  it('Given a currency with fewer than 5 repeat buyers, When analyzed, Then its spend model is not fitted and its customers are listed as such', () => {
    const events = [
      ...Array.from({ length: 6 }, (_, i) => [
        purchased(`u${i}`, '2025-01-02T00:00:00Z', 'o1', 1000),
        purchased(`u${i}`, `2025-02-${String(10 + i).padStart(2, '0')}T00:00:00Z`, 'o2', 900 + 150 * i),
      ]).flat(),
      purchased('j', '2025-01-02T00:00:00Z', 'o1', 1000, 'JPY'),
      purchased('j', '2025-01-09T00:00:00Z', 'o2', 1000, 'JPY'),
    ]
    const summary = Fold.run(Rfm.fold({ to: Date.UTC(2025, 5, 1), unit: 'week' }), events)
    const a = Clv.analyze(summary, { model: 'bgnbd', horizon: { n: 10, unit: 'week' }, discountRate: 0 })
    const jpy = a.spend.find((s) => s.currency === 'JPY')!
    expect(jpy.fitted).toBeNull()
    expect(jpy.note).toBe('1 repeat buyer in JPY: too few to fit the spend model (at least 5)')
    expect(a.excluded).toEqual([{ customers: 1, reason: jpy.note }])
  })

  it('Given BG/BB and a continuous unit, When analyzed, Then it says BG/BB needs calendar periods', () => {
    expect(() => Clv.analyze(sample, { model: 'bgbb', horizon: { n: 2, unit: 'week' }, discountRate: 0 })).toThrow(
      'BG/BB needs a calendar unit (month, quarter or year), not weeks',
    )
  })

  it('Given P(alive) values, When binned, Then each bin counts its customers and 1 falls in the last', () => {
    const bins = Clv.pAliveDistribution([{ pAlive: 0 }, { pAlive: 0.05 }, { pAlive: 0.55 }, { pAlive: 1 }], 4)
    expect(bins).toEqual([
      { from: 0, to: 0.25, customers: 2, share: 0.5 },
      { from: 0.25, to: 0.5, customers: 0, share: 0 },
      { from: 0.5, to: 0.75, customers: 1, share: 0.25 },
      { from: 0.75, to: 1, customers: 1, share: 0.25 },
    ])
  })
})
