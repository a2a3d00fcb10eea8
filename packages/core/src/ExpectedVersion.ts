/**
 * What a writer expects of a stream before appending to it: optimistic concurrency control.
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** No check. */
export interface Any {
  readonly _tag: 'Any'
}
/** The stream must have no events. */
export interface NoStream {
  readonly _tag: 'NoStream'
}
/** The stream must have at least one event. */
export interface StreamExists {
  readonly _tag: 'StreamExists'
}
/** The stream must be at exactly this version (its number of events). */
export interface Exactly {
  readonly _tag: 'Exactly'
  readonly version: number
}

/** An expected-version condition. */
export type ExpectedVersion = Any | NoStream | StreamExists | Exactly

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** No check. */
export const any: ExpectedVersion = { _tag: 'Any' }
/** The stream must not exist yet. */
export const noStream: ExpectedVersion = { _tag: 'NoStream' }
/** The stream must exist. */
export const streamExists: ExpectedVersion = { _tag: 'StreamExists' }
/** The stream must be at exactly `version` events (0 is the same as `noStream`). */
export const exactly = (version: number): ExpectedVersion => ({ _tag: 'Exactly', version })

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** True when a stream currently at `actual` events satisfies the expectation. */
export const matches = (expected: ExpectedVersion, actual: number): boolean => {
  switch (expected._tag) {
    case 'Any':
      return true
    case 'NoStream':
      return actual === 0
    case 'StreamExists':
      return actual > 0
    case 'Exactly':
      return actual === expected.version
  }
}

/** A short text: `any`, `no stream`, `stream exists`, `exactly 3`. */
export const format = (expected: ExpectedVersion): string => {
  switch (expected._tag) {
    case 'Any':
      return 'any'
    case 'NoStream':
      return 'no stream'
    case 'StreamExists':
      return 'stream exists'
    case 'Exactly':
      return `exactly ${expected.version}`
  }
}
