/**
 * Events to rows and back: the envelope in columns, the type's own fields as JSON in `data`.
 */
import { type EventId, type RecordedEvent } from '@lifeline/core'
import { LifecycleEvent } from '@lifeline/core'

type Event = LifecycleEvent.LifecycleEvent

/** A row of the events table. */
export interface EventRow {
  readonly global_position: number
  readonly event_id: string
  readonly stream_id: string
  readonly stream_version: number
  readonly type: string
  readonly data: string
  readonly metadata: string | null
  readonly occurred_at: number
  readonly recorded_at: number
}

/** The type's own fields: everything but the envelope and the common fields. */
export const dataOf = (event: Event): string => {
  const record = event as unknown as Record<string, unknown>
  let out = '{'
  for (const key of LifecycleEvent.DATA_KEYS[event.type]) {
    const value = record[key]
    if (value !== undefined) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value)}`
  }
  return `${out}}`
}

/** A stored event from its row. Rows were validated on the way in, so they are trusted here. */
export const fromRow = (row: EventRow): RecordedEvent.RecordedEvent =>
  ({
    type: row.type,
    customerId: row.stream_id,
    occurredAt: row.occurred_at,
    ...(JSON.parse(row.data) as object),
    ...(row.metadata === null ? {} : { metadata: JSON.parse(row.metadata) as Record<string, string> }),
    eventId: row.event_id as EventId,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    recordedAt: row.recorded_at,
  }) as RecordedEvent.RecordedEvent
