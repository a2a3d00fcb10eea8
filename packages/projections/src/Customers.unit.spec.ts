import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'

const { at, cid, purchased, churned, surveyed } = Fixtures

const report = (events: readonly LifecycleEvent.LifecycleEvent[], options: Ledger.Options = {}): Report.Report =>
  Fold.run(Report.fold(options), events)

describe('churn by reason (period February 2025)', () => {
  const period = { from: at('2025-02-01T00:00:00Z'), to: at('2025-03-01T00:00:00Z') }
  const events = [
    // With inactivityDays = 60, a January purchase churns implicitly in March (after to), a
    // December one in February.
    purchased('a', '2025-01-05T00:00:00Z', 'a1', 100),
    churned('a', '2025-02-10T00:00:00Z', 'cancelled'),
    purchased('b', '2025-01-06T00:00:00Z', 'b1', 100),
    churned('b', '2025-02-11T00:00:00Z'), // no reason: unspecified
    purchased('c', '2025-01-07T00:00:00Z', 'c1', 100),
    churned('c', '2025-02-12T00:00:00Z', 'inactive'), // explicit, counted with the implicit ones
    // d: 20 December + 60 days = 18 February: an implicit churn still pending at the end.
    purchased('d', '2024-12-20T00:00:00Z', 'd1', 100),
    // e: 15 December + 60 days = 13 February 00:00, the instant of its explicit churn: explicit first.
    purchased('e', '2024-12-15T00:00:00Z', 'e1', 100),
    churned('e', '2025-02-13T00:00:00Z', 'moved'),
    // f: the first churn in the period counts, not the one after its reactivation.
    purchased('f', '2025-01-10T00:00:00Z', 'f1', 100),
    churned('f', '2025-02-15T00:00:00Z', 'cancelled'),
    purchased('f', '2025-02-18T00:00:00Z', 'f2', 100),
    churned('f', '2025-02-20T00:00:00Z', 'price'),
    // g joins and churns inside the period: not in S, not counted.
    purchased('g', '2025-02-02T00:00:00Z', 'g1', 100),
    churned('g', '2025-02-05T00:00:00Z', 'cancelled'),
    // h: 10 December + 60 days = 8 February, folded when its survey comes; then an explicit churn.
    purchased('h', '2024-12-10T00:00:00Z', 'h1', 100),
    surveyed('h', '2025-02-20T00:00:00Z', 'nps', 4),
    churned('h', '2025-02-25T00:00:00Z', 'cancelled'),
    // i: 20 January + 60 days = 21 March, after to: active throughout.
    purchased('i', '2025-01-20T00:00:00Z', 'i1', 100),
  ]

  it('with implicit churn: by the first churn of each, explicit before implicit at one instant', () => {
    const r = report(events, { ...period, inactivityDays: 60 })
    // S = {a, b, c, d, e, f, h, i}: 8. Churned in February: all but i: 7.
    // cancelled: a, f; unspecified: b; inactive: c (explicit), d (pending), h (implicit on
    // 8 February, before its explicit churn); moved: e.
    expect(r.churn).toEqual({
      count: 7,
      rate: 7 / 8,
      byReason: { cancelled: 2, inactive: 3, moved: 1, unspecified: 1 },
    })
    const state = Fold.run(Ledger.fold({ ...period, inactivityDays: 60 }), events)
    expect(Ledger.factsOf(state, cid('h'))?.churnReason).toBe('inactive')
    expect(Ledger.factsOf(state, cid('e'))?.churnReason).toBe('moved')
    // d's implicit churn is still pending in the state: the report reads it as inactive.
    expect(Ledger.factsOf(state, cid('d'))?.churnReason).toBeNull()
  })

  it('without implicit churn: only Churned events, by their reasons', () => {
    const r = report(events, period)
    // S = {a, b, c, d, e, f, h, i}: 8. Churned: a, b, c, e, f, h: 6 (d and i never churn).
    // cancelled: a, f, h; unspecified: b; inactive: c; moved: e.
    expect(r.churn).toEqual({
      count: 6,
      rate: 6 / 8,
      byReason: { cancelled: 3, inactive: 1, moved: 1, unspecified: 1 },
    })
  })

  it('an explicit churn without reason at the implicit instant is unspecified, not inactive', () => {
    const r = report([purchased('e', '2024-12-15T00:00:00Z', 'e1', 100), churned('e', '2025-02-13T00:00:00Z')], {
      ...period,
      inactivityDays: 60,
    })
    expect(r.churn).toEqual({ count: 1, rate: 1, byReason: { unspecified: 1 } })
  })
})
