import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as CustomerList from './CustomerList.js'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'

const { at, cid, optedIn, purchased, refunded, referred, churned, surveyed } = Fixtures

const touch = (customer: string, when: string, kind: 'call' | 'event'): LifecycleEvent.LifecycleEvent => ({
  type: 'Nurtured',
  customerId: cid(customer),
  occurredAt: at(when),
  touch: kind,
})

// An id with a comma, a quote and a newline: it must survive CSV.
const odd = 'x,"y\nz'

describe('the customer list as of 2025-07-01 (half-life 181 days)', () => {
  const options: Ledger.Options = {
    from: at('2025-01-01T00:00:00Z'),
    to: at('2025-07-01T00:00:00Z'),
    scoring: { halfLifeDays: 181 },
  }
  const events = [
    // a: fit 10 + a call (15) on 1 January, 181 days (one half-life) before to: 17.5 at to.
    // Two purchases (USD, EUR), refers b and e: an advocate; first purchase before 2 April, two
    // purchases in the year: invested.
    optedIn('a', '2025-01-01T00:00:00Z', { channel: 'webinar', campaign: 'spring' }),
    touch('a', '2025-01-01T00:00:00Z', 'call'),
    purchased('a', '2025-02-01T00:00:00Z', 'a1', 1000),
    purchased('a', '2025-03-01T00:00:00Z', 'a2', 500, 'EUR'),
    referred('a', '2025-03-05T00:00:00Z', 'b'),
    referred('a', '2025-03-05T00:00:00Z', 'e'),
    surveyed('a', '2025-03-10T00:00:00Z', 'nps', 9),
    // b: two events at its opt-in: 10 + 30 = 40, sales-ready on 6 March; a lead, a prospect.
    optedIn('b', '2025-03-06T00:00:00Z', { channel: 'referral', referredBy: 'a' }),
    touch('b', '2025-03-06T00:00:00Z', 'event'),
    touch('b', '2025-03-06T00:00:00Z', 'event'),
    // c: a direct buyer of June, refunded in part: a customer, new.
    purchased('c', '2025-06-01T00:00:00Z', 'c1', 2000),
    refunded('c', '2025-06-02T00:00:00Z', 'c1', 500),
    surveyed('c', '2025-06-03T00:00:00Z', 'csat', 4),
    // d: a lead that churned: stage churned, tier none.
    optedIn('d', '2025-01-05T00:00:00Z', { channel: 'seo' }),
    churned('d', '2025-02-01T00:00:00Z'),
    // The odd id: bought and churned in 2024: churned, lapsed.
    purchased(odd, '2024-01-01T00:00:00Z', 'o1', 300),
    churned(odd, '2024-06-01T00:00:00Z'),
  ]
  const state = Fold.run(Ledger.fold(options), events)
  const ids = (rows: Iterable<CustomerList.Row>) => [...rows].map((r) => r.customerId)

  it('lists every customer with events once, in the order they appeared (e, only referred, is not one)', () => {
    expect([...CustomerList.list(state)]).toEqual([
      {
        customerId: 'a',
        stage: 'advocate',
        tier: 'invested',
        score: 17.5,
        salesReadyAt: null,
        channel: 'webinar',
        campaign: 'spring',
        firstPurchaseAt: '2025-02-01T00:00:00.000Z',
        lastPurchaseAt: '2025-03-01T00:00:00.000Z',
        purchases: 2,
        netRevenueCents: { EUR: 500, USD: 1000 },
        nps: 9,
        csat: null,
      },
      {
        customerId: 'b',
        stage: 'lead',
        tier: 'prospect',
        // 117 days from 6 March to 1 July (the decay is within two units in the last place of `**`).
        score: expect.closeTo(10 + 30 * 0.5 ** (117 / 181), 12) as number,
        salesReadyAt: '2025-03-06T00:00:00.000Z',
        channel: 'referral',
        campaign: null,
        firstPurchaseAt: null,
        lastPurchaseAt: null,
        purchases: 0,
        netRevenueCents: {},
        nps: null,
        csat: null,
      },
      {
        customerId: 'c',
        stage: 'customer',
        tier: 'new',
        score: null,
        salesReadyAt: null,
        channel: null,
        campaign: null,
        firstPurchaseAt: '2025-06-01T00:00:00.000Z',
        lastPurchaseAt: '2025-06-01T00:00:00.000Z',
        purchases: 1,
        netRevenueCents: { USD: 1500 },
        nps: null,
        csat: 4,
      },
      {
        customerId: 'd',
        stage: 'churned',
        tier: 'none',
        score: 10,
        salesReadyAt: null,
        channel: 'seo',
        campaign: null,
        firstPurchaseAt: null,
        lastPurchaseAt: null,
        purchases: 0,
        netRevenueCents: {},
        nps: null,
        csat: null,
      },
      {
        customerId: odd,
        stage: 'churned',
        tier: 'lapsed',
        score: null,
        salesReadyAt: null,
        channel: null,
        campaign: null,
        firstPurchaseAt: '2024-01-01T00:00:00.000Z',
        lastPurchaseAt: '2024-01-01T00:00:00.000Z',
        purchases: 1,
        netRevenueCents: { USD: 300 },
        nps: null,
        csat: null,
      },
    ])
  })

  it('counts the same tiers as the report', () => {
    const counts: Record<string, number> = { prospect: 0, new: 0, invested: 0, regular: 0, lapsed: 0 }
    for (const row of CustomerList.list(state)) if (row.tier !== 'none') counts[row.tier]!++
    expect(counts).toEqual(Report.fromLedger(state).tiers.counts)
  })

  it('filters by tier, stage and sales-readiness; every filter must hold', () => {
    expect(ids(CustomerList.list(state, { tiers: ['prospect', 'new'] }))).toEqual(['b', 'c'])
    expect(ids(CustomerList.list(state, { stages: ['churned'] }))).toEqual(['d', odd])
    expect(ids(CustomerList.list(state, { salesReady: true }))).toEqual(['b'])
    expect(ids(CustomerList.list(state, { salesReady: false }))).toEqual(['a', 'c', 'd', odd])
    expect(ids(CustomerList.list(state, { stages: ['churned'], tiers: ['lapsed'] }))).toEqual([odd])
  })

  it('pages with a limit and a cursor (the last id of the previous page)', () => {
    expect(ids(CustomerList.list(state, { limit: 2 }))).toEqual(['a', 'b'])
    expect(ids(CustomerList.list(state, { limit: 2, after: 'b' }))).toEqual(['c', 'd'])
    expect(ids(CustomerList.list(state, { limit: 2, after: 'd' }))).toEqual([odd])
    expect(ids(CustomerList.list(state, { after: odd }))).toEqual([])
    // Filters and the cursor together: the churned after d.
    expect(ids(CustomerList.list(state, { stages: ['churned'], after: 'd' }))).toEqual([odd])
    expect(ids(CustomerList.list(state, { limit: 0 }))).toEqual([])
  })

  it('sorts by a field, missing values last, ties in the order of appearance', () => {
    const rows = CustomerList.rowsOf(state)
    const by = (field: CustomerList.SortField, descending: boolean) =>
      ids(CustomerList.list(state, { sort: { key: rows.key(field), descending } }))
    // Purchases: a 2; c and the odd id 1 (in that order); b and d 0.
    expect(by('purchases', true)).toEqual(['a', 'c', odd, 'b', 'd'])
    // Scores: b about 29.2, a 17.5, d 10; c and the odd id never opted in: last either way.
    expect(by('score', true)).toEqual(['b', 'a', 'd', 'c', odd])
    expect(by('score', false)).toEqual(['d', 'a', 'b', 'c', odd])
    // A cursor in a sorted list continues after that customer's place.
    expect(
      ids(CustomerList.list(state, { sort: { key: rows.key('score'), descending: true }, after: 'a', limit: 2 })),
    ).toEqual(['d', 'c'])
  })
})
