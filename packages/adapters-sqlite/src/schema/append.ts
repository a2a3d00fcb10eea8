/**
 * Appending: inside one write transaction, check ids and the expected version, then insert.
 */
import { Erasure, EventLog, ExpectedVersion, LifecycleEvent, type EventId, type RecordedEvent } from '@lifeline/core'
import type { Database } from '../Driver.js'
import { dataOf } from './rows.js'

/** The prepared statements of an append. */
export const statements = (db: Database) => ({
  /** Versions of up to `n` streams in one query (statements cached by size). */
  versions: (() => {
    const cache = new Map<number, ReturnType<Database['prepare']>>()
    return (n: number) => {
      let statement = cache.get(n)
      if (statement === undefined) {
        statement = db.prepare(
          `SELECT stream_id AS id, MAX(stream_version) AS v FROM events WHERE stream_id IN (${Array(n).fill('?').join(',')}) GROUP BY stream_id`,
        )
        cache.set(n, statement)
      }
      return statement
    }
  })(),
  /** What is stored under an event id: enough to tell the same event from another one. */
  stored: db.prepare(
    'SELECT global_position AS position, stream_id AS stream, type, occurred_at AS at, data FROM events WHERE event_id = ?',
  ),
  // An id already stored is skipped (reported as such); any other constraint still fails.
  insert: db.prepare(
    `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
  ),
})

/** Thrown inside the transaction to roll it back with a typed failure. */
export class Abort extends Error {
  constructor(
    readonly failure: EventLog.VersionConflict | EventLog.InvalidEvent | EventLog.IdReused | EventLog.Erased,
  ) {
    super(failure._tag)
  }
}

interface StoredRow {
  readonly position: number
  readonly stream: string
  readonly type: string
  readonly at: number
  readonly data: string
}

/**
 * Whether the event is stored: `null` when its id is free, `true` when the same event is stored
 * (metadata aside), and throws `Abort` with `IdReused` when the id names another event.
 */
const isStored = (
  s: ReturnType<typeof statements>,
  event: LifecycleEvent.LifecycleEvent & { readonly eventId: EventId },
): boolean => {
  const row = s.stored.get(event.eventId) as StoredRow | undefined
  if (row === undefined) return false
  // `data` is written by `dataOf` in a fixed key order, so equal fields give equal text.
  const same =
    row.stream === event.customerId &&
    row.type === event.type &&
    row.at === event.occurredAt &&
    row.data === dataOf(event)
  if (!same) throw new Abort(EventLog.idReused(event, { _tag: 'Stored', globalPosition: row.position }))
  return true
}

/**
 * Appends the batches; must run inside a write transaction, which rolls back (appending
 * nothing) when this throws `Abort`.
 */
export const appendBatches = (
  s: ReturnType<typeof statements>,
  batches: readonly EventLog.StreamBatch[],
  recordedAt: number,
  erasedAt: (ids: readonly string[]) => ReadonlyMap<string, number>,
): EventLog.AppendResult[] => {
  const results: EventLog.AppendResult[] = []
  // The streams' versions, read in bulk (a query per 500 streams, not per stream), then kept
  // up to date as this transaction writes.
  const versions = new Map<string, number>()
  const ids = [...new Set(batches.map((b) => b.streamId))]
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    for (const id of chunk) versions.set(id, 0)
    for (const row of s.versions(chunk.length).all(...chunk) as { id: string; v: number }[]) versions.set(row.id, row.v)
  }
  for (const batch of batches) {
    const invalid = EventLog.validateBatch(batch)
    if (invalid !== null) throw new Abort(invalid)
  }
  // An event naming a customer erased after it occurred (read inside this transaction, so an
  // erasure committed by another process is seen).
  const erased = Erasure.firstErased(batches, erasedAt(Erasure.idsNamed(batches)))
  if (erased !== null) throw new Abort({ _tag: 'Erased', ...erased })
  // An id carried by two different events of this append; stored ids are checked as they come.
  const reused = EventLog.reusedWithin(batches)
  if (reused !== null) throw new Abort(reused)
  for (const batch of batches) {
    const actual = versions.get(batch.streamId)!
    const expected = batch.expectedVersion ?? ExpectedVersion.any
    if (!ExpectedVersion.matches(expected, actual)) {
      // A batch made only of stored events is a no-op, whatever version it expected.
      const events = batch.events.map((e) => LifecycleEvent.withId(e))
      if (events.every((e) => isStored(s, e))) {
        const alreadyStored = events.map((e) => e.eventId)
        results.push({ streamId: batch.streamId, appended: [], alreadyStored, streamVersion: actual })
        continue
      }
      throw new Abort(EventLog.versionConflict(batch.streamId, expected, actual))
    }
    const appended: RecordedEvent.RecordedEvent[] = []
    const alreadyStored: EventId[] = []
    let version = actual
    for (const original of batch.events) {
      const event = LifecycleEvent.withId(original)
      const info = s.insert.run(
        event.eventId,
        batch.streamId,
        version + 1,
        event.type,
        dataOf(event),
        event.metadata === undefined ? null : JSON.stringify(event.metadata),
        event.occurredAt,
        recordedAt,
      )
      if (info.changes === 0) {
        // The id is taken: the same event (skipped), or another one (IdReused, all rolled back).
        isStored(s, event)
        alreadyStored.push(event.eventId)
      } else
        appended.push({ ...event, streamVersion: ++version, globalPosition: Number(info.lastInsertRowid), recordedAt })
    }
    versions.set(batch.streamId, version)
    results.push({ streamId: batch.streamId, appended, alreadyStored, streamVersion: version })
  }
  return results
}
