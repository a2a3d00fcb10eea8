import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'
import * as Satisfaction from './Satisfaction.js'

const { at, cid, optedIn, purchased, churned, surveyed } = Fixtures

const report = (events: readonly LifecycleEvent.LifecycleEvent[], options: Ledger.Options = {}): Report.Report =>
  Fold.run(Report.fold(options), events)

describe('NPS and CSAT (period February 2025)', () => {
  const period = { from: at('2025-02-01T00:00:00Z'), to: at('2025-03-01T00:00:00Z') }
  const events = [
    // a answers three times: January's 3 is before from; the latest in the period is 9.
    purchased('a', '2025-01-05T00:00:00Z', 'a1', 100),
    surveyed('a', '2025-01-20T00:00:00Z', 'nps', 3),
    surveyed('a', '2025-02-05T00:00:00Z', 'nps', 6),
    surveyed('a', '2025-02-20T00:00:00Z', 'nps', 9),
    // b answers twice at one instant: the later in the log, 5, counts.
    optedIn('b', '2025-01-10T00:00:00Z'),
    surveyed('b', '2025-02-10T00:00:00Z', 'nps', 10),
    surveyed('b', '2025-02-10T00:00:00Z', 'nps', 5),
    // c churns and answers an exit survey: it counts like any other answer.
    purchased('c', '2025-01-06T00:00:00Z', 'c1', 100),
    churned('c', '2025-02-12T00:00:00Z', 'cancelled'),
    surveyed('c', '2025-02-12T01:00:00Z', 'nps', 2, 'exit'),
    surveyed('c', '2025-02-12T01:00:00Z', 'csat', 1, 'exit'),
    // d: a passive and satisfied; its answer at to is outside the period.
    purchased('d', '2025-02-01T00:00:00Z', 'd1', 100),
    surveyed('d', '2025-02-02T00:00:00Z', 'nps', 7),
    surveyed('d', '2025-02-02T00:00:00Z', 'csat', 4),
    surveyed('d', '2025-03-01T00:00:00Z', 'nps', 10),
    // e was satisfied, then not: the latest, 3, counts.
    purchased('e', '2025-02-02T00:00:00Z', 'e1', 100),
    surveyed('e', '2025-02-03T00:00:00Z', 'csat', 5),
    surveyed('e', '2025-02-04T00:00:00Z', 'csat', 3),
    // f: satisfied.
    optedIn('f', '2025-02-14T00:00:00Z'),
    surveyed('f', '2025-02-15T00:00:00Z', 'csat', 4),
  ]

  it('counts each customer once, by its latest answer of each kind in the period', () => {
    const r = report(events, period)
    expect(r.satisfaction).toEqual({
      // Responses a, b, c, d: promoters a (9); passives d (7); detractors b (5), c (2).
      // score = 100 * (1 - 2) / 4 = -25.
      nps: { responses: 4, promoters: 1, passives: 1, detractors: 2, score: -25 },
      // Responses c, d, e, f: satisfied d (4), f (4); c (1) and e (3) are not: 2 / 4.
      csat: { responses: 4, satisfied: 2, rate: 1 / 2 },
      // Tiers at 1 March (newDays 90): a (first purchase 5 January) and d (1 February) are new;
      // b and f opted in and never bought: prospects; c churned: lapsed; e new without an NPS.
      // new: a 9 (promoter), d 7 (passive): 100 * (1 - 0) / 2 = 50; prospect: b 5, -100;
      // lapsed: c 2, -100; nobody is invested or regular: null.
      npsByTier: { prospect: -100, new: 50, invested: null, regular: null, lapsed: -100 },
    })
  })

  it('over all of the log, January answers count where they are the latest', () => {
    const r = report(events)
    // a 9, b 5, c 2, d 10 (its answer at 1 March is now inside): promoters a, d; detractors b, c.
    // score = 100 * (2 - 2) / 4 = 0.
    expect(r.satisfaction.nps).toEqual({ responses: 4, promoters: 2, passives: 0, detractors: 2, score: 0 })
  })

  it('gives null score and rate without answers', () => {
    expect(report([purchased('a', '2025-01-05T00:00:00Z', 'a1', 100)]).satisfaction).toEqual({
      nps: { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null },
      csat: { responses: 0, satisfied: 0, rate: null },
      npsByTier: { prospect: null, new: null, invested: null, regular: null, lapsed: null },
    })
  })

  it('puts NPS 100 for promoters only and -100 for detractors only', () => {
    expect(Satisfaction.nps(3, 0, 0).score).toBe(100)
    expect(Satisfaction.nps(0, 0, 2).score).toBe(-100)
    // 100 * (2 - 1) / 4 = 25.
    expect(Satisfaction.nps(2, 1, 1).score).toBe(25)
  })

  it('keeps the latest nps and csat of a customer apart in their one column, 0 and 10 included', () => {
    const answers = [
      surveyed('a', '2025-02-01T00:00:00Z', 'csat', 5),
      surveyed('a', '2025-02-02T00:00:00Z', 'nps', 10),
      surveyed('a', '2025-02-03T00:00:00Z', 'nps', 0),
      surveyed('b', '2025-02-04T00:00:00Z', 'nps', 0),
      surveyed('c', '2025-02-05T00:00:00Z', 'nps', 10),
      surveyed('c', '2025-02-06T00:00:00Z', 'csat', 1),
    ]
    const state = Fold.run(Ledger.fold(), answers)
    expect(['a', 'b', 'c'].map((id) => Ledger.factsOf(state, cid(id))).map((f) => [f?.nps, f?.csat])).toEqual([
      [0, 5],
      [0, null],
      [10, 1],
    ])
  })
})
