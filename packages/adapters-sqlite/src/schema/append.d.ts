/**
 * Appending: inside one write transaction, check ids and the expected version, then insert.
 */
import { EventLog } from '@lifeline/core';
import type { Database } from '../Driver.js';
/** The prepared statements of an append. */
export declare const statements: (db: Database) => {
    /** Versions of up to `n` streams in one query (statements cached by size). */
    versions: (n: number) => import("../Driver.js").Statement;
    /** What is stored under an event id: enough to tell the same event from another one. */
    stored: import("../Driver.js").Statement;
    insert: import("../Driver.js").Statement;
};
/** Thrown inside the transaction to roll it back with a typed failure. */
export declare class Abort extends Error {
    readonly failure: EventLog.VersionConflict | EventLog.InvalidEvent | EventLog.IdReused;
    constructor(failure: EventLog.VersionConflict | EventLog.InvalidEvent | EventLog.IdReused);
}
/**
 * Appends the batches; must run inside a write transaction, which rolls back (appending
 * nothing) when this throws `Abort`.
 */
export declare const appendBatches: (s: ReturnType<typeof statements>, batches: readonly EventLog.StreamBatch[], recordedAt: number) => EventLog.AppendResult[];
