import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Report from './Report.js'
import * as Leads from './Leads.js'
import * as Ledger from './Ledger.js'
import * as Revenue from './Revenue.js'

const { at, optedIn, nurtured, purchased, referred, churned } = Fixtures

const report = (events: readonly LifecycleEvent.LifecycleEvent[], options: Ledger.Options = {}): Report.Report =>
  Fold.run(Report.fold(options), events)

describe('leads, conversion, funnel, revenue and channels (period January 2025)', () => {
  // Period [2025-01-01, 2025-02-01). Every customer's events are in time order.
  const events = [
    // a: new lead (webinar, spring, cost 1000), nurtured before buying, buys twice, refers x.
    optedIn('a', '2025-01-02T10:00:00Z', { channel: 'webinar', campaign: 'spring', acquisitionCostCents: 1000 }),
    nurtured('a', '2025-01-03T10:00:00Z'),
    purchased('a', '2025-01-05T10:00:00Z', 'a1', 5000),
    purchased('a', '2025-01-20T10:00:00Z', 'a2', 3000),
    referred('a', '2025-01-21T10:00:00Z', 'x'),
    // b: new lead (webinar, cost 3000), not nurtured, buys in EUR after 10 days.
    optedIn('b', '2025-01-04T10:00:00Z', { channel: 'webinar', acquisitionCostCents: 3000 }),
    purchased('b', '2025-01-14T10:00:00Z', 'b1', 2000, 'EUR'),
    // c: new lead (seo, spring), nurtured, never buys.
    optedIn('c', '2025-01-10T10:00:00Z', { channel: 'seo', campaign: 'spring' }),
    nurtured('c', '2025-01-11T10:00:00Z'),
    // d: opted in before the period: not a new lead; buys in January.
    optedIn('d', '2024-12-20T10:00:00Z', { channel: 'seo' }),
    purchased('d', '2025-01-15T10:00:00Z', 'd1', 1000),
    // e: bought in December, then opted in: had a purchase before its opt-in, not a new lead.
    purchased('e', '2024-12-01T10:00:00Z', 'e1', 4000),
    optedIn('e', '2025-01-05T10:00:00Z', { channel: 'seo' }),
    // f: new lead (paid-social, cost 500), buys only after the period.
    optedIn('f', '2025-01-25T10:00:00Z', { channel: 'paid-social', acquisitionCostCents: 500 }),
    purchased('f', '2025-02-03T10:00:00Z', 'f1', 9999),
    // g: new lead in the last millisecond of the period.
    optedIn('g', '2025-01-31T23:59:59.999Z', { channel: 'seo' }),
    // h: opts in exactly at `to`: outside the period and not counted anywhere.
    optedIn('h', '2025-02-01T00:00:00Z', { channel: 'seo' }),
    // x: referred by a on 21 January, buys on 25 January.
    purchased('x', '2025-01-25T10:00:00Z', 'x1', 500),
  ]
  const r = report(events, { from: at('2025-01-01T00:00:00Z'), to: at('2025-02-01T00:00:00Z') })

  it('counts new leads L = {a, b, c, f, g} by channel and campaign, and all opt-ins before to', () => {
    expect(r.leads).toEqual({
      new: 5,
      newByChannel: { 'paid-social': 1, seo: 2, webinar: 2 },
      newByCampaign: { spring: 2 },
      total: 7, // a, b, c, d, e, f, g opted in before to; h did not
      costPerLeadCents: 900, // (1000 + 3000 + 500) / 5
      cac: 2250, // 4500 / 2 converted
      // Default scoring: fit 10 (no channelPoints), an email touch 5, threshold 40. a and c reach
      // 10 + 5 = 15 at their touch, the others 10: no lead of L is sales-ready.
      salesReady: 0,
      medianDaysToSalesReady: null,
    })
  })

  it('converts a and b; splits by nurture; the median of 3 and 10 days is 6.5', () => {
    expect(r.conversion).toEqual({
      leadToCustomer: 2 / 5,
      byChannel: { 'paid-social': 0, seo: 0, webinar: 1 },
      byCampaign: { spring: 1 / 2 },
      nurtured: 1 / 2, // nurtured {a, c}: a converted
      unnurtured: 1 / 3, // {b, f, g}: b converted
      medianDaysToConvert: 6.5,
      salesReady: null, // SR is empty
      notSalesReady: 2 / 5, // a and b converted, out of the 5 leads outside SR
    })
  })

  it('lists each lead of L with what became of it', () => {
    const state = Fold.run(Ledger.fold({ from: at('2025-01-01T00:00:00Z'), to: at('2025-02-01T00:00:00Z') }), events)
    const lead = (id: string, channel: string, campaign: string | null, cost: number | null) => ({
      customerId: Fixtures.cid(id),
      channel,
      campaign,
      acquisitionCostCents: cost,
    })
    expect([...Leads.leadsOf(state)]).toEqual([
      // prettier-ignore
      { ...lead('a', 'webinar', 'spring', 1000), nurtured: true, converted: true, daysToConvert: 3, repeat: true, referred: true, revenue: { USD: 8000 } },
      // prettier-ignore
      { ...lead('b', 'webinar', null, 3000), nurtured: false, converted: true, daysToConvert: 10, repeat: false, referred: false, revenue: { EUR: 2000 } },
      // prettier-ignore
      { ...lead('c', 'seo', 'spring', null), nurtured: true, converted: false, daysToConvert: null, repeat: false, referred: false, revenue: null },
      // f bought only after `to`: the ledger ignores that purchase.
      // prettier-ignore
      { ...lead('f', 'paid-social', null, 500), nurtured: false, converted: false, daysToConvert: null, repeat: false, referred: false, revenue: null },
      // prettier-ignore
      { ...lead('g', 'seo', null, null), nurtured: false, converted: false, daysToConvert: null, repeat: false, referred: false, revenue: null },
    ])
  })

  it('builds the funnel with overall and relative rates', () => {
    expect(r.funnel).toEqual([
      { step: 'optedIn', count: 5, overall: 1, relative: 1 },
      { step: 'nurtured', count: 2, overall: 2 / 5, relative: 2 / 5 },
      { step: 'converted', count: 2, overall: 2 / 5, relative: 2 / 5 },
      { step: 'repeat', count: 1, overall: 1 / 5, relative: 1 / 2 }, // a bought twice
      { step: 'referred', count: 1, overall: 1 / 5, relative: 1 / 2 }, // a referred x
    ])
  })

  it('keeps money per currency: revenue in the period, AOV and historic CLV before to', () => {
    // USD in January: a 5000 + 3000, d 1000, x 500 = 9500; e's December 4000 is before from.
    // No refunds: net equals gross. No purchase carries a category.
    expect(r.revenue).toEqual({
      totalCents: { EUR: 2000, USD: 9500 },
      refundedCents: {},
      netCents: { EUR: 2000, USD: 9500 },
      byCategory: {},
    })
    // Buyers before to: a, b, d, e, x; only a bought twice.
    expect(r.repeatPurchaseRate).toBe(1 / 5)
    // USD purchases before to: 5000, 3000, 1000, 4000, 500 = 13500 over 5 orders; EUR 2000 / 1.
    expect(r.aovCents).toEqual({ EUR: 2000, USD: 2700 })
    // USD payers a, d, e, x: 13500 / 4; EUR payer b: 2000 / 1.
    expect(r.clv.historicAverageCents).toEqual({ EUR: 2000, USD: 3375 })
    // M = January; its only non-null churn rate is January's (e active at its start, no churn): 0.
    expect(r.clv.formulaCents).toEqual({ EUR: null, USD: null })
  })

  it("gives each buyer's historic value: all its purchases before to, per currency", () => {
    const state = Fold.run(Ledger.fold({ from: at('2025-01-01T00:00:00Z'), to: at('2025-02-01T00:00:00Z') }), events)
    expect(new Map(Revenue.historicValues(state))).toEqual(
      new Map([
        ['a', { USD: 8000 }], // 5000 + 3000
        ['b', { EUR: 2000 }],
        ['d', { USD: 1000 }],
        ['e', { USD: 4000 }], // December: before from, but before to
        ['x', { USD: 500 }],
        // f bought only after to: no value; leads without purchases have none either.
      ]),
    )
  })

  it('counts customers: S = {e}, E = {a, b, d, e, x}, N = {a, b, d, x}', () => {
    expect(r.customers).toEqual({ active: 5, new: 4 })
    expect(r.churn).toEqual({ count: 0, rate: 0, byReason: {} })
    expect(r.retention).toEqual({ rate: 1 })
  })

  it('counts referrals: one sent, one of five buyers referred, x converted', () => {
    expect(r.referrals).toEqual({ count: 1, rate: 1 / 5, converted: 1 })
  })

  it('reports channels and campaigns with cost, revenue per currency and ROI', () => {
    expect(r.channels).toEqual({
      'paid-social': {
        leads: 1,
        converted: 0,
        leadToCustomer: 0,
        salesReady: 0,
        costCents: 500,
        revenueCents: {},
        roi: -1,
      },
      seo: { leads: 2, converted: 0, leadToCustomer: 0, salesReady: 0, costCents: null, revenueCents: {}, roi: null },
      // Revenue in two currencies: no ROI.
      webinar: {
        leads: 2,
        converted: 2,
        leadToCustomer: 1,
        salesReady: 0,
        costCents: 4000,
        revenueCents: { EUR: 2000, USD: 8000 },
        roi: null,
      },
    })
    expect(r.campaigns).toEqual({
      spring: {
        leads: 2,
        converted: 1,
        leadToCustomer: 1 / 2,
        salesReady: 0,
        costCents: 1000,
        revenueCents: { USD: 8000 },
        roi: 7,
      },
    })
  })

  it('builds cohorts and the lifecycle up to January', () => {
    expect(r.cohorts).toEqual([
      // e did not buy in January; its December 4000 stays its value in January.
      { month: '2024-12', size: 1, retention: [1, 0], netRevenuePerCustomerCents: { USD: [4000, 4000] } },
      // {a, b, d, x}: USD 5000 + 3000 (a) + 1000 (d) + 500 (x) = 9500 / 4 = 2375; EUR 2000 (b) / 4 = 500.
      { month: '2025-01', size: 4, retention: [1], netRevenuePerCustomerCents: { EUR: [500], USD: [2375] } },
    ])
    expect(r.lifecycle).toEqual([
      { month: '2024-12', new: 1, returning: 0, resurrecting: 0, dormant: 0 },
      { month: '2025-01', new: 4, returning: 0, resurrecting: 0, dormant: -1 },
    ])
  })

  it('applies a conversion window: b took 10 days, so a 7-day window converts only a', () => {
    const windowed = report(events, {
      from: at('2025-01-01T00:00:00Z'),
      to: at('2025-02-01T00:00:00Z'),
      conversionWindowDays: 7,
    })
    expect(windowed.conversion.leadToCustomer).toBe(1 / 5)
    expect(windowed.conversion.medianDaysToConvert).toBe(3)
    expect(windowed.leads.cac).toBe(4500)
  })
})

describe('churn, retention, reactivation and formula CLV (period March 2025)', () => {
  const events = [
    // p: active since January, churns in March.
    purchased('p', '2025-01-10T00:00:00Z', 'p1', 1000),
    purchased('p', '2025-02-10T00:00:00Z', 'p2', 1000),
    churned('p', '2025-03-15T00:00:00Z'),
    // q: churns in February, reactivated by a purchase in March.
    purchased('q', '2025-01-20T00:00:00Z', 'q1', 2000),
    churned('q', '2025-02-05T00:00:00Z'),
    purchased('q', '2025-03-10T00:00:00Z', 'q2', 2000),
    // r: buys in February and March.
    purchased('r', '2025-02-15T00:00:00Z', 'r1', 3000),
    purchased('r', '2025-03-05T00:00:00Z', 'r2', 3000),
    // s: joins and churns inside March: not counted as churn.
    purchased('s', '2025-03-20T00:00:00Z', 's1', 500),
    churned('s', '2025-03-25T00:00:00Z'),
    // u: a lead who churns (unsubscribes): never active.
    optedIn('u', '2025-01-01T00:00:00Z'),
    churned('u', '2025-02-01T00:00:00Z'),
  ]
  const r = report(events, { from: at('2025-03-01T00:00:00Z'), to: at('2025-04-01T00:00:00Z') })

  it('S = {p, r}, E = {q, r}, N = {s}: churn 1/2, retention 1/2', () => {
    expect(r.customers).toEqual({ active: 2, new: 1 })
    expect(r.churn).toEqual({ count: 1, rate: 1 / 2, byReason: { unspecified: 1 } }) // p's Churned has no reason
    expect(r.retention).toEqual({ rate: 1 / 2 })
  })

  it('computes formula CLV from March ARPA and the mean of February and March churn', () => {
    // ARPA (M = March): (2000 + 3000 + 500) / 2 active at the end of March = 2750.
    // February: p and q active at its start, q churned: 1/2. March: p and r, p churned: 1/2.
    // January and earlier: nobody active at the start, left out. meanChurn = 1/2.
    expect(r.clv.formulaCents).toEqual({ USD: 2750 / (1 / 2) })
  })

  it('builds cohorts January, February, March and the lifecycle with a resurrection', () => {
    expect(r.cohorts).toEqual([
      // p bought in Feb, q in Mar. Money: January 1000 (p) + 2000 (q) = 3000; February 1000 (p);
      // March 2000 (q). Cumulative 3000, 4000, 6000 over 2 customers.
      // prettier-ignore
      { month: '2025-01', size: 2, retention: [1, 1 / 2, 1 / 2], netRevenuePerCustomerCents: { USD: [1500, 2000, 3000] } },
      // r: 3000 in February, 3000 in March.
      { month: '2025-02', size: 1, retention: [1, 1], netRevenuePerCustomerCents: { USD: [3000, 6000] } },
      { month: '2025-03', size: 1, retention: [1], netRevenuePerCustomerCents: { USD: [500] } },
    ])
    expect(r.lifecycle).toEqual([
      { month: '2025-01', new: 2, returning: 0, resurrecting: 0, dormant: 0 },
      { month: '2025-02', new: 1, returning: 1, resurrecting: 0, dormant: -1 }, // q went dormant
      { month: '2025-03', new: 1, returning: 1, resurrecting: 1, dormant: -1 }, // q back, p dormant
    ])
  })
})

describe('implicit churn (inactivityDays = 30, period February 2025)', () => {
  const events = [
    // v: the second purchase is exactly 30 days after the first (at purchase + D: no churn);
    // its own implicit churn falls on 2 March, after the period.
    purchased('v', '2025-01-01T00:00:00Z', 'v1', 100),
    purchased('v', '2025-01-31T00:00:00Z', 'v2', 100),
    // w: implicitly churned on 31 December, reactivated on 10 February.
    purchased('w', '2024-12-01T00:00:00Z', 'w1', 100),
    purchased('w', '2025-02-10T00:00:00Z', 'w2', 100),
    // y: implicitly churned on 9 February, inside the period.
    purchased('y', '2025-01-10T00:00:00Z', 'y1', 100),
    // z: buys again exactly at its due instant (5 January + 30 days = 4 February): no churn.
    purchased('z', '2025-01-05T00:00:00Z', 'z1', 100),
    purchased('z', '2025-02-04T00:00:00Z', 'z2', 100),
  ]
  const period = { from: at('2025-02-01T00:00:00Z'), to: at('2025-03-01T00:00:00Z') }

  it('S = {v, y, z}; y churns implicitly inside the period; E = {v, w, z}', () => {
    const r = report(events, { ...period, inactivityDays: 30 })
    expect(r.churn).toEqual({ count: 1, rate: 1 / 3, byReason: { inactive: 1 } })
    expect(r.retention).toEqual({ rate: 2 / 3 })
    expect(r.customers).toEqual({ active: 3, new: 0 })
  })

  it('without the option only Churned events churn: S = E = {v, w, y, z}', () => {
    const r = report(events, period)
    expect(r.churn).toEqual({ count: 0, rate: 0, byReason: {} })
    expect(r.retention).toEqual({ rate: 1 })
    expect(r.customers).toEqual({ active: 4, new: 0 })
  })

  it('an implicit churn counts in the monthly churn of formula CLV', () => {
    // M = February. Active at the start of February: v, y, z (w churned on 31 December) = 3;
    // y churned on 9 February: 1/3. January: nobody active at its start (w churned on
    // 31 December; v bought at exactly 1 January 00:00, not before it): null, left out.
    // December: nobody active at its start either. meanChurn = 1/3.
    // ARPA: February revenue 100 (w) + 100 (z) = 200 over active at the end of February
    // (v, w, z) = 3.
    const r = report(events, { ...period, inactivityDays: 30 })
    expect(r.clv.formulaCents).toEqual({ USD: 200 / 3 / (1 / 3) })
  })
})

describe('edge cases', () => {
  it('gives null rates, empty tables and no period for an empty log', () => {
    const r = report([])
    expect(r.period).toEqual({ from: null, to: null })
    expect(r.conversion.leadToCustomer).toBeNull()
    expect(r.conversion.medianDaysToConvert).toBeNull()
    expect(r.churn.rate).toBeNull()
    expect(r.retention.rate).toBeNull()
    expect(r.repeatPurchaseRate).toBeNull()
    expect(r.referrals.rate).toBeNull()
    expect(r.leads.costPerLeadCents).toBeNull()
    expect(r.funnel.map((s) => s.overall)).toEqual([null, null, null, null, null])
    expect(r.cohorts).toEqual([])
    expect(r.lifecycle).toEqual([])
    expect(r.clv).toEqual({ historicAverageCents: {}, formulaCents: {} })
  })

  it('defaults the period to the earliest event and just after the latest', () => {
    const r = report([optedIn('a', '2025-01-02T10:00:00Z'), purchased('b', '2025-03-04T05:06:07.008Z', 'o', 1)])
    expect(r.period).toEqual({ from: '2025-01-02T10:00:00.000Z', to: '2025-03-04T05:06:07.009Z' })
    expect(r.leads.new).toBe(1)
    expect(r.customers.new).toBe(1)
  })

  it('a purchase at the same instant as the opt-in, earlier in the log, is not "before" it', () => {
    const r = report([purchased('a', '2025-01-02T10:00:00Z', 'o', 100), optedIn('a', '2025-01-02T10:00:00Z')])
    expect(r.leads.new).toBe(1)
    expect(r.conversion.leadToCustomer).toBe(1)
    expect(r.conversion.medianDaysToConvert).toBe(0)
    expect(r.channels['seo']!.revenueCents).toEqual({ USD: 100 })
  })

  it('a nurture at the same instant as the first purchase is not before it', () => {
    const r = report([
      optedIn('a', '2025-01-01T00:00:00Z'),
      nurtured('a', '2025-01-02T00:00:00Z'),
      purchased('a', '2025-01-02T00:00:00Z', 'o', 100),
    ])
    expect(r.funnel[1]).toEqual({ step: 'nurtured', count: 0, overall: 0, relative: 0 })
  })

  it('a churn exactly at from is in the period; a purchase exactly at to is not', () => {
    const r = report(
      [
        purchased('a', '2025-01-10T00:00:00Z', 'o1', 100),
        churned('a', '2025-02-01T00:00:00Z'),
        purchased('b', '2025-01-10T00:00:00Z', 'o1', 100),
        purchased('b', '2025-03-01T00:00:00Z', 'o2', 700),
      ],
      { from: at('2025-02-01T00:00:00Z'), to: at('2025-03-01T00:00:00Z') },
    )
    expect(r.churn).toEqual({ count: 1, rate: 1 / 2, byReason: { unspecified: 1 } })
    expect(r.revenue.totalCents).toEqual({})
    expect(r.aovCents).toEqual({ USD: 100 })
  })

  it('a referred person who bought only before being referred has not converted', () => {
    const r = report([
      purchased('x', '2025-01-01T00:00:00Z', 'o', 100),
      purchased('a', '2025-01-02T00:00:00Z', 'o', 100),
      referred('a', '2025-01-03T00:00:00Z', 'x'),
    ])
    expect(r.referrals).toEqual({ count: 1, rate: 1 / 2, converted: 0 })
  })

  it('an empty campaign string is no campaign', () => {
    const r = report([optedIn('a', '2025-01-02T10:00:00Z', { campaign: '' })])
    expect(r.campaigns).toEqual({})
    expect(r.leads.newByCampaign).toEqual({})
  })

  it('a free order (0 cents) is revenue in its currency: the channel shows USD 0, ROI -1', () => {
    const r = report([
      optedIn('a', '2025-01-02T10:00:00Z', { acquisitionCostCents: 300 }),
      purchased('a', '2025-01-03T10:00:00Z', 'o', 0),
    ])
    expect(r.channels['seo']).toEqual({
      leads: 1,
      converted: 1,
      leadToCustomer: 1,
      salesReady: 0,
      costCents: 300,
      revenueCents: { USD: 0 },
      roi: -1,
    })
    expect(r.clv.historicAverageCents).toEqual({ USD: 0 })
  })

  it('reads one customer back as an object of facts', () => {
    const state = Fold.run(Ledger.fold(), [
      optedIn('a', '2025-01-02T10:00:00Z', { campaign: 'spring' }),
      purchased('a', '2025-01-03T10:00:00Z', 'o1', 100),
      purchased('a', '2025-02-03T10:00:00Z', 'o2', 250, 'EUR'),
    ])
    expect(Ledger.factsOf(state, Fixtures.cid('a'))).toMatchObject({
      optInAt: at('2025-01-02T10:00:00Z'),
      channel: 'seo',
      campaign: 'spring',
      newLead: true,
      firstPurchaseAt: at('2025-01-03T10:00:00Z'),
      lastPurchaseAt: at('2025-02-03T10:00:00Z'),
      purchases: 2,
      revenue: { USD: 100, EUR: 250 },
      active: true,
      cohort: 2025 * 12,
      lastPurchaseMonth: 2025 * 12 + 1,
    })
    expect(Ledger.factsOf(state, Fixtures.cid('nobody'))).toBeUndefined()
  })
})
