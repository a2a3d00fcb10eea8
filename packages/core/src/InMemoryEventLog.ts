/**
 * An EventLog kept in memory: for tests, examples and short-lived processes. It passes the
 * same contract suite as the durable logs.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as Erasure from './Erasure.js'
import * as EventLog from './EventLog.js'
import * as ExpectedVersion from './ExpectedVersion.js'
import type { CustomerId, EventId } from './Ids.js'
import type { GlobalPosition, RecordedEvent } from './RecordedEvent.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of the in-memory log. */
export interface Options {
  /** The clock that stamps `recordedAt`; default `Date.now`. */
  readonly clock?: () => number
}

const firstResult = (results: readonly EventLog.AppendResult[]): EventLog.AppendResult => results[0]!

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A new, empty in-memory log (for tests, examples, and processes that keep nothing).
 *
 * @example
 * ```ts
 * const log = InMemoryEventLog.make()
 * await log.append({ streamId: event.customerId, events: [event] })()
 * ```
 */
export const make = (options: Options = {}): EventLog.EventLog => {
  const clock = options.clock ?? Date.now
  const all: RecordedEvent[] = []
  const streams = new Map<CustomerId, RecordedEvent[]>()
  const ids = new Map<EventId, RecordedEvent>()
  const waiters = new Set<() => void>()
  // Erasures: the keyed hash of each erased id -> its erasure instant.
  const secret = Erasure.newSecret()
  const erasures = new Map<string, number>()
  const erasedAt = (customerIds: readonly string[]): Map<CustomerId, number> => {
    const out = new Map<CustomerId, number>()
    if (erasures.size === 0) return out
    for (const id of customerIds) {
      const at = erasures.get(Erasure.key(secret, id))
      if (at !== undefined) out.set(id as CustomerId, at)
    }
    return out
  }

  const forget = (customerId: CustomerId): Erasure.ForgetResult => {
    const key = Erasure.key(secret, customerId)
    const rename = { customerId, pseudonym: Erasure.pseudonym() }
    let eventsRewritten = 0
    let referencesRewritten = 0
    for (let i = 0; i < all.length; i++) {
      const event = all[i]!
      const rewritten = Erasure.rewrite(event, rename)
      if (rewritten === null) continue
      if (event.customerId === customerId) eventsRewritten++
      else referencesRewritten++
      all[i] = { ...rewritten, eventId: Erasure.newEventId() }
    }
    if (eventsRewritten + referencesRewritten === 0) {
      const at = erasures.get(key)
      return at === undefined ? { _tag: 'Unknown' } : { _tag: 'AlreadyErased', erasedAt: at }
    }
    streams.clear()
    ids.clear()
    for (const event of all) {
      ids.set(event.eventId, event)
      const stream = streams.get(event.customerId)
      if (stream === undefined) streams.set(event.customerId, [event])
      else stream.push(event)
    }
    const at = clock()
    erasures.set(key, at)
    return Erasure.forgotten(rename, eventsRewritten, referencesRewritten, at)
  }

  // Validates and stages every batch first, then commits: all or nothing.
  const appendBatches = (
    batches: readonly EventLog.StreamBatch[],
  ): E.Either<EventLog.EventLogError, readonly EventLog.AppendResult[]> => {
    const staged: RecordedEvent[] = []
    const stagedIds = new Map<EventId, EventLog.StoredId>()
    const stagedVersions = new Map<CustomerId, number>()
    const results: EventLog.AppendResult[] = []
    const recordedAt = clock()
    const stored = (id: EventId): EventLog.StoredId | undefined => {
      const event = ids.get(id)
      return event === undefined ? undefined : EventLog.storedId(event)
    }
    for (const batch of batches) {
      const invalid = EventLog.validateBatch(batch)
      if (invalid !== null) return E.left(invalid)
    }
    const erased = Erasure.firstErased(batches, erasedAt(Erasure.idsNamed(batches)))
    if (erased !== null) return E.left({ _tag: 'Erased', ...erased })
    for (const batch of batches) {
      const deduped = EventLog.dedupe(batch, stored, stagedIds)
      if (deduped._tag === 'Left') return deduped
      const { fresh, alreadyStored } = deduped.right
      const actual = stagedVersions.get(batch.streamId) ?? streams.get(batch.streamId)?.length ?? 0
      if (fresh.length === 0) {
        results.push({ streamId: batch.streamId, appended: [], alreadyStored, streamVersion: actual })
        continue
      }
      const expected = batch.expectedVersion ?? ExpectedVersion.any
      if (!ExpectedVersion.matches(expected, actual)) {
        return E.left(EventLog.versionConflict(batch.streamId, expected, actual))
      }
      const appended = fresh.map((event, i) => ({
        ...event,
        streamVersion: actual + i + 1,
        globalPosition: all.length + staged.length + i + 1,
        recordedAt,
      }))
      staged.push(...appended)
      stagedVersions.set(batch.streamId, actual + appended.length)
      results.push({ streamId: batch.streamId, appended, alreadyStored, streamVersion: actual + appended.length })
    }
    for (const event of staged) {
      all.push(event)
      ids.set(event.eventId, event)
      const stream = streams.get(event.customerId)
      if (stream === undefined) streams.set(event.customerId, [event])
      else stream.push(event)
    }
    if (staged.length > 0) {
      for (const wake of waiters) wake()
      waiters.clear()
    }
    return E.right(results)
  }

  return {
    append: (batch) => TE.fromIOEither(() => E.map(firstResult)(appendBatches([batch]))),
    appendMany: (batches) => TE.fromIOEither(() => appendBatches(batches)),
    readStream: (streamId) => TE.fromIO(() => [...(streams.get(streamId) ?? [])]),
    readByIds: (wanted) =>
      TE.fromIO(() =>
        [...new Set(wanted)].flatMap((id) => ids.get(id) ?? []).sort((a, b) => a.globalPosition - b.globalPosition),
      ),
    heldIds: (wanted) => TE.fromIO(() => new Set(wanted.filter((id) => ids.has(id)))),
    readPage: (after: GlobalPosition, limit: number) =>
      TE.fromIO(() => {
        const events = all.slice(Math.max(0, after), Math.max(0, after) + limit)
        return { events, lastPosition: events.at(-1)?.globalPosition ?? after }
      }),
    headPosition: () => TE.fromIO(() => all.length),
    forget: (customerId) => TE.fromIO(() => forget(customerId)),
    forgetMany: (customerIds) => TE.fromIO(() => customerIds.map(forget)),
    erasedAt: (customerIds) => TE.fromIO(() => erasedAt(customerIds)),
    waitForEvents: (after, signal) =>
      new Promise<void>((resolve) => {
        if (all.length > after || signal?.aborted === true) return resolve()
        const wake = (): void => {
          waiters.delete(wake)
          signal?.removeEventListener('abort', wake)
          resolve()
        }
        waiters.add(wake)
        signal?.addEventListener('abort', wake, { once: true })
      }),
  }
}
