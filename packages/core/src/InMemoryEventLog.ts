/**
 * An EventLog kept in memory: for tests, examples and short-lived processes. It passes the
 * same contract suite as the durable logs.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
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
    readPage: (after: GlobalPosition, limit: number) =>
      TE.fromIO(() => {
        const events = all.slice(Math.max(0, after), Math.max(0, after) + limit)
        return { events, lastPosition: events.at(-1)?.globalPosition ?? after }
      }),
    headPosition: () => TE.fromIO(() => all.length),
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
