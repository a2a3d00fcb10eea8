/**
 * Given / when / then specifications of a decider, the way Emmett's `DeciderSpecification`
 * reads: the events that already happened, the command, then the events it records or the rule
 * it breaks. Generic over the decider's own types (commands, events, state, errors), so a
 * specification type-checks its commands and events against the decider it tests and follows
 * it as event types are added. Failures throw Node's `AssertionError` with a diff, which every
 * test runner reports.
 *
 * @example
 * ```ts
 * const spec = DeciderSpecification.for(Decider)
 * spec.given([]).when(nurture).thenRejects('NoConsent')
 * spec.given([optedIn]).when(nurture).then([nurtured])
 * ```
 */
import { deepStrictEqual, fail } from 'node:assert/strict'
import type { Either } from 'fp-ts/lib/Either.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a specification needs of a decider: `decide` a command in a state (the events to record,
 * or an error), `evolve` the state by an event, and the initial state. The `Decider` namespace
 * of `@lifeline/core` is one.
 */
export interface Decider<Command, Event, State, Error> {
  /** The events a command records in a state, or why it is rejected. */
  readonly decide: (command: Command, state: State) => Either<Error, readonly Event[]>
  /** The state after an event. */
  readonly evolve: (state: State, event: Event) => State
  /** The state before any event. */
  readonly initialState: State
}

/** The `_tag`s of an error union (`never` for errors without tags). */
export type TagOf<Error> = Error extends { readonly _tag: infer Tag extends string } ? Tag : never

/** A specification of one decider: start it with the events that already happened. */
export interface Specification<Command, Event, Error> {
  /** The events that already happened, folded with `evolve` from the initial state. */
  readonly given: (events: readonly Event[]) => Given<Command, Event, Error>
}

/** The history is set; now the command. */
export interface Given<Command, Event, Error> {
  /** The command to decide in the state the given events lead to. */
  readonly when: (command: Command) => When<Event, Error>
}

/** The command is decided; now what must have come of it. */
export interface When<Event, Error> {
  /** Asserts that the command was accepted and recorded exactly these events, in this order. */
  readonly then: (events: readonly Event[]) => void
  /**
   * Asserts that the command was rejected, with an error of this `_tag` when one is given;
   * `check` receives the error, narrowed to that tag, for further assertions.
   */
  readonly thenRejects: <Tag extends TagOf<Error>>(
    tag?: Tag,
    check?: (error: Extract<Error, { readonly _tag: Tag }>) => void,
  ) => void
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const describe = (value: unknown): string => JSON.stringify(value)

/**
 * The specification of `decider`: `DeciderSpecification.for(Decider).given(events).when(command)`
 * then `.then(events)` or `.thenRejects('NoConsent')`.
 */
const forDecider = <Command, Event, State, Error>(
  decider: Decider<Command, Event, State, Error>,
): Specification<Command, Event, Error> => ({
  given: (history) => ({
    when: (command) => {
      const state = history.reduce(decider.evolve, decider.initialState)
      const outcome = decider.decide(command, state)
      return {
        then: (expected) => {
          if (outcome._tag === 'Left') {
            fail(`expected ${describe(command)} to record events, but it was rejected: ${describe(outcome.left)}`)
          }
          deepStrictEqual(outcome.right, expected)
        },
        thenRejects: <Tag extends TagOf<Error>>(
          tag?: Tag,
          check?: (error: Extract<Error, { readonly _tag: Tag }>) => void,
        ) => {
          if (outcome._tag === 'Right') {
            fail(`expected ${describe(command)} to be rejected, but it recorded ${describe(outcome.right)}`)
          }
          const error = outcome.left as Error & { readonly _tag?: unknown }
          if (tag !== undefined && error._tag !== tag) {
            fail(`expected ${describe(command)} to be rejected with ${tag}, but it was ${describe(error)}`)
          }
          check?.(error as Extract<Error, { readonly _tag: Tag }>)
        },
      }
    },
  }),
})

export { forDecider as for }
