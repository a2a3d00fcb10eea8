import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'

const { at, cid, purchased, refunded } = Fixtures

const report = (events: readonly LifecycleEvent.LifecycleEvent[], options: Ledger.Options = {}): Report.Report =>
  Fold.run(Report.fold(options), events)

describe('cross-sell and upsell (as of 1 February 2025)', () => {
  const to = { to: at('2025-02-01T00:00:00Z') }
  const events = [
    // a: books then courses (two categories); 1500 > 1000 in USD: upsold.
    purchased('a', '2025-01-01T10:00:00Z', 'a1', 1000, 'USD', 'books'),
    purchased('a', '2025-01-02T10:00:00Z', 'a2', 1500, 'USD', 'courses'),
    // b: books twice and an uncategorized order: one category; never more than its first 2000.
    purchased('b', '2025-01-01T10:00:00Z', 'b1', 2000, 'USD', 'books'),
    purchased('b', '2025-01-03T10:00:00Z', 'b2', 2000, 'USD', 'books'),
    purchased('b', '2025-01-04T10:00:00Z', 'b3', 1000),
    // c: one categorized order only; a second order at the same instant as the first, later in
    // the log, for more in EUR: upsold. The later refund does not undo it (upsell is gross).
    purchased('c', '2025-01-01T10:00:00Z', 'c1', 1000, 'EUR', 'books'),
    purchased('c', '2025-01-01T10:00:00Z', 'c2', 1200, 'EUR'),
    refunded('c', '2025-01-05T10:00:00Z', 'c2', 1200, 'EUR'),
    // d: uncategorized, then courses and coaching: two categories; never more than 500.
    purchased('d', '2025-01-01T10:00:00Z', 'd1', 500),
    purchased('d', '2025-01-02T10:00:00Z', 'd2', 400, 'USD', 'courses'),
    purchased('d', '2025-01-03T10:00:00Z', 'd3', 450, 'USD', 'coaching'),
    // e: one purchase: in neither denominator.
    purchased('e', '2025-01-01T10:00:00Z', 'e1', 100, 'USD', 'books'),
    // g: first in EUR, then more in USD, another currency: not an upsell.
    purchased('g', '2025-01-01T10:00:00Z', 'g1', 1000, 'EUR'),
    purchased('g', '2025-01-02T10:00:00Z', 'g2', 9000, 'USD'),
    // h: its second, larger, categorized order is at or after to: one purchase before to.
    purchased('h', '2025-01-01T10:00:00Z', 'h1', 3000, 'USD', 'books'),
    purchased('h', '2025-02-01T00:00:00Z', 'h2', 5000, 'USD', 'courses'),
  ]
  const r = report(events, to)

  it('cross-sell: of the customers with two categorized purchases, those with two categories', () => {
    // Two or more categorized purchases before to: a (books, courses), b (books, books),
    // d (courses, coaching): 3; c, e, g and h have fewer. Two categories: a, d: 2 / 3.
    expect(r.crossSell).toEqual({ rate: 2 / 3 })
  })

  it('upsell: of the repeat buyers, those with a later order above the first, in its currency', () => {
    // Repeat buyers before to: a, b, c, d, g: 5. Upsold: a (1500 > 1000 USD), c (1200 > 1000
    // EUR, same instant, later in the log): 2 / 5. b equals its first; d stays below; g's
    // larger order is in USD, not its first currency EUR.
    expect(r.upsell).toEqual({ rate: 2 / 5 })
  })

  it('keeps the facts per customer', () => {
    const state = Fold.run(Ledger.fold(to), events)
    expect(Ledger.factsOf(state, cid('d'))).toMatchObject({
      category: 'courses',
      categorizedTwice: true,
      crossSold: true,
      upsold: false,
      firstAmountCents: 500,
    })
    expect(Ledger.factsOf(state, cid('g'))).toMatchObject({ category: null, upsold: false, firstAmountCents: 1000 })
  })

  it('gives null rates without repeat buyers', () => {
    const one = report([purchased('a', '2025-01-01T10:00:00Z', 'a1', 1000, 'USD', 'books')])
    expect([one.crossSell, one.upsell]).toEqual([{ rate: null }, { rate: null }])
  })
})
