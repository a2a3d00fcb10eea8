/**
 * Appending: inside one write transaction, check ids and the expected version, then insert.
 */
import { EventLog, ExpectedVersion, type EventId, type RecordedEvent } from '@lifeline/core'
import type { Database } from '../Driver.js'
import { dataOf } from './rows.js'

/** The prepared statements of an append. */
export const statements = (db: Database) => ({
  isStored: db.prepare('SELECT 1 FROM events WHERE event_id = ?'),
  version: db.prepare('SELECT COALESCE(MAX(stream_version), 0) AS v FROM events WHERE stream_id = ?'),
  insert: db.prepare(
    `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
  for (const batch of batches) {
    const invalid = EventLog.validateBatch(batch)
    if (invalid !== null) throw new Abort(invalid)
    const { fresh, alreadyStored } = EventLog.dedupe(batch.events, (id: EventId) => s.isStored.get(id) !== undefined)
    const actual = (s.version.get(batch.streamId) as { v: number }).v
    if (fresh.length === 0) {
      results.push({ streamId: batch.streamId, appended: [], alreadyStored, streamVersion: actual })
      continue
    }
    const expected = batch.expectedVersion ?? ExpectedVersion.any
    if (!ExpectedVersion.matches(expected, actual))
      throw new Abort(EventLog.versionConflict(batch.streamId, expected, actual))
    const appended: RecordedEvent.RecordedEvent[] = []
    fresh.forEach((event, i) => {
      const streamVersion = actual + i + 1
      const info = s.insert.run(
        event.eventId,
        batch.streamId,
        streamVersion,
        event.type,
        dataOf(event),
        event.metadata === undefined ? null : JSON.stringify(event.metadata),
        event.occurredAt,
        recordedAt,
      )
      appended.push({ ...event, streamVersion, globalPosition: Number(info.lastInsertRowid), recordedAt })
    })
    results.push({ streamId: batch.streamId, appended, alreadyStored, streamVersion: actual + fresh.length })
  }
  return results
}
