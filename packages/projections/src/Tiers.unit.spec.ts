import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'

const { at, cid, optedIn, purchased, refunded, churned } = Fixtures

const report = (events: readonly LifecycleEvent.LifecycleEvent[], options: Ledger.Options = {}): Report.Report =>
  Fold.run(Report.fold(options), events)

describe('client tiers at from (2025-01-01) and at to (2025-07-01), default options', () => {
  // newDays 90: new at to when the first purchase is at or after 2025-04-02 (90 days before
  // 1 July), at from when at or after 2024-10-03. regularWindowDays 365: 3 purchases in
  // [2024-07-01, 2025-07-01) at to, in [2024-01-02, 2025-01-01) at from.
  const events = [
    // n: new at from (first purchase 1 December), regular at to (3 purchases in the window).
    purchased('n', '2024-12-01T00:00:00Z', 'n1', 1000),
    purchased('n', '2025-02-01T00:00:00Z', 'n2', 1000),
    purchased('n', '2025-03-01T00:00:00Z', 'n3', 1000),
    refunded('n', '2025-03-05T00:00:00Z', 'n3', 500),
    // i: invested at from (one purchase, old), lapsed at to (churned).
    purchased('i', '2024-03-01T00:00:00Z', 'i1', 2000),
    churned('i', '2025-02-10T00:00:00Z'),
    // p: a prospect at from, a lead that churned at to: none.
    optedIn('p', '2024-11-01T00:00:00Z'),
    churned('p', '2025-02-01T00:00:00Z'),
    // q: opts in during the period: none -> prospect.
    optedIn('q', '2025-03-01T00:00:00Z'),
    // r: regular at from (3 purchases in 2024), invested at to (only 1 August is in the window).
    purchased('r', '2024-02-01T00:00:00Z', 'r1', 100),
    purchased('r', '2024-05-01T00:00:00Z', 'r2', 100),
    purchased('r', '2024-08-01T00:00:00Z', 'r3', 100),
    // x: a direct buyer of May, in EUR: none -> new.
    purchased('x', '2025-05-01T00:00:00Z', 'x1', 5000, 'EUR'),
    // y: lapsed at from; reactivated in June, but its first purchase is old: invested, not new.
    purchased('y', '2023-06-01T00:00:00Z', 'y1', 700),
    churned('y', '2023-12-01T00:00:00Z'),
    purchased('y', '2025-06-01T00:00:00Z', 'y2', 800),
    // z: a lead that churned and opted in again: a prospect again.
    optedIn('z', '2025-01-10T00:00:00Z'),
    churned('z', '2025-02-01T00:00:00Z'),
    optedIn('z', '2025-03-15T00:00:00Z'),
    // w: first purchase exactly 90 days before to: new. v: a millisecond earlier: invested.
    purchased('w', '2025-04-02T00:00:00Z', 'w1', 400),
    purchased('v', '2025-04-01T23:59:59.999Z', 'v1', 600),
    // u: 4 purchases; the 3 latest are in the window at to, its first a millisecond before it.
    purchased('u', '2024-06-30T23:59:59.999Z', 'u1', 10),
    purchased('u', '2024-07-01T00:00:00Z', 'u2', 10),
    purchased('u', '2024-09-01T00:00:00Z', 'u3', 10),
    purchased('u', '2024-10-01T00:00:00Z', 'u4', 10),
  ]
  const r = report(events, { from: at('2025-01-01T00:00:00Z'), to: at('2025-07-01T00:00:00Z') })

  it('counts the tiers at to', () => {
    // prospect q, z; new x, w; invested r, y, v; regular n, u; lapsed i (p is none).
    expect(r.tiers.counts).toEqual({ prospect: 2, new: 2, invested: 3, regular: 2, lapsed: 1 })
  })

  it('sums net revenue before to by tier at to, per currency', () => {
    expect(r.tiers.revenueCents).toEqual({
      prospect: {},
      new: { EUR: 5000, USD: 400 }, // x, w
      invested: { USD: 2400 }, // r 300, y 1500, v 600
      regular: { USD: 2540 }, // n 3000 - 500 refunded, u 40
      lapsed: { USD: 2000 }, // i
    })
  })

  it('lists the moves from the tier at from to the tier at to, in the contract order', () => {
    expect(r.tiers.moves).toEqual([
      { from: 'none', to: 'prospect', count: 2 }, // q, z
      { from: 'none', to: 'new', count: 2 }, // x, w
      { from: 'none', to: 'invested', count: 1 }, // v
      { from: 'prospect', to: 'none', count: 1 }, // p
      { from: 'new', to: 'regular', count: 1 }, // n
      { from: 'invested', to: 'lapsed', count: 1 }, // i
      { from: 'regular', to: 'invested', count: 1 }, // r
      { from: 'regular', to: 'regular', count: 1 }, // u
      { from: 'lapsed', to: 'invested', count: 1 }, // y
    ])
  })

  it('reports the tier options with their defaults', () => {
    expect(r.options).toMatchObject({ newDays: 90, regularPurchases: 3, regularWindowDays: 365 })
  })

  it('without a from, everyone is none at from (nothing is before the earliest event)', () => {
    const all = report(events, { to: at('2025-07-01T00:00:00Z') })
    expect(all.tiers.counts).toEqual(r.tiers.counts)
    expect(all.tiers.moves).toEqual([
      { from: 'none', to: 'prospect', count: 2 },
      { from: 'none', to: 'new', count: 2 },
      { from: 'none', to: 'invested', count: 3 },
      { from: 'none', to: 'regular', count: 2 },
      { from: 'none', to: 'lapsed', count: 1 },
    ])
  })
})

describe('client tiers with implicit churn (inactivityDays 60)', () => {
  const events = [
    // k: one purchase on 1 March; implicitly churned on 30 April: lapsed at to.
    purchased('k', '2025-03-01T00:00:00Z', 'k1', 100),
    // k2: its implicit churn is due 31 July, after to: still new.
    purchased('k2', '2025-05-01T00:00:00Z', 'k2a', 100),
    purchased('k2', '2025-06-01T00:00:00Z', 'k2b', 100),
    // k3: bought on 1 September 2024, implicitly churned on 31 October: lapsed at from; bought
    // again in June: active, but its first purchase is old: invested.
    purchased('k3', '2024-09-01T00:00:00Z', 'k3a', 100),
    purchased('k3', '2025-06-15T00:00:00Z', 'k3b', 100),
  ]
  const period = { from: at('2025-01-01T00:00:00Z'), to: at('2025-07-01T00:00:00Z') }

  it('counts a customer whose implicit churn is due before to as lapsed', () => {
    const r = report(events, { ...period, inactivityDays: 60 })
    expect(r.tiers.counts).toEqual({ prospect: 0, new: 1, invested: 1, regular: 0, lapsed: 1 })
    expect(r.tiers.moves).toEqual([
      { from: 'none', to: 'new', count: 1 }, // k2
      { from: 'none', to: 'lapsed', count: 1 }, // k
      { from: 'lapsed', to: 'invested', count: 1 }, // k3
    ])
  })

  it('without the option, only Churned events churn: k stays invested, k3 was invested at from', () => {
    const r = report(events, period)
    expect(r.tiers.counts).toEqual({ prospect: 0, new: 1, invested: 2, regular: 0, lapsed: 0 })
    expect(r.tiers.moves).toEqual([
      { from: 'none', to: 'new', count: 1 }, // k2
      { from: 'none', to: 'invested', count: 1 }, // k
      // k3: its first purchase, 1 September, is 122 days before from: not new at from.
      { from: 'invested', to: 'invested', count: 1 },
    ])
  })
})

describe('client tier options', () => {
  const events = [purchased('a', '2025-06-01T00:00:00Z', 'a1', 100), purchased('a', '2025-06-10T00:00:00Z', 'a2', 100)]
  const to = at('2025-07-01T00:00:00Z')

  it('newDays, regularPurchases and regularWindowDays change the rules', () => {
    // Default: first purchase 30 days before to: new.
    expect(report(events, { to }).tiers.counts.new).toBe(1)
    // newDays 20: not new (1 June is before 11 June); 2 purchases in [1 June, 1 July): regular.
    const regular = report(events, { to, newDays: 20, regularPurchases: 2, regularWindowDays: 30 })
    expect(regular.tiers.counts).toEqual({ prospect: 0, new: 0, invested: 0, regular: 1, lapsed: 0 })
    // A window of 29 days starts on 2 June: one purchase in it, invested.
    const invested = report(events, { to, newDays: 20, regularPurchases: 2, regularWindowDays: 29 })
    expect(invested.tiers.counts).toEqual({ prospect: 0, new: 0, invested: 1, regular: 0, lapsed: 0 })
  })

  it('rejects options that are not valid, naming the option and its value', () => {
    expect(() => report(events, { newDays: -1 })).toThrow('report option newDays: -1 is not a number of days >= 0')
    expect(() => report(events, { regularPurchases: 2.5 })).toThrow(
      'report option regularPurchases: 2.5 is not a whole number from 1 to 100',
    )
    expect(() => report(events, { regularWindowDays: Number.NaN })).toThrow(
      'report option regularWindowDays: NaN is not a number of days >= 0',
    )
  })
})

describe('client tiers with the largest regularPurchases (100)', () => {
  const from = at('2025-01-01T00:00:00Z')
  const to = at('2025-07-01T00:00:00Z')
  const day = 86_400_000
  /** `n` daily purchases of a customer, the last one `last` days before `from`. */
  const buys = (id: string, n: number, last: number) =>
    Array.from({ length: n }, (_, k) => {
      const ms = from - (last + n - 1 - k) * day
      return purchased(id, new Date(ms).toISOString(), `${id}${k}`, 100)
    })
  // a: 130 purchases in the window before from (more than the 127 the flags count): regular at
  // from; its 100th latest is in the window at to too. b: 99 before from: invested at both.
  // c: 130 purchases too, the latest 86 days before from: its 100th latest, 185 days before from
  // (30 June 2024), is out of the window at to (from 1 July 2024): regular -> invested.
  const events = [...buys('a', 130, 1), ...buys('b', 99, 1), ...buys('c', 130, 86)]
  const options = { from, to, newDays: 0, regularPurchases: 100 }

  it('counts the purchases before from up to 127 and keeps the 99 purchases before the latest', () => {
    const r = report(events, options)
    expect(r.tiers.moves).toEqual([
      { from: 'invested', to: 'invested', count: 1 },
      { from: 'regular', to: 'invested', count: 1 },
      { from: 'regular', to: 'regular', count: 1 },
    ])
    const state = Fold.run(Ledger.fold(options), events)
    const row = (id: string) => Ledger.rowOf(state.customers, cid(id))!
    expect(Ledger.fromWindowPurchasesOf(state.customers, row('a'))).toBe(Ledger.FROM_WINDOW_MAX)
    expect(Ledger.fromWindowPurchasesOf(state.customers, row('b'))).toBe(99)
    expect(state.customers.recent).toHaveLength(99)
    // The 100th latest of a is 99 days before its latest (31 December 2024): 100 days before from.
    expect(Ledger.kthLatestPurchaseAt(state.customers, row('a'), 100)).toBe(from - 100 * day)
    expect(Ledger.kthLatestPurchaseAt(state.customers, row('a'), 1)).toBe(from - day)
    expect(Ledger.kthLatestPurchaseAt(state.customers, row('b'), 100)).toBeNaN()
  })
})
