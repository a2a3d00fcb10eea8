import { AssertionError } from 'node:assert'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as Decider from '../Decider.js'
import type { LifecycleError } from '../LifecycleError.js'
import type { LifecycleEvent } from '../LifecycleEvent.js'
import * as DeciderSpecification from './DeciderSpecification.js'
import { cid, at, optedIn, nurtured } from './fixtures.js'

const spec = DeciderSpecification.for(Decider)
const nurture: Decider.Command = {
  type: 'Nurture',
  customerId: cid('ada'),
  occurredAt: at('2025-01-08T09:00:00Z'),
  touch: 'email',
}
const joined = optedIn('ada', '2025-01-06T09:00:00Z')

describe('DeciderSpecification over the lifecycle decider', () => {
  it('Given an opt-in, when nurturing, then then() passes with the Nurtured event', () => {
    spec
      .given([joined])
      .when(nurture)
      .then([nurtured('ada', '2025-01-08T09:00:00Z')])
  })

  it('Given an opt-in, when then() names other events, then it throws an AssertionError', () => {
    expect(() => spec.given([joined]).when(nurture).then([])).toThrow(AssertionError)
  })

  it('Given no opt-in, when nurturing, then thenRejects passes with NoConsent and fails with another tag', () => {
    spec.given([]).when(nurture).thenRejects('NoConsent')
    spec.given([]).when(nurture).thenRejects()
    expect(() => spec.given([]).when(nurture).thenRejects('OutOfOrder')).toThrow(
      /to be rejected with OutOfOrder, but it was \{"_tag":"NoConsent"/,
    )
  })

  it('Given an accepted command, when thenRejects is asserted, then it throws naming the recorded events', () => {
    expect(() => spec.given([joined]).when(nurture).thenRejects('NoConsent')).toThrow(
      /to be rejected, but it recorded \[\{"type":"Nurtured"/,
    )
  })

  it('Given a rejection, when thenRejects has a check, then the check receives the error narrowed to its tag', () => {
    const later = optedIn('ada', '2025-01-09T09:00:00Z')
    let seen: unknown = null
    spec
      .given([later])
      .when(nurture)
      .thenRejects('OutOfOrder', (error) => {
        expectTypeOf(error.latest).toEqualTypeOf<number>()
        seen = error.latest
      })
    expect(seen).toBe(at('2025-01-09T09:00:00Z'))
  })

  it('Given the decider, then commands, events and tags are typed from it', () => {
    expectTypeOf(spec.given).parameter(0).toEqualTypeOf<readonly LifecycleEvent[]>()
    expectTypeOf<DeciderSpecification.TagOf<LifecycleError>>().toEqualTypeOf<LifecycleError['_tag']>()
    // Compiled, never run: tsc fails if these lines stop being type errors.
    const _typeErrors = () => {
      // @ts-expect-error: not a command of the lifecycle decider
      spec.given([]).when({ type: 'Teleport' })
      // @ts-expect-error: not a rule of the lifecycle decider
      spec.given([]).when(nurture).thenRejects('NoSuchRule')
    }
    void _typeErrors
  })
})

describe('DeciderSpecification over any decider', () => {
  // A counter that refuses to go below zero: its own commands, events, state and errors.
  type Command = { readonly type: 'Add'; readonly n: number }
  type Event = { readonly type: 'Added'; readonly n: number }
  type Error = { readonly _tag: 'BelowZero'; readonly would: number }
  const counter: DeciderSpecification.Decider<Command, Event, number, Error> = {
    initialState: 0,
    evolve: (state, event) => state + event.n,
    decide: (command, state) =>
      state + command.n < 0
        ? E.left({ _tag: 'BelowZero', would: state + command.n })
        : E.right([{ type: 'Added', n: command.n }]),
  }
  const counting = DeciderSpecification.for(counter)

  it('Given 2 added, when adding −3, then it is rejected as BelowZero at −1', () => {
    // state 0 + 2 = 2; 2 + (−3) = −1 < 0
    counting
      .given([{ type: 'Added', n: 2 }])
      .when({ type: 'Add', n: -3 })
      .thenRejects('BelowZero', (error) => expect(error.would).toBe(-1))
    counting
      .given([{ type: 'Added', n: 2 }])
      .when({ type: 'Add', n: -2 })
      .then([{ type: 'Added', n: -2 }])
  })
})
