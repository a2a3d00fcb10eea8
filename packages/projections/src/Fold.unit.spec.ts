import { Fixtures } from '@lifeline/core/testing'
import { pipe } from 'fp-ts/lib/function.js'
import { sequenceS } from 'fp-ts/lib/Apply.js'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'

const { optedIn, purchased, churned } = Fixtures
const events = [
  optedIn('a', '2025-01-01T00:00:00Z'),
  purchased('a', '2025-01-02T00:00:00Z', 'o1', 500),
  purchased('b', '2025-01-03T00:00:00Z', 'o1', 700),
  churned('b', '2025-01-04T00:00:00Z'),
]

const purchases = Fold.count((e) => e.type === 'Purchased')
const revenue = Fold.make(
  () => ({ cents: 0 }),
  (s, e) => {
    if (e.type === 'Purchased') s.cents += e.amountCents
    return s
  },
  (s) => s.cents,
)

describe('Fold', () => {
  it('runs one fold over events', () => {
    expect(Fold.run(purchases, events)).toBe(2)
    expect(Fold.run(revenue, events)).toBe(1200)
  })

  it('maps, filters and combines with of and ap in one pass', () => {
    const average = pipe(
      Fold.of((cents: number) => (count: number) => cents / count),
      Fold.ap(revenue),
      Fold.ap(purchases),
    )
    expect(Fold.run(average, events)).toBe(600)
    expect(
      Fold.run(
        pipe(
          purchases,
          Fold.filter((e) => e.customerId === 'b'),
        ),
        events,
      ),
    ).toBe(1)
    expect(
      Fold.run(
        pipe(
          revenue,
          Fold.map((c) => c / 100),
        ),
        events,
      ),
    ).toBe(12)
  })

  it('is an fp-ts Applicative: sequenceS builds a record of results in one pass', () => {
    const both = sequenceS(Fold.Applicative)({ purchases, revenue })
    expect(Fold.run(both, events)).toEqual({ purchases: 2, revenue: 1200 })
  })

  it('obeys the identity and composition laws on these events', () => {
    const id = <A>(a: A) => a
    expect(Fold.run(Fold.map(id)(revenue), events)).toBe(Fold.run(revenue, events))
    const f = (n: number) => n + 1
    const g = (n: number) => n * 2
    expect(Fold.run(Fold.map((n: number) => g(f(n)))(revenue), events)).toBe(
      Fold.run(pipe(revenue, Fold.map(f), Fold.map(g)), events),
    )
  })

  it('shares one state between folds mapped from the same fold, and steps it once per event', () => {
    let steps = 0
    const counted = Fold.make(
      () => ({ n: 0 }),
      (s) => {
        steps++
        s.n++
        return s
      },
      (s) => s.n,
    )
    const both = Fold.struct({ a: counted, b: Fold.map((n: number) => n * 10)(counted), c: purchases })
    expect(both.initial()).toHaveLength(2)
    expect(Fold.run(both, events)).toEqual({ a: 4, b: 40, c: 2 })
    expect(steps).toBe(4)
  })

  it('gives each run a fresh state', () => {
    expect(Fold.run(revenue, events)).toBe(1200)
    expect(Fold.run(revenue, events)).toBe(1200)
  })

  it('serializes states with maps and sets and reads them back', () => {
    const state = { m: new Map([['k', { s: new Set([1, 2]) }]]), n: null, x: 1.5 }
    expect(Fold.deserialize(Fold.serialize(state))).toEqual(state)
    expect(() => Fold.serialize({ bad: Number.POSITIVE_INFINITY })).toThrow(RangeError)
  })
})
