/**
 * The fold algebra: a projection is an initial state, a step per event and a result. Folds
 * compose applicatively, so any number of metrics run in one pass over the log.
 */
import { Buffer } from 'node:buffer'
import type { Applicative1 } from 'fp-ts/lib/Applicative.js'
import type { Functor1 } from 'fp-ts/lib/Functor.js'
import type { LifecycleEvent as Events } from '@lifeline/core'

type LifecycleEvent = Events.LifecycleEvent

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A left fold over lifecycle events.
 *
 * - `initial()` makes a fresh state for one run.
 * - `step(state, event)` is deterministic and effect-free: it never reads the clock, does no
 *   I/O, and its outcome depends on the state and the event only. For speed it may update the
 *   state it is given and return it: a state belongs to the run that made it and is passed to
 *   `step` once (use `serialize` to keep a copy at some point).
 * - `result(state)` reads the state without changing it.
 */
export interface Fold<S, A> {
  /** A fresh state for one run. */
  readonly initial: () => S
  /** Folds one event into the state. */
  readonly step: (state: S, event: LifecycleEvent) => S
  /** Reads the result from the state. */
  readonly result: (state: S) => A
}

/** A fold whose state type is hidden: what users compose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFold<A> = Fold<any, A>

/** The result type of a fold. */
export type ResultOf<F> = F extends Fold<infer _S, infer A> ? A : never

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A fold from its three parts. */
export const make = <S, A>(
  initial: () => S,
  step: (state: S, event: LifecycleEvent) => S,
  result: (state: S) => A,
): Fold<S, A> => ({ initial, step, result })

const noState = (): null => null
const keep = (state: null): null => state

/** A fold that ignores the events and gives `a`. */
export const of = <A>(a: A): Fold<null, A> => ({ initial: noState, step: keep, result: () => a })

/** Counts the events that satisfy `predicate`. */
export const count = (predicate: (event: LifecycleEvent) => boolean): Fold<{ n: number }, number> => ({
  initial: () => ({ n: 0 }),
  step: (state, event) => {
    if (predicate(event)) state.n++
    return state
  },
  result: (state) => state.n,
})

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Maps the result; the state and step are the same objects, so `struct` can share them. */
export const map =
  <A, B>(f: (a: A) => B) =>
  <S>(fa: Fold<S, A>): Fold<S, B> => ({ initial: fa.initial, step: fa.step, result: (s) => f(fa.result(s)) })

/** Runs two folds in one pass and combines their results. */
export const ap =
  <S1, A>(fa: Fold<S1, A>) =>
  <S2, B>(fab: Fold<S2, (a: A) => B>): Fold<unknown[], B> =>
    map(([f, a]: readonly [(a: A) => B, A]) => f(a))(tuple(fab, fa))

/** Only the events that satisfy `predicate` reach the fold. */
export const filter =
  (predicate: (event: LifecycleEvent) => boolean) =>
  <S, A>(fa: Fold<S, A>): Fold<S, A> => ({
    initial: fa.initial,
    step: (s, e) => (predicate(e) ? fa.step(s, e) : s),
    result: fa.result,
  })

/**
 * Runs many folds in one pass and gives their results as a record. Folds that share their
 * `initial` and `step` (folds `map`ped from one fold) share one state: it is stepped once per
 * event, however many results read it.
 */
export const struct = <R extends Readonly<Record<string, AnyFold<unknown>>>>(
  folds: R,
): Fold<unknown[], { readonly [K in keyof R]: ResultOf<R[K]> }> => {
  const keys = Object.keys(folds)
  const sources: AnyFold<unknown>[] = []
  const sourceOf: number[] = []
  for (const key of keys) {
    const fold = folds[key]!
    let index = sources.findIndex((s) => s.step === fold.step && s.initial === fold.initial)
    if (index < 0) index = sources.push(fold) - 1
    sourceOf.push(index)
  }
  return {
    initial: () => sources.map((s) => s.initial() as unknown),
    step: (states, event) => {
      for (let i = 0; i < sources.length; i++) states[i] = sources[i]!.step(states[i], event)
      return states
    },
    result: (states) => {
      const out: Record<string, unknown> = {}
      keys.forEach((key, i) => {
        out[key] = folds[key]!.result(states[sourceOf[i]!])
      })
      return out as { readonly [K in keyof R]: ResultOf<R[K]> }
    },
  }
}

/** Runs folds in one pass and gives their results as a tuple. */
export const tuple = <T extends readonly AnyFold<unknown>[]>(
  ...folds: T
): Fold<unknown[], { readonly [K in keyof T]: ResultOf<T[K]> }> => {
  const record = struct(Object.fromEntries(folds.map((f, i) => [String(i), f])))
  return map(
    (r: Readonly<Record<string, unknown>>) =>
      folds.map((_, i) => r[String(i)]) as { readonly [K in keyof T]: ResultOf<T[K]> },
  )(record)
}

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/** The URI of the Fold type for fp-ts's higher-kinded encoding. */
export const URI = 'lifeline/Fold'
/** The URI of the Fold type. */
export type URI = typeof URI

declare module 'fp-ts/lib/HKT' {
  interface URItoKind<A> {
    readonly 'lifeline/Fold': AnyFold<A>
  }
}

/** Functor instance. */
export const Functor: Functor1<URI> = { URI, map: (fa, f) => map(f)(fa) }

/** Applicative instance: `ap` runs both folds in the same pass. */
export const Applicative: Applicative1<URI> = {
  URI,
  map: (fa, f) => map(f)(fa),
  ap: (fab, fa) => ap(fa)(fab),
  of,
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Steps a state through events (the state is updated in place where the fold does so). */
export const feed = <S, A>(fold: Fold<S, A>, state: S, events: Iterable<LifecycleEvent>): S => {
  let s = state
  for (const event of events) s = fold.step(s, event)
  return s
}

/** Folds events from a fresh state and gives the result. */
export const run = <S, A>(fold: Fold<S, A>, events: Iterable<LifecycleEvent>): A =>
  fold.result(feed(fold, fold.initial(), events))

/**
 * Folds an async stream of events (a log read) from a fresh state and gives the result.
 *
 * @example
 * ```ts
 * const purchases = await Fold.runAsync(Fold.count((e) => e.type === 'Purchased'), EventLog.readAll(log))
 * ```
 */
export const runAsync = async <S, A>(fold: Fold<S, A>, events: AsyncIterable<LifecycleEvent>): Promise<A> => {
  let state = fold.initial()
  for await (const event of events) state = fold.step(state, event)
  return fold.result(state)
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const TYPED = { Float64Array, Int32Array, Uint32Array, Uint8Array } as const
type TypedName = keyof typeof TYPED

/**
 * Serializes a fold state made of plain data, `Map`s, `Set`s and typed arrays (`Float64Array`,
 * `Int32Array`, `Uint32Array`, `Uint8Array`, written as base64 of their bytes, NaN included) to
 * JSON text, so that a checkpoint can be stored and the fold resumed later with `deserialize`.
 */
export const serialize = (state: unknown): string =>
  JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Map) return { $map: [...(value as Map<unknown, unknown>).entries()] }
    if (value instanceof Set) return { $set: [...(value as Set<unknown>).values()] }
    if (ArrayBuffer.isView(value)) {
      const name = value.constructor.name
      if (!(name in TYPED)) throw new TypeError(`cannot serialize a ${name}`)
      return { $typed: name, base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') }
    }
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`cannot serialize ${value}`)
    return value
  })

/** Reads a state written by `serialize`. */
export const deserialize = <S>(text: string): S =>
  JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null) {
      if ('$map' in value) return new Map((value as { $map: [unknown, unknown][] }).$map)
      if ('$set' in value) return new Set((value as { $set: unknown[] }).$set)
      if ('$typed' in value) {
        const { $typed, base64 } = value as { $typed: TypedName; base64: string }
        // A copy into a buffer of its own: decoded bytes may sit unaligned in a shared pool.
        const bytes = new Uint8Array(Buffer.from(base64, 'base64'))
        return new TYPED[$typed](bytes.buffer)
      }
    }
    return value
  }) as S
