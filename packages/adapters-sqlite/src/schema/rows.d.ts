/**
 * Events to rows and back: the envelope in columns, the type's own fields as JSON in `data`.
 */
import { type RecordedEvent } from '@lifeline/core';
import { LifecycleEvent } from '@lifeline/core';
type Event = LifecycleEvent.LifecycleEvent;
/** A row of the events table. */
export interface EventRow {
    readonly global_position: number;
    readonly event_id: string;
    readonly stream_id: string;
    readonly stream_version: number;
    readonly type: string;
    readonly data: string;
    readonly metadata: string | null;
    readonly occurred_at: number;
    readonly recorded_at: number;
}
/** The type's own fields: everything but the envelope and the common fields. */
export declare const dataOf: (event: Event) => string;
/** A stored event from its row. Rows were validated on the way in, so they are trusted here. */
export declare const fromRow: (row: EventRow) => RecordedEvent.RecordedEvent;
export {};
