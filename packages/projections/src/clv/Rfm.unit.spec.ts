import { Fixtures } from '@lifeline/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Fold from '../Fold.js'
import * as PurchaseHistory from './PurchaseHistory.js'
import * as Rfm from './Rfm.js'

const { purchased, refunded, optedIn } = Fixtures

describe('the RFM summary (lifetimes rules, METRICS.md)', () => {
  const events = [
    purchased('a', '2025-01-01T09:00:00Z', 'o1', 1000),
    purchased('a', '2025-01-01T18:00:00Z', 'o2', 500), // same UTC day: one bucket of 1500
    purchased('a', '2025-01-08T10:00:00Z', 'o3', 2000),
    purchased('a', '2025-01-15T23:59:59Z', 'o4', 4000),
    purchased('a', '2025-01-16T00:00:00Z', 'o5', 999), // at `to`: left out
    optedIn('b', '2025-01-02T00:00:00Z'),
    purchased('c', '2025-01-03T12:00:00Z', 'o1', 700),
  ]
  const to = Date.UTC(2025, 0, 16)

  it('Given purchases, When summarized in days, Then same-day purchases count once and only repeat days are averaged', () => {
    const s = Fold.run(Rfm.fold({ to, unit: 'day' }), events)
    // The end day holds the last instant before `to`: 15 January.
    expect(s.end).toBe(Date.UTC(2025, 0, 15))
    expect(s.customers).toEqual([
      // days 1, 8, 15 January: frequency 2, recency 14, T 14, monetary (2000 + 4000) / 2.
      { customerId: 'a', frequency: 2, recency: 14, T: 14, monetaryCents: 3000, currency: 'USD' },
      // one day (3 January): T = 15 - 3 = 12 days, monetary 0.
      { customerId: 'c', frequency: 0, recency: 0, T: 12, monetaryCents: 0, currency: 'USD' },
    ])
  })

  it('Given purchases, When summarized in weeks, Then recency and T are days / 7', () => {
    const s = Fold.run(Rfm.fold({ to, unit: 'week' }), events)
    expect(s.customers[0]).toEqual({
      customerId: 'a',
      frequency: 2,
      recency: 2,
      T: 2,
      monetaryCents: 3000,
      currency: 'USD',
    })
    expect(s.customers[1]!.T).toBe(12 / 7)
  })

  it('Given no end, When summarized, Then the end day is the latest purchase’s', () => {
    const s = Fold.run(Rfm.fold({ unit: 'day' }), events)
    // The latest purchase is o5, on 16 January: a has 4 days now, T = 15; c has T = 13.
    expect(s.end).toBe(Date.UTC(2025, 0, 16))
    expect(s.customers.map((c) => [c.frequency, c.T])).toEqual([
      [3, 15],
      [0, 13],
    ])
  })

  it('Given refunds, When summarized, Then each nets its own order, if it came before the end', () => {
    const withRefunds = [
      ...events,
      refunded('a', '2025-01-09T00:00:00Z', 'o3', 500), // o3 (8 January) becomes 1500
      refunded('a', '2025-01-15T12:00:00Z', 'o1', 1000), // the first day: not in the mean anyway
      refunded('a', '2025-01-20T00:00:00Z', 'o4', 4000), // after `to`: not counted
      refunded('c', '2025-01-04T00:00:00Z', 'o1', 700), // c's only order, refunded in full: still a purchase
    ]
    const s = Fold.run(Rfm.fold({ to, unit: 'day' }), withRefunds)
    // a: repeat days 8 and 15 January: (1500 + 4000) / 2 = 2750; the counts do not change.
    expect(s.customers[0]).toEqual({
      customerId: 'a',
      frequency: 2,
      recency: 14,
      T: 14,
      monetaryCents: 2750,
      currency: 'USD',
    })
    expect(s.customers[1]).toEqual({
      customerId: 'c',
      frequency: 0,
      recency: 0,
      T: 12,
      monetaryCents: 0,
      currency: 'USD',
    })
    // With the end after the last refund, o4 is refunded in full: (1500 + 0 + 999) / 3 = 833.
    const later = Fold.run(Rfm.fold({ to: Date.UTC(2025, 1, 1), unit: 'day' }), withRefunds)
    expect(later.customers[0]!.monetaryCents).toBe(2499 / 3)
  })

  it('Given a customer who paid in two currencies, When summarized, Then it counts in the purchases and has no single-currency spend', () => {
    const s = Fold.run(Rfm.fold({ to, unit: 'day' }), [
      purchased('d', '2025-01-02T00:00:00Z', 'o1', 1000),
      purchased('d', '2025-01-05T00:00:00Z', 'o2', 300, 'EUR'),
      purchased('e', '2025-01-02T00:00:00Z', 'o1', 900, 'EUR'),
      purchased('e', '2025-01-03T00:00:00Z', 'o2', 600, 'EUR'),
    ])
    expect(s.customers).toEqual([
      { customerId: 'd', frequency: 1, recency: 3, T: 13, monetaryCents: 0, currency: null },
      { customerId: 'e', frequency: 1, recency: 1, T: 13, monetaryCents: 600, currency: 'EUR' },
    ])
  })

  it('Given yearly gifts, When summarized in calendar years, Then recency and T count whole years', () => {
    const s = Fold.run(Rfm.fold({ to: Date.UTC(2002, 0, 1), unit: 'year' }), [
      purchased('g', '1995-06-01T00:00:00Z', '1995', 2500),
      purchased('g', '1997-03-01T00:00:00Z', '1997a', 1000),
      purchased('g', '1997-11-01T00:00:00Z', '1997b', 1000), // the same year: one period of 2000
      purchased('g', '2000-06-01T00:00:00Z', '2000', 4000),
    ])
    // Years 1995, 1997, 2000; the end year 2001: x = 2, t_x = 5, n = 6, monetary (2000 + 4000) / 2.
    expect(s.customers).toEqual([
      { customerId: 'g', frequency: 2, recency: 5, T: 6, monetaryCents: 3000, currency: 'USD' },
    ])
    expect(s.end).toBe(Date.UTC(2001, 0, 1))
  })

  it('Given calendar units, When instants are bucketed, Then each falls in its month, quarter or year, whose start is its first instant', () => {
    const at = Date.UTC(2025, 4, 17, 13) // 17 May 2025
    expect(Rfm.bucketStart(Rfm.bucketOf(at, 'month'), 'month')).toBe(Date.UTC(2025, 4, 1))
    expect(Rfm.bucketStart(Rfm.bucketOf(at, 'quarter'), 'quarter')).toBe(Date.UTC(2025, 3, 1))
    expect(Rfm.bucketStart(Rfm.bucketOf(at, 'year'), 'year')).toBe(Date.UTC(2025, 0, 1))
    expect(Rfm.bucketStart(Rfm.bucketOf(at, 'week'), 'week')).toBe(Date.UTC(2025, 4, 17)) // weeks bucket by day
    // Before 1970 too.
    expect(Rfm.bucketStart(Rfm.bucketOf(Date.UTC(1969, 10, 5), 'quarter'), 'quarter')).toBe(Date.UTC(1969, 9, 1))
    fc.assert(
      fc.property(fc.integer({ min: -2e12, max: 4e12 }), fc.constantFrom(...Rfm.UNITS), (ms, unit) => {
        const b = Rfm.bucketOf(ms, unit)
        expect(Rfm.bucketStart(b, unit)).toBeLessThanOrEqual(ms)
        expect(Rfm.bucketStart(b + 1, unit)).toBeGreaterThan(ms)
      }),
    )
  })

  it('Given events of several customers in any interleaving, When summarized, Then the summary is the same', () => {
    const perCustomer = [events.filter((e) => e.customerId === 'a'), events.filter((e) => e.customerId === 'c')]
    const reference = Fold.run(Rfm.fold({ to, unit: 'day' }), events)
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (picks) => {
        const queues = perCustomer.map((q) => [...q])
        const merged = []
        for (const pick of picks) {
          const q = queues[pick ? 0 : 1]!.length > 0 ? queues[pick ? 0 : 1]! : queues[pick ? 1 : 0]!
          if (q.length > 0) merged.push(q.shift()!)
        }
        merged.push(...queues[0]!, ...queues[1]!)
        const s = Fold.run(Rfm.fold({ to, unit: 'day' }), merged)
        const byId = (x: Rfm.Summary) => [...x.customers].sort((p, q) => p.customerId.localeCompare(q.customerId))
        expect(byId(s)).toEqual(byId(reference))
      }),
    )
  })

  it('Given a refund of an order the history does not hold, When folded, Then it is counted, not lost', () => {
    const h = Fold.run(PurchaseHistory.fold, [refunded('z', '2025-01-01T00:00:00Z', 'nope', 100)])
    expect(h.unmatchedRefunds).toBe(1)
  })
})
