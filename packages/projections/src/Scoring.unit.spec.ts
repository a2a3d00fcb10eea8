import { Fixtures } from '@lifeline/core/testing'
import type { LifecycleEvent } from '@lifeline/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Report from './Report.js'
import * as Scoring from './Scoring.js'

const { at, cid, optedIn, purchased } = Fixtures

type Touch = Scoring.Touch
const touch = (customer: string, when: string, kind: Touch): LifecycleEvent.LifecycleEvent => ({
  type: 'Nurtured',
  customerId: cid(customer),
  occurredAt: at(when),
  touch: kind,
})

describe('lead scoring (period [2025-01-01, 2025-05-31), half-life 30 days, threshold 40)', () => {
  // Defaults: otherChannelPoints 10, call 15, event 15. channelPoints: webinar 17.5, partner 40.
  const options: Ledger.Options = {
    from: at('2025-01-01T00:00:00Z'),
    to: at('2025-05-31T00:00:00Z'),
    scoring: { channelPoints: { webinar: 17.5, partner: 40 } },
  }
  const events = [
    // a: fit 17.5. A call at opt-in: 17.5 + 15 = 32.5. A call 30 days later: the first has
    // halved, 17.5 + 15 * 0.5 + 15 = 40, exactly the threshold: sales-ready on 31 January.
    optedIn('a', '2025-01-01T00:00:00Z', { channel: 'webinar', campaign: 'spring' }),
    touch('a', '2025-01-01T00:00:00Z', 'call'),
    touch('a', '2025-01-31T00:00:00Z', 'call'),
    // b: fit 10, a call at days 0, 60 and 120: 25, then 10 + 15 / 4 + 15 = 28.75, then
    // 10 + (3.75 + 15) / 4 + 15 = 29.6875. Undecayed it would be 55: each touch fades two
    // half-lives before the next, and it never reaches 40.
    optedIn('b', '2025-01-01T00:00:00Z', { channel: 'seo' }),
    touch('b', '2025-01-01T00:00:00Z', 'call'),
    touch('b', '2025-03-02T00:00:00Z', 'call'),
    touch('b', '2025-05-01T00:00:00Z', 'call'),
    // c: fit 10, buys on 10 January, then two events on 20 January: 10 + 30 = 40 after buying.
    optedIn('c', '2025-01-01T00:00:00Z', { channel: 'seo', campaign: 'spring' }),
    purchased('c', '2025-01-10T00:00:00Z', 'c1', 1000),
    touch('c', '2025-01-20T00:00:00Z', 'event'),
    touch('c', '2025-01-20T00:00:00Z', 'event'),
    // d: fit 40 (partner): sales-ready at its opt-in; buys on 15 February, after that.
    optedIn('d', '2025-02-01T00:00:00Z', { channel: 'partner', campaign: 'spring' }),
    purchased('d', '2025-02-15T00:00:00Z', 'd1', 1000),
  ]
  const state = Fold.run(Ledger.fold(options), events)
  const r = Report.fromLedger(state)
  const row = (id: string): number => Ledger.rowOf(state.customers, cid(id))!

  it('records salesReadyAt at the first instant the score reaches the threshold', () => {
    const readyAt = (id: string) => Ledger.orNull(Ledger.salesReadyAtOf(state.customers, row(id)))
    expect(readyAt('a')).toBe(at('2025-01-31T00:00:00Z'))
    expect(readyAt('b')).toBeNull()
    expect(readyAt('c')).toBe(at('2025-01-20T00:00:00Z'))
    expect(readyAt('d')).toBe(at('2025-02-01T00:00:00Z'))
  })

  it('scores at to with every touch decayed', () => {
    // a: its last touches are 120 days (4 half-lives) before to: 17.5 + 22.5 / 16.
    expect(Ledger.scoreAt(state, row('a'), options.to!)).toBe(17.5 + 22.5 / 16)
    // b: 30 days after its last touch: 10 + 19.6875 / 2.
    expect(Ledger.scoreAt(state, row('b'), options.to!)).toBe(10 + 19.6875 / 2)
    // d: no touch, its fit only.
    expect(Ledger.scoreAt(state, row('d'), options.to!)).toBe(40)
  })

  it('counts SR = {a, d}: c became sales-ready only after buying', () => {
    expect(r.leads.salesReady).toBe(2)
    // a after 30 days, d at once: the median of 0 and 30.
    expect(r.leads.medianDaysToSalesReady).toBe(15)
    // SR: d converted, a did not. Outside SR {b, c}: c converted.
    expect(r.conversion.salesReady).toBe(1 / 2)
    expect(r.conversion.notSalesReady).toBe(1 / 2)
    expect(r.channels['webinar']!.salesReady).toBe(1)
    expect(r.channels['seo']!.salesReady).toBe(0)
    expect(r.channels['partner']!.salesReady).toBe(1)
    expect(r.campaigns['spring']).toMatchObject({ leads: 3, salesReady: 2 })
  })

  it('with conversionWindowDays 10, d (15 days) has not converted: a and d are both in SR', () => {
    const windowed = Fold.run(Report.fold({ ...options, conversionWindowDays: 10 }), events)
    expect(windowed.leads.salesReady).toBe(2)
    // c bought after 9 days: converted, outside SR; d is no longer converted.
    expect(windowed.conversion.salesReady).toBe(0)
    expect(windowed.conversion.notSalesReady).toBe(1 / 2)
  })

  it('reports the scoring options with the defaults filled in', () => {
    expect(r.options.scoring).toEqual({
      channelPoints: { webinar: 17.5, partner: 40 },
      otherChannelPoints: 10,
      touchPoints: { email: 5, sms: 3, call: 15, content: 5, retargeting: 2, event: 15, other: 2 },
      halfLifeDays: 30,
      threshold: 40,
    })
  })

  it('a touchPoints option changes only the touches it names', () => {
    // call 25: a reaches 17.5 + 25 = 42.5 at its opt-in.
    const s = Fold.run(Ledger.fold({ ...options, scoring: { ...options.scoring, touchPoints: { call: 25 } } }), events)
    expect(Ledger.salesReadyAtOf(s.customers, Ledger.rowOf(s.customers, cid('a'))!)).toBe(at('2025-01-01T00:00:00Z'))
    expect(Ledger.scoringSettings(s.options).touchPoints.email).toBe(5)
  })
})

describe('each kind of touch', () => {
  it('adds its own points, whether its name is a literal or a string read from JSON', () => {
    // touchPoints 1, 2, ..., 7 in the order of TOUCHES; one touch per lead at its opt-in, so its
    // score at that instant is the fit (10) plus that touch's points, undecayed.
    const touchPoints = Object.fromEntries(Scoring.TOUCHES.map((kind, i) => [kind, i + 1]))
    const events = Scoring.TOUCHES.flatMap((kind) => [
      optedIn(`lit-${kind}`, '2025-01-01T00:00:00Z'),
      touch(`lit-${kind}`, '2025-01-01T00:00:00Z', kind),
      optedIn(`json-${kind}`, '2025-01-01T00:00:00Z'),
      { ...touch(`json-${kind}`, '2025-01-01T00:00:00Z', kind), touch: JSON.parse(`"${kind}"`) as Touch },
    ])
    const s = Fold.run(Ledger.fold({ scoring: { touchPoints } }), events)
    const scoreOf = (id: string) => Ledger.scoreAt(s, Ledger.rowOf(s.customers, cid(id))!, at('2025-01-01T00:00:00Z'))
    expect(Scoring.TOUCHES.map((kind) => scoreOf(`lit-${kind}`))).toEqual([11, 12, 13, 14, 15, 16, 17])
    expect(Scoring.TOUCHES.map((kind) => scoreOf(`json-${kind}`))).toEqual([11, 12, 13, 14, 15, 16, 17])
  })
})

describe('lead scoring over time (defaults: fit 10, threshold 40, half-life 30 days)', () => {
  const to = at('2025-05-31T00:00:00Z')
  const readyAt = (state: Ledger.State, id: string) =>
    Ledger.orNull(Ledger.salesReadyAtOf(state.customers, Ledger.rowOf(state.customers, cid(id))!))
  const score = (state: Ledger.State, id: string) => Ledger.scoreAt(state, Ledger.rowOf(state.customers, cid(id))!, to)

  it('a lead that reached the threshold stays sales-ready after its score decays below it', () => {
    const state = Fold.run(Ledger.fold({ from: at('2025-01-01T00:00:00Z'), to }), [
      optedIn('e', '2025-01-01T00:00:00Z', { channel: 'seo' }),
      touch('e', '2025-01-01T00:00:00Z', 'event'),
      touch('e', '2025-01-01T00:00:00Z', 'event'),
    ])
    expect(readyAt(state, 'e')).toBe(at('2025-01-01T00:00:00Z'))
    // 150 days later, five half-lives: 10 + 30 / 32.
    expect(score(state, 'e')).toBeCloseTo(10 + 30 / 32, 12)
    expect(Report.fromLedger(state).leads.salesReady).toBe(1)
  })

  it("keeps the first opt-in's fit and every touch through a churn and a new opt-in", () => {
    const state = Fold.run(Ledger.fold({ to, scoring: { channelPoints: { webinar: 17.5 } } }), [
      // 17.5 + 15 = 32.5 on 1 January; churns; opts in again through seo (fit 10 if it restarted).
      optedIn('f', '2025-01-01T00:00:00Z', { channel: 'webinar' }),
      touch('f', '2025-01-01T00:00:00Z', 'call'),
      { type: 'Churned', customerId: cid('f'), occurredAt: at('2025-01-10T00:00:00Z') },
      optedIn('f', '2025-01-31T00:00:00Z', { channel: 'seo' }),
      // 30 days after the first call: 17.5 + 7.5 + 15 = 40.
      touch('f', '2025-01-31T00:00:00Z', 'call'),
    ])
    expect(readyAt(state, 'f')).toBe(at('2025-01-31T00:00:00Z'))
    expect(score(state, 'f')).toBeCloseTo(17.5 + 22.5 / 16, 12)
  })

  it('scores an instant with all of its touches', () => {
    // Threshold 33: email 5, sms 3 and call 15 at one instant: 10 + 23 = 33, at that instant.
    const state = Fold.run(Ledger.fold({ to, scoring: { threshold: 33 } }), [
      optedIn('g', '2025-01-01T00:00:00Z', { channel: 'seo' }),
      touch('g', '2025-01-15T00:00:00Z', 'email'),
      touch('g', '2025-01-15T00:00:00Z', 'sms'),
      touch('g', '2025-01-15T00:00:00Z', 'call'),
    ])
    expect(readyAt(state, 'g')).toBe(at('2025-01-15T00:00:00Z'))
    // 136 days later: 10 + 23 * 0.5 ^ (136 / 30).
    expect(score(state, 'g')).toBeCloseTo(10 + 23 * 0.5 ** (136 / 30), 12)
  })
})

describe('scoring options', () => {
  it('decodes a valid file and fills in the defaults', () => {
    const decoded = Scoring.decode({ threshold: 30, touchPoints: { sms: 1 } })
    expect(decoded).toEqual(E.right({ threshold: 30, touchPoints: { sms: 1 } }))
    expect(Scoring.settings({ threshold: 30, touchPoints: { sms: 1 } }).touchPoints).toEqual({
      ...Scoring.DEFAULT_TOUCH_POINTS,
      sms: 1,
    })
  })

  it.each([
    [{ threshold: 'high' }, 'scoring.threshold: "high" is not a number'],
    [{ touchPoints: { tweet: 3 } }, 'scoring.touchPoints.tweet: 3 is not a touch'],
    [{ touchPoints: { sms: -30 } }, 'scoring.touchPoints.sms: -30 is not a number of points >= 0'],
    [{ halfLifeDays: -5 }, 'scoring.halfLifeDays: -5 is not a number of days > 0'],
    [{ halfLifeDays: 0 }, 'scoring.halfLifeDays: 0 is not a number of days > 0'],
    [{ channelPoints: { seo: null } }, 'scoring.channelPoints.seo: null is not a number'],
    [{ treshold: 40 }, 'scoring.treshold: 40 is not a scoring option'],
    [[], 'scoring: [] is not an object'],
  ])('rejects %j', (input, message) => {
    const decoded = Scoring.decode(input)
    expect(E.isLeft(decoded) && Scoring.formatInvalid(decoded.left)).toContain(message)
  })

  it('the report refuses scoring options that are not valid', () => {
    expect(() => Report.fold({ scoring: { threshold: Number.NaN } }).initial()).toThrow(
      'report option scoring.threshold: NaN is not a number',
    )
  })
})

describe('halfPow, the decay of a number of half-lives', () => {
  it('is 0.5 ** x within two units in the last place, from a fraction of a half-life to 1074', () => {
    // A fixed linear congruential sequence: the same numbers of half-lives on every run.
    let seed = 1
    let worst = 0
    for (let i = 0; i < 200_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      const x = (seed / 2_147_483_648) * (i % 2 === 0 ? 20 : 1000)
      const exact = 0.5 ** x
      if (exact > 1e-300) worst = Math.max(worst, Math.abs(Scoring.halfPow(x) - exact) / exact)
    }
    expect(worst).toBeLessThanOrEqual(2 * Number.EPSILON)
  })

  it('is exact at whole numbers, 0 from 1075 half-lives on, and 0.5 ** x outside its tables', () => {
    expect([0, 1, 2, 10, 1074].map(Scoring.halfPow)).toEqual([1, 0.5, 0.25, 2 ** -10, 2 ** -1074])
    expect(Scoring.halfPow(1075)).toBe(0)
    expect(Scoring.halfPow(Number.POSITIVE_INFINITY)).toBe(0)
    expect(Scoring.halfPow(Number.NaN)).toBeNaN()
    expect(Scoring.halfPow(-1)).toBe(2)
  })
})
