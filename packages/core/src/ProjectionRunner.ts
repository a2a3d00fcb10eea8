/**
 * Keeps a projection current over an EventLog: catches up from a checkpoint, then follows new
 * events as they are appended. The result is recomputed only after new events, never by
 * refolding. Any fold of `@lifeline/projections` is a `Projection` (the runner needs only its
 * three functions), so durable adapters can run projections without depending on that package.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as EventLog from './EventLog.js'
import type { LifecycleEvent } from './LifecycleEvent.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What the runner folds: an initial state, a step per event and a result. Structurally the
 * `Fold` of `@lifeline/projections`, whose rules apply (`step` may update the state it is given).
 */
export interface Projection<S, A> {
  /** A fresh state for one run. */
  readonly initial: () => S
  /** Folds one event into the state (pure; may update the state it is given and return it). */
  readonly step: (state: S, event: LifecycleEvent) => S
  /** Reads the result from the state without changing it. */
  readonly result: (state: S) => A
}

/** Where a runner starts: a fold state and the log position it reflects. */
export interface Start<S> {
  readonly state: S
  readonly position: number
}

/** A running projection. */
export interface ProjectionRunner<S, A> {
  /** The last log position folded in. */
  readonly position: () => number
  /** The current state (owned by the runner: serialize it to keep a copy). */
  readonly state: () => S
  /** The current result; computed once per change of position. */
  readonly result: () => A
  /** Folds every event appended since the last position; resolves with the new position. */
  readonly catchUp: () => Promise<E.Either<EventLog.EventLogError, number>>
  /**
   * Catches up, then follows the log until `signal` aborts. `onChange` is called after each
   * page of new events has been folded. Resolves when stopped; rejects with an
   * `EventLogFailure` if the log fails.
   */
  readonly follow: (signal: AbortSignal, onChange?: (position: number) => void) => Promise<void>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A runner of `fold` over `log`, from a checkpoint or from the start of the log.
 *
 * @example
 * ```ts
 * const runner = ProjectionRunner.make(log, Report.fold())
 * await runner.catchUp()
 * console.log(runner.result().leads.new)
 * ```
 */
export const make = <S, A>(
  log: EventLog.EventLog,
  fold: Projection<S, A>,
  start: Start<S> = { state: fold.initial(), position: 0 },
  pageSize = 1_000,
): ProjectionRunner<S, A> => {
  let state = start.state
  let position = start.position
  let cached: { position: number; value: A } | null = null

  const catchUp = async (): Promise<E.Either<EventLog.EventLogError, number>> => {
    for (;;) {
      const page = await log.readPage(position, pageSize)()
      if (page._tag === 'Left') return page
      for (const event of page.right.events) state = fold.step(state, event)
      position = page.right.lastPosition
      if (page.right.events.length < pageSize) return E.right(position)
    }
  }

  return {
    position: () => position,
    state: () => state,
    result: () => {
      if (cached === null || cached.position !== position) cached = { position, value: fold.result(state) }
      return cached.value
    },
    catchUp,
    follow: async (signal, onChange) => {
      while (!signal.aborted) {
        const before = position
        const caught = await catchUp()
        if (caught._tag === 'Left') throw new EventLog.EventLogFailure(caught.left)
        if (position !== before) onChange?.(position)
        await log.waitForEvents(position, signal)
      }
    },
  }
}
