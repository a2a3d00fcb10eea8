import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'
import * as Revenue from './Revenue.js'

const { at, cid, optedIn, purchased, refunded, churned } = Fixtures

const report = (events: readonly LifecycleEvent.LifecycleEvent[], options: Ledger.Options = {}): Report.Report =>
  Fold.run(Report.fold(options), events)

const february = { from: at('2025-02-01T00:00:00Z'), to: at('2025-03-01T00:00:00Z') }
const march = { from: at('2025-03-01T00:00:00Z'), to: at('2025-04-01T00:00:00Z') }
const februaryAndMarch = { from: at('2025-02-01T00:00:00Z'), to: at('2025-04-01T00:00:00Z') }

describe('refunds and net money (period February 2025)', () => {
  const events = [
    // a bought a1 in January (before from), a2 in February; a2 is refunded twice.
    purchased('a', '2025-01-20T10:00:00Z', 'a1', 10_000),
    purchased('a', '2025-02-05T10:00:00Z', 'a2', 4000, 'USD', 'books'),
    refunded('a', '2025-02-10T10:00:00Z', 'a1', 3000), // an order bought before from
    refunded('a', '2025-02-12T10:00:00Z', 'a2', 1000),
    refunded('a', '2025-02-20T10:00:00Z', 'a2', 500),
    // b, new in February, pays in two currencies: b1 is refunded in full (EUR), b2 twice (USD).
    purchased('b', '2025-02-03T10:00:00Z', 'b1', 2000, 'EUR', 'courses'),
    purchased('b', '2025-02-04T10:00:00Z', 'b2', 6000, 'USD', 'books'),
    refunded('b', '2025-02-06T10:00:00Z', 'b1', 2000, 'EUR', 'damaged'),
    refunded('b', '2025-02-07T10:00:00Z', 'b2', 1000),
    refunded('b', '2025-02-08T10:00:00Z', 'b2', 1000),
    // c's order is refunded in March, a later period than the order's.
    purchased('c', '2025-02-25T10:00:00Z', 'c1', 5000),
    refunded('c', '2025-03-05T10:00:00Z', 'c1', 2000),
    // d is never refunded.
    purchased('d', '2025-02-10T10:00:00Z', 'd1', 1000),
  ]
  const r = report(events, february)

  it('sums the gross orders, the refunds of the period and their difference per currency', () => {
    expect(r.revenue).toEqual({
      // USD: a2 4000 + b2 6000 + c1 5000 + d1 1000 = 16000 (a1 is before from); EUR: b1 2000.
      totalCents: { EUR: 2000, USD: 16_000 },
      // USD: 3000 (a1) + 1000 + 500 (a2) + 1000 + 1000 (b2) = 6500; EUR 2000 (b1). c's refund is in March.
      refundedCents: { EUR: 2000, USD: 6500 },
      // USD 16000 - 6500 = 9500; EUR 2000 - 2000 = 0.
      netCents: { EUR: 0, USD: 9500 },
      // books: a2 4000 + b2 6000 = 10000 USD; courses: b1 2000 EUR; c1 and d1 carry no category.
      byCategory: { books: { USD: 10_000 }, courses: { EUR: 2000 } },
    })
  })

  it('counts refunds, and the orders of the period refunded before to, each once', () => {
    // Refunds in February: a1, a2, a2, b1, b2, b2 = 6.
    // Orders of February: a2, b1, b2, c1, d1 = 5; refunded before to: a2, b1, b2 = 3 (a1 was
    // bought before from; c1's refund comes after to).
    expect(r.refunds).toEqual({ count: 6, orderRate: 3 / 5 })
  })

  it('nets historic CLV and the per-customer value; AOV stays gross', () => {
    // USD before to: 10000 + 4000 + 6000 + 5000 + 1000 = 26000 over 5 orders: AOV 5200.
    expect(r.aovCents).toEqual({ EUR: 2000, USD: 5200 })
    // Net USD: 26000 - 6500 = 19500 over the 4 USD payers a, b, c, d = 4875.
    // Net EUR: 2000 - 2000 = 0 over b, who paid in EUR though refunded in full: 0.
    expect(r.clv.historicAverageCents).toEqual({ EUR: 0, USD: 4875 })
    const state = Fold.run(Ledger.fold(february), events)
    expect(new Map(Revenue.historicValues(state))).toEqual(
      new Map([
        ['a', { USD: 9500 }], // 10000 + 4000 - 3000 - 1000 - 500
        ['b', { EUR: 0, USD: 4000 }], // EUR 2000 - 2000; USD 6000 - 1000 - 1000
        ['c', { USD: 5000 }], // its refund is after to
        ['d', { USD: 1000 }],
      ]),
    )
  })

  it("nets the cohorts' lifetime value curves at each refund's month", () => {
    expect(r.cohorts.map((c) => [c.month, c.netRevenuePerCustomerCents])).toEqual([
      // a: January 10000; February 4000 - 3000 - 1000 - 500 = -500: cumulative 10000, 9500.
      ['2025-01', { USD: [10_000, 9500] }],
      // b, c, d: USD 6000 - 2000 + 5000 + 1000 = 10000 over 3; EUR 2000 - 2000 = 0 over 3.
      ['2025-02', { EUR: [0], USD: [10_000 / 3] }],
    ])
  })

  it('counts a refund in the period of the refund, not of its order', () => {
    const m = report(events, march)
    // March has no orders and one refund: c1's 2000 USD. Net revenue is negative.
    expect(m.revenue).toEqual({
      totalCents: {},
      refundedCents: { USD: 2000 },
      netCents: { USD: -2000 },
      byCategory: {},
    })
    expect(m.refunds).toEqual({ count: 1, orderRate: null })
    // As of April: net USD 19500 - 2000 = 17500 over 4 payers.
    expect(m.clv.historicAverageCents).toEqual({ EUR: 0, USD: 17_500 / 4 })
    expect(m.cohorts.map((c) => [c.month, c.netRevenuePerCustomerCents])).toEqual([
      ['2025-01', { USD: [10_000, 9500, 9500] }],
      // c's refund in March: 10000 - 2000 = 8000 over 3.
      ['2025-02', { EUR: [0, 0], USD: [10_000 / 3, 8000 / 3] }],
    ])
  })

  it('over February and March, c1 is an order of the period refunded before to', () => {
    const both = report(events, februaryAndMarch)
    // Orders a2, b1, b2, c1, d1; refunded a2, b1, b2, c1: 4 of 5. Refunds 6 + 1 = 7.
    expect(both.refunds).toEqual({ count: 7, orderRate: 4 / 5 })
    // USD refunds 6500 + 2000 = 8500; net 16000 - 8500 = 7500.
    expect(both.revenue.refundedCents).toEqual({ EUR: 2000, USD: 8500 })
    expect(both.revenue.netCents).toEqual({ EUR: 0, USD: 7500 })
  })

  it('without a from, every order is of the period and a second refund of one counts once', () => {
    const all = report(events)
    // Orders a1, a2, b1, b2, c1, d1 = 6; refunded: a1, a2, b1, b2, c1 = 5.
    expect(all.refunds).toEqual({ count: 7, orderRate: 5 / 6 })
  })
})

describe('net channel and campaign revenue and ROI (period January 2025)', () => {
  const events = [
    // webinar: a (cost 2000) and b (cost 1000).
    optedIn('a', '2025-01-02T10:00:00Z', { channel: 'webinar', acquisitionCostCents: 2000 }),
    purchased('a', '2025-01-05T10:00:00Z', 'a1', 10_000),
    refunded('a', '2025-01-10T10:00:00Z', 'a1', 4000),
    optedIn('b', '2025-01-03T10:00:00Z', { channel: 'webinar', acquisitionCostCents: 1000 }),
    purchased('b', '2025-01-06T10:00:00Z', 'b1', 3000),
    refunded('b', '2025-01-07T10:00:00Z', 'b1', 3000),
    // seo, campaign spring: c pays in EUR and USD; the USD order is refunded in full.
    optedIn('c', '2025-01-04T10:00:00Z', { channel: 'seo', campaign: 'spring', acquisitionCostCents: 500 }),
    purchased('c', '2025-01-06T10:00:00Z', 'c1', 1000, 'EUR'),
    purchased('c', '2025-01-07T10:00:00Z', 'c2', 500),
    refunded('c', '2025-01-08T10:00:00Z', 'c2', 500),
    // ads: d's only order is refunded in full.
    optedIn('d', '2025-01-05T10:00:00Z', { channel: 'ads', acquisitionCostCents: 1000 }),
    purchased('d', '2025-01-06T10:00:00Z', 'd1', 800),
    refunded('d', '2025-01-09T10:00:00Z', 'd1', 800),
  ]
  const r = report(events, { from: at('2025-01-01T00:00:00Z'), to: at('2025-02-01T00:00:00Z') })

  it('nets revenue and ROI per channel; several currencies still mean no ROI', () => {
    expect(r.channels).toEqual({
      // 800 - 800 = 0 net: ROI (0 - 1000) / 1000 = -1.
      ads: {
        leads: 1,
        converted: 1,
        leadToCustomer: 1,
        salesReady: 0,
        costCents: 1000,
        revenueCents: { USD: 0 },
        roi: -1,
      },
      // EUR 1000; USD 500 - 500 = 0, still a currency it bought in: two currencies, no ROI.
      seo: {
        leads: 1,
        converted: 1,
        leadToCustomer: 1,
        salesReady: 0,
        costCents: 500,
        revenueCents: { EUR: 1000, USD: 0 },
        roi: null,
      },
      // (10000 - 4000) + (3000 - 3000) = 6000 net; cost 3000: ROI (6000 - 3000) / 3000 = 1.
      webinar: {
        leads: 2,
        converted: 2,
        leadToCustomer: 1,
        salesReady: 0,
        costCents: 3000,
        revenueCents: { USD: 6000 },
        roi: 1,
      },
    })
    expect(r.campaigns).toEqual({
      spring: {
        leads: 1,
        converted: 1,
        leadToCustomer: 1,
        salesReady: 0,
        costCents: 500,
        revenueCents: { EUR: 1000, USD: 0 },
        roi: null,
      },
    })
  })

  it('reads each customer back with its net revenue', () => {
    const state = Fold.run(Ledger.fold(), events)
    expect(Ledger.factsOf(state, cid('c'))?.revenue).toEqual({ EUR: 1000, USD: 0 })
    expect(Ledger.factsOf(state, cid('a'))?.revenue).toEqual({ USD: 6000 })
  })
})

describe('formula CLV with net ARPA (M = March 2025)', () => {
  const events = [
    // p: active since January, churns in February; its EUR order is partly refunded in March.
    purchased('p', '2025-01-10T00:00:00Z', 'p1', 1000),
    purchased('p', '2025-01-15T00:00:00Z', 'p2', 1000, 'EUR'),
    churned('p', '2025-02-20T00:00:00Z'),
    refunded('p', '2025-03-05T00:00:00Z', 'p2', 400, 'EUR'),
    // q: active since January; buys and is partly refunded in March.
    purchased('q', '2025-01-20T00:00:00Z', 'q1', 2000),
    purchased('q', '2025-03-10T00:00:00Z', 'q2', 3000),
    refunded('q', '2025-03-12T00:00:00Z', 'q2', 500),
    // r: buys in February (USD and JPY), churns in March.
    purchased('r', '2025-02-15T00:00:00Z', 'r1', 4000),
    purchased('r', '2025-02-16T00:00:00Z', 'r2', 100, 'JPY'),
    churned('r', '2025-03-20T00:00:00Z'),
  ]

  it('reports each currency with a purchase or a refund in M, null where net ARPA is negative', () => {
    const r = report(events, { to: at('2025-04-01T00:00:00Z') })
    // meanChurn: January has nobody active at its start (null, left out); February: p and q
    // active at its start, p churned: 1/2; March: q and r, r churned: 1/2. Mean 1/2.
    // Active at the end of March: q only.
    // USD in March: 3000 - 500 = 2500 / 1 = ARPA 2500; LTV 2500 / (1/2) = 5000.
    // EUR in March: a refund only, -400 / 1 < 0: null. JPY: nothing in March, left out.
    expect(r.clv.formulaCents).toEqual({ EUR: null, USD: 5000 })
  })
})
