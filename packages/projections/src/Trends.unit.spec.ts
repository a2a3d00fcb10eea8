import { Fixtures } from '@lifeline/core/testing'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'
import * as Trends from './Trends.js'

const { optedIn, purchased, churned, refunded } = Fixtures

describe('trends by month', () => {
  it('clips the first month at a `from` inside it and the last at a `to` inside it', () => {
    // Period [2025-01-15, 2025-03-10): January counts from the 15th, March up to the 10th.
    const events = [
      purchased('d', '2024-11-01T10:00:00Z', 'd1', 300),
      purchased('c', '2024-12-01T10:00:00Z', 'c1', 50),
      purchased('a', '2024-12-20T10:00:00Z', 'a1', 100),
      churned('c', '2025-01-08T10:00:00Z'), // active on 1 January, gone before `from`
      optedIn('h', '2025-01-10T10:00:00Z', { channel: 'seo' }), // opted in before `from`: not a lead of L
      refunded('d', '2025-01-14T10:00:00Z', 'd1', 50), // before `from`: not the period's
      purchased('d', '2025-01-16T10:00:00Z', 'd2', 400),
      churned('a', '2025-01-20T10:00:00Z'),
      optedIn('e', '2025-01-20T12:00:00Z', { channel: 'ads' }),
      purchased('h', '2025-01-20T13:00:00Z', 'h1', 100),
      purchased('d', '2025-02-03T10:00:00Z', 'd3', 1000, 'EUR'),
      refunded('d', '2025-02-05T10:00:00Z', 'd2', 150), // part of January's order, refunded in February
      purchased('e', '2025-02-10T10:00:00Z', 'e1', 250),
      optedIn('f', '2025-02-20T10:00:00Z', { channel: 'ads' }),
      churned('d', '2025-03-05T10:00:00Z'),
      refunded('a', '2025-03-06T10:00:00Z', 'a1', 100), // a December order, refunded in March
      optedIn('g', '2025-03-09T23:00:00Z', { channel: 'ads' }),
      purchased('g', '2025-03-12T10:00:00Z', 'g1', 999), // after `to`: not a conversion
    ]
    const report = Fold.run(Report.fold({ from: Date.UTC(2025, 0, 15), to: Date.UTC(2025, 2, 10) }), events)
    expect(report.trends).toEqual([
      {
        month: '2025-01',
        newLeads: 1, // e
        converted: 1, // e bought on 10 February, before `to`
        newCustomers: 1, // h; d and a first bought in 2024
        activeAtEnd: 2, // on 1 February: d and h (a and c churned)
        // Active at `from` (15 January): a and d; c churned on the 8th, before `from`, so the
        // month's base is not the three active on 1 January. a churned: 1 / 2.
        churned: 1,
        churnRate: 0.5,
        revenueCents: { USD: 500 }, // d 400 + h 100; a's and c's purchases are before `from`
        netRevenueCents: { USD: 500 }, // the refund of 14 January is before `from`
      },
      {
        month: '2025-02',
        newLeads: 1, // f
        converted: 0,
        newCustomers: 1, // e
        activeAtEnd: 3, // on 1 March: d, h, e
        churned: 0,
        churnRate: 0, // 0 of the 2 active on 1 February (d, h)
        revenueCents: { EUR: 1000, USD: 250 },
        netRevenueCents: { EUR: 1000, USD: 100 }, // 250 - 150 refunded on 5 February
      },
      {
        month: '2025-03',
        newLeads: 1, // g, on 9 March at 23:00
        converted: 0, // g's purchase on 12 March is after `to`
        newCustomers: 0,
        activeAtEnd: 2, // at `to` (10 March): h, e; d churned on the 5th
        churned: 1,
        churnRate: 1 / 3, // d of the 3 active on 1 March
        revenueCents: {}, // no purchase in March
        netRevenueCents: { USD: -100 }, // but a refund of an older order: negative
      },
    ])
    // The months add up to the period: leads, new customers, and the end.
    expect(report.leads.new).toBe(3)
    expect(report.customers.new).toBe(2)
    expect(report.customers.active).toBe(2)
    expect(report.revenue.netCents).toEqual({ EUR: 1000, USD: 500 }) // 750 - 150 - 100 USD
  })

  it('counts implicit churns still pending at the end, in the month they fall in', () => {
    // 30 days without a purchase churn; period [2025-01-15, 2025-03-01).
    const events = [
      purchased('q', '2024-12-01T00:00:00Z', 'q1', 100), // churns on 31 December: not active at `from`
      purchased('p', '2024-12-25T00:00:00Z', 'p1', 100), // churns on 24 January (never folded: no later event)
      purchased('s', '2024-12-28T00:00:00Z', 's1', 100), // bought again within 30 days: active until 19 February
      purchased('r', '2025-01-20T00:00:00Z', 'r1', 700), // new; churns on 19 February
      purchased('s', '2025-01-20T00:00:00Z', 's2', 300),
    ]
    const report = Fold.run(
      Report.fold({ from: Date.UTC(2025, 0, 15), to: Date.UTC(2025, 2, 1), inactivityDays: 30 }),
      events,
    )
    expect(report.trends).toEqual([
      {
        month: '2025-01',
        newLeads: 0,
        converted: 0,
        newCustomers: 1, // r
        activeAtEnd: 2, // r and s on 1 February; p churned on the 24th
        churned: 1, // p, of p and s active at `from`
        churnRate: 0.5,
        revenueCents: { USD: 1000 },
        netRevenueCents: { USD: 1000 },
      },
      {
        month: '2025-02',
        newLeads: 0,
        converted: 0,
        newCustomers: 0,
        activeAtEnd: 0,
        churned: 2, // r and s on 19 February, both active on 1 February
        churnRate: 1,
        revenueCents: {},
        netRevenueCents: {},
      },
    ])
    // The period's own churn: p and s, of S = {p, s}.
    expect(report.churn).toMatchObject({ count: 2, rate: 1 })
  })

  it('has no month for an empty log, and one month for a period inside a month', () => {
    expect(Fold.run(Trends.fold(Ledger.fold()), [])).toEqual([])
    const one = Fold.run(Report.fold({ from: Date.UTC(2025, 4, 3), to: Date.UTC(2025, 4, 4) }), [
      purchased('a', '2025-05-03T10:00:00Z', 'a1', 100, 'JPY'),
    ])
    expect(one.trends).toMatchObject([
      { month: '2025-05', newCustomers: 1, activeAtEnd: 1, revenueCents: { JPY: 100 } },
    ])
  })
})
