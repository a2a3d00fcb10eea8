/**
 * The EventLog port: an append-only log of lifecycle events, one stream per customer, with one
 * global order. Every adapter (in-memory, SQLite, PostgreSQL) implements it and passes the
 * contract suite in `@lifeline/core/testing`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import * as DecodeError from './DecodeError.js'
import type * as Erasure from './Erasure.js'
import * as ExpectedVersion from './ExpectedVersion.js'
import type { CustomerId, EventId } from './Ids.js'
import * as LifecycleError from './LifecycleError.js'
import * as LifecycleEvent from './LifecycleEvent.js'
import type { GlobalPosition, RecordedEvent } from './RecordedEvent.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The stream was not at the expected version: nothing was appended. */
export interface VersionConflict {
  readonly _tag: 'VersionConflict'
  readonly streamId: CustomerId
  readonly expected: ExpectedVersion.ExpectedVersion
  readonly actual: number
}

/** An event is malformed or does not belong to the stream: nothing was appended. */
export interface InvalidEvent {
  readonly _tag: 'InvalidEvent'
  readonly streamId: CustomerId
  /** Index of the offending event in its batch. */
  readonly index: number
  readonly errors: DecodeError.DecodeError
}

/** The storage failed (I/O, driver, lock timeout): nothing was appended. */
export interface StorageFailed {
  readonly _tag: 'StorageFailed'
  readonly cause: unknown
}

/**
 * An event's id already names another event (stored, or earlier in the same append) with other
 * content: nothing was appended. The same id with the same content is an idempotent repeat.
 */
export type IdReused = LifecycleError.IdReused

/**
 * An event names a customer (as its own, or as `referredBy` / `referredCustomerId`) that was
 * erased after the event occurred: nothing was appended. It carries the event's place only, no
 * content, so that reporting it writes nothing of the erased customer anywhere.
 */
export interface Erased {
  readonly _tag: 'Erased'
  /** Index of the stream batch in the append (0 for `append`). */
  readonly batch: number
  /** Index of the offending event in its batch. */
  readonly index: number
}

/** Every way an EventLog operation can fail. */
export type EventLogError = VersionConflict | InvalidEvent | StorageFailed | IdReused | Erased

/** A batch for one customer's stream. */
export interface StreamBatch {
  readonly streamId: CustomerId
  readonly events: readonly LifecycleEvent.LifecycleEvent[]
  /** Default: `any`. */
  readonly expectedVersion?: ExpectedVersion.ExpectedVersion
}

/** What one stream's append did. */
export interface AppendResult {
  readonly streamId: CustomerId
  /** The events stored by this append, with their envelopes, in order. */
  readonly appended: readonly RecordedEvent[]
  /** Ids of events that were already stored (or repeated in the batch): skipped, not an error. */
  readonly alreadyStored: readonly EventId[]
  /** The stream's version after the append. */
  readonly streamVersion: number
}

/** One page of the global log. */
export interface Page {
  readonly events: readonly RecordedEvent[]
  /** The position to read the next page after: the last event's, or `after` when empty. */
  readonly lastPosition: GlobalPosition
}

/** Options of `readAll` and `subscribe`. */
export interface ReadAllOptions {
  /** Read events after this position (a checkpoint); default 0, the start of the log. */
  readonly after?: GlobalPosition
  /** Events per page read from storage; default 500. */
  readonly pageSize?: number
}

/** Options of `subscribe`. */
export interface SubscribeOptions extends ReadAllOptions {
  /** Ends the subscription; without it the subscription runs until its iterator is returned. */
  readonly signal?: AbortSignal
}

/** The port. Every failure is a value in the `TaskEither`; nothing throws for an expected failure. */
export interface EventLog {
  /**
   * Appends a batch to one customer's stream, all or nothing, after checking the expected
   * version. Events already stored (same id, same content) are skipped and reported in
   * `alreadyStored`; a batch made only of such events is a no-op and is not checked against the
   * version. An id already stored with other content is `IdReused`, and nothing is appended.
   */
  readonly append: (batch: StreamBatch) => TE.TaskEither<EventLogError, AppendResult>
  /** Appends batches for many streams in one atomic step: all of them, or none. */
  readonly appendMany: (batches: readonly StreamBatch[]) => TE.TaskEither<EventLogError, readonly AppendResult[]>
  /** One customer's events in stream order (empty for an unknown customer). */
  readonly readStream: (streamId: CustomerId) => TE.TaskEither<EventLogError, readonly RecordedEvent[]>
  /**
   * The stored events among the given ids, in global order (ids not stored are left out): to
   * tell, before appending, which incoming events repeat a stored one and which reuse its id.
   */
  readonly readByIds: (ids: readonly EventId[]) => TE.TaskEither<EventLogError, readonly RecordedEvent[]>
  /**
   * The ids among `ids` that the log holds (under any stream), without reading their events:
   * to tell, in bulk and cheaply, which incoming events (an import run again) are stored already.
   */
  readonly heldIds: (ids: readonly EventId[]) => TE.TaskEither<EventLogError, ReadonlySet<EventId>>
  /** Up to `limit` events after position `after`, in global order. */
  readonly readPage: (after: GlobalPosition, limit: number) => TE.TaskEither<EventLogError, Page>
  /** The position of the last stored event; 0 for an empty log. */
  readonly headPosition: () => TE.TaskEither<EventLogError, GlobalPosition>
  /**
   * Resolves when an event after `after` may be available, or when `signal` aborts. Adapters
   * notify in-process appends at once and may poll for other processes' appends.
   */
  readonly waitForEvents: (after: GlobalPosition, signal?: AbortSignal) => Promise<void>
  /**
   * Erases a customer (EVENTS.md, "Erasure"), in one transaction: its id becomes a pseudonym
   * `erased-<UUID v4>` in its events and in every event naming it, its events lose their
   * metadata and get new random ids, and the log records a keyed hash of the id with the
   * erasure instant. Positions, versions, instants and the business's fields stay, so every
   * aggregate stays the same. A durable log rewrites its checkpoints too (`options`). Erasing
   * an unknown or already erased customer is a no-op, reported as such.
   */
  readonly forget: (
    customerId: CustomerId,
    options?: Erasure.ForgetOptions,
  ) => TE.TaskEither<StorageFailed, Erasure.ForgetResult>
  /**
   * Forgets several customers in one transaction, in order (as `forget` each), rewriting each
   * checkpoint once for all of them: the results in the order of the ids.
   */
  readonly forgetMany: (
    customerIds: readonly CustomerId[],
    options?: Erasure.ForgetOptions,
  ) => TE.TaskEither<StorageFailed, readonly Erasure.ForgetResult[]>
  /**
   * The erasure instants of the erased customers among `customerIds` (the others are left
   * out): an event of such a customer that occurred earlier is rejected as `Erased`.
   */
  readonly erasedAt: (
    customerIds: readonly CustomerId[],
  ) => TE.TaskEither<StorageFailed, ReadonlyMap<CustomerId, number>>
}

/**
 * A projection checkpoint to save: the log position it reflects and its serialized state, as
 * text or bytes (text is stored as its UTF-8 bytes).
 */
export interface Checkpoint {
  readonly position: number
  readonly state: string | Uint8Array
  /**
   * The log's erasure generation (`erasureGeneration`) the state was folded under: a durable log
   * then saves it only if no customer was forgotten since (a state read before an erasure would
   * bring the erased id back). Without it, the checkpoint is saved as it is.
   */
  readonly erasureGeneration?: number
}

/**
 * A projection checkpoint as loaded: the state comes back as bytes on every adapter, whatever
 * was saved; for a state saved as text, `new TextDecoder().decode(state)` gives the text back.
 */
export interface StoredCheckpoint {
  readonly position: number
  readonly state: Uint8Array
}

/** Where durable logs keep projection checkpoints, beside the events they reflect. */
export interface CheckpointStore {
  /** Loads a projection checkpoint by name; `null` when there is none. */
  readonly loadCheckpoint: (name: string) => TE.TaskEither<StorageFailed, StoredCheckpoint | null>
  /**
   * Saves (replaces) a projection checkpoint by name; skips it when it carries an erasure
   * generation and a customer was forgotten since.
   */
  readonly saveCheckpoint: (name: string, checkpoint: Checkpoint) => TE.TaskEither<StorageFailed, void>
  /**
   * How many erasures the log has seen (counts up with each `forget` that erased someone): a
   * projection reads it before folding and saves its checkpoint with it (durable logs).
   */
  readonly erasureGeneration?: () => TE.TaskEither<StorageFailed, number>
}

/**
 * Thrown by the async iterables of `readAll` and `subscribe` when the log fails mid-iteration:
 * an iterator cannot return an `Either`, so the typed error travels in `error`.
 */
export class EventLogFailure extends Error {
  /** The typed failure. */
  readonly error: EventLogError
  constructor(error: EventLogError) {
    super(formatError(error))
    this.name = 'EventLogFailure'
    this.error = error
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A `VersionConflict` value. */
export const versionConflict = (
  streamId: CustomerId,
  expected: ExpectedVersion.ExpectedVersion,
  actual: number,
): VersionConflict => ({ _tag: 'VersionConflict', streamId, expected, actual })

/** A `StorageFailed` value. */
export const storageFailed = (cause: unknown): StorageFailed => ({ _tag: 'StorageFailed', cause })

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Every event after `options.after`, in global order, one page at a time: memory stays bounded
 * by the page size however long the log is. Throws `EventLogFailure` if the log fails.
 *
 * @example
 * ```ts
 * for await (const event of EventLog.readAll(log, { after: checkpoint })) console.log(event.type)
 * ```
 */
export async function* readAll(log: EventLog, options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? 500
  let after = options.after ?? 0
  for (;;) {
    const page = await log.readPage(after, pageSize)()
    if (page._tag === 'Left') throw new EventLogFailure(page.left)
    yield* page.right.events
    if (page.right.events.length < pageSize) return
    after = page.right.lastPosition
  }
}

/**
 * Catches up from a checkpoint and keeps receiving new events as they are appended, until
 * `signal` aborts (then it ends quietly) or the consumer stops iterating.
 */
export async function* subscribe(log: EventLog, options: SubscribeOptions = {}): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? 500
  const signal = options.signal
  const aborted = (): boolean => signal?.aborted === true
  let after = options.after ?? 0
  while (!aborted()) {
    const page = await log.readPage(after, pageSize)()
    if (page._tag === 'Left') throw new EventLogFailure(page.left)
    for (const event of page.right.events) {
      if (aborted()) return
      yield event
    }
    after = page.right.lastPosition
    if (page.right.events.length < pageSize) await log.waitForEvents(after, signal)
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** A checkpoint's state as stored bytes: text as UTF-8, bytes as they are (adapters use it). */
export const checkpointBytes = (state: string | Uint8Array): Uint8Array =>
  typeof state === 'string' ? new TextEncoder().encode(state) : state

/** Stored bytes (a driver's `Buffer`, or text from an older store) as a plain `Uint8Array`. */
export const storedBytes = (state: string | Uint8Array): Uint8Array =>
  typeof state === 'string'
    ? new TextEncoder().encode(state)
    : new Uint8Array(state.buffer, state.byteOffset, state.byteLength)

/** The line of an `Erased` failure: the rule and the event's place, nothing of its content. */
export const formatErased = (error: Erased): string =>
  `Erased: event ${error.index} of stream batch ${error.batch} names a customer erased after the event occurred`

/** One line describing a log failure. */
export const formatError = (error: EventLogError): string => {
  switch (error._tag) {
    case 'VersionConflict':
      return `VersionConflict: stream ${JSON.stringify(error.streamId)} expected ${ExpectedVersion.format(error.expected)} but is at version ${error.actual}`
    case 'InvalidEvent':
      return `InvalidEvent: stream ${JSON.stringify(error.streamId)}, event ${error.index}: ${DecodeError.formatInline(error.errors)}`
    case 'StorageFailed':
      return `StorageFailed: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`
    case 'IdReused':
      return LifecycleError.format(error)
    case 'Erased':
      return formatErased(error)
  }
}

/**
 * Validates a batch before it is stored: each event must be a well-formed lifecycle event of the
 * batch's stream. Adapters call this so that untyped callers cannot store malformed events.
 */
export const validateBatch = (batch: StreamBatch): InvalidEvent | null => {
  for (let index = 0; index < batch.events.length; index++) {
    const event = batch.events[index]!
    const errors = LifecycleEvent.check(event)
    if (errors !== null) return { _tag: 'InvalidEvent', streamId: batch.streamId, index, errors }
    if (event.customerId !== batch.streamId) {
      return {
        _tag: 'InvalidEvent',
        streamId: batch.streamId,
        index,
        errors: DecodeError.single(
          'customerId',
          event.customerId,
          `does not belong to stream ${JSON.stringify(batch.streamId)}`,
        ),
      }
    }
  }
  return null
}

/** What a log holds under an event id: the event's canonical content (computed on demand) and where it is. */
export interface StoredId {
  /** The canonical content of the event stored under the id (computed on demand). */
  readonly content: () => string
  /** Where that event is: its global position. */
  readonly first: LifecycleError.FirstWithId
}

/** What a stored event says of its id, for `dedupe` and `History.admit`. */
export const storedId = (event: RecordedEvent): StoredId => ({
  content: () => LifecycleEvent.canonicalContent(event),
  first: { _tag: 'Stored', globalPosition: event.globalPosition },
})

/** The `IdReused` rejection of `event`, whose id names the event at `first`. */
export const idReused = (
  event: LifecycleEvent.LifecycleEvent & { readonly eventId: EventId },
  first: LifecycleError.FirstWithId,
): IdReused => ({
  _tag: 'IdReused',
  customerId: event.customerId,
  eventType: event.type,
  occurredAt: event.occurredAt,
  eventId: event.eventId,
  first,
})

/**
 * Splits a batch into the events to store, with their ids, and the ids already stored or
 * repeated earlier in the append (same content: skipped). `stored` tells what the log holds under
 * an id; `staged` holds the ids of the append's earlier events (and gets this batch's fresh ones).
 * An id that names other content is `IdReused`.
 */
export const dedupe = (
  batch: StreamBatch,
  stored: (id: EventId) => StoredId | undefined,
  staged: Map<EventId, StoredId> = new Map(),
): E.Either<
  IdReused,
  {
    readonly fresh: ReadonlyArray<LifecycleEvent.LifecycleEvent & { readonly eventId: EventId }>
    readonly alreadyStored: readonly EventId[]
  }
> => {
  const fresh: Array<LifecycleEvent.LifecycleEvent & { readonly eventId: EventId }> = []
  const alreadyStored: EventId[] = []
  for (let index = 0; index < batch.events.length; index++) {
    const withId = LifecycleEvent.withId(batch.events[index]!)
    const known = staged.get(withId.eventId) ?? stored(withId.eventId)
    if (known === undefined) {
      staged.set(withId.eventId, {
        content: () => LifecycleEvent.canonicalContent(withId),
        first: { _tag: 'Batch', streamId: batch.streamId, index },
      })
      fresh.push(withId)
    } else if (known.content() === LifecycleEvent.canonicalContent(withId)) alreadyStored.push(withId.eventId)
    else return E.left(idReused(withId, known.first))
  }
  return E.right({ fresh, alreadyStored })
}

/**
 * The first id reused within one append (two events of the batches with one id and different
 * content), or null: for adapters that check stored ids in the database.
 */
export const reusedWithin = (batches: readonly StreamBatch[]): IdReused | null => {
  const staged = new Map<EventId, StoredId>()
  for (const batch of batches) {
    const checked = dedupe(batch, () => undefined, staged)
    if (checked._tag === 'Left') return checked.left
  }
  return null
}
