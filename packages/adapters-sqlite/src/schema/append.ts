/**
 * Appending: inside one write transaction, check ids and the expected version, then insert.
 */
import { EventLog, ExpectedVersion, LifecycleEvent, type EventId, type RecordedEvent } from '@lifeline/core'
import type { Database } from '../Driver.js'
import { dataOf } from './rows.js'

/** The prepared statements of an append. */
export const statements = (db: Database) => ({
  isStored: db.prepare('SELECT 1 FROM events WHERE event_id = ?'),
  version: db.prepare('SELECT COALESCE(MAX(stream_version), 0) AS v FROM events WHERE stream_id = ?'),
  // An id already stored is skipped (reported as such); any other constraint still fails.
  insert: db.prepare(
    `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
  ),
})

/** Thrown inside the transaction to roll it back with a typed failure. */
export class Abort extends Error {
  constructor(readonly failure: EventLog.VersionConflict | EventLog.InvalidEvent) {
    super(failure._tag)
  }
}

/**
 * Appends the batches; must run inside a write transaction, which rolls back (appending
 * nothing) when this throws `Abort`.
 */
export const appendBatches = (
  s: ReturnType<typeof statements>,
  batches: readonly EventLog.StreamBatch[],
  recordedAt: number,
): EventLog.AppendResult[] => {
  const results: EventLog.AppendResult[] = []
  // Versions read or written in this transaction: a stream's later batches need no query.
  const versions = new Map<string, number>()
  for (const batch of batches) {
    const invalid = EventLog.validateBatch(batch)
    if (invalid !== null) throw new Abort(invalid)
    const actual = versions.get(batch.streamId) ?? (s.version.get(batch.streamId) as { v: number }).v
    const expected = batch.expectedVersion ?? ExpectedVersion.any
    if (!ExpectedVersion.matches(expected, actual)) {
      // A batch made only of stored events is a no-op, whatever version it expected.
      const ids = batch.events.map((e) => LifecycleEvent.idOf(e))
      if (ids.every((id) => s.isStored.get(id) !== undefined)) {
        results.push({ streamId: batch.streamId, appended: [], alreadyStored: ids, streamVersion: actual })
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
      if (info.changes === 0) alreadyStored.push(event.eventId)
      else
        appended.push({ ...event, streamVersion: ++version, globalPosition: Number(info.lastInsertRowid), recordedAt })
    }
    versions.set(batch.streamId, version)
    results.push({ streamId: batch.streamId, appended, alreadyStored, streamVersion: version })
  }
  return results
}
