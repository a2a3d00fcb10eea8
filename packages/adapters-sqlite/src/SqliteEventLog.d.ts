/**
 * The durable embedded EventLog on SQLite: WAL mode, versioned migrations, append-only enforced
 * by triggers, one write transaction per append (writers from several processes serialize on
 * SQLite's lock, waiting up to the busy timeout), pages read in global order.
 */
import { EventLog } from '@lifeline/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Database } from './Driver.js';
/** Options of the SQLite log. */
export interface Options {
    /** Stamps `recordedAt`; default `Date.now`. */
    readonly clock?: () => number;
    /** How long a writer waits for another process's write lock, ms; default 10 000. */
    readonly busyTimeoutMs?: number;
    /** How often `waitForEvents` polls for other processes' appends, ms; default 100. */
    readonly pollIntervalMs?: number;
    /** `FULL` (default) survives power loss; `NORMAL` survives process crashes only. */
    readonly synchronous?: 'FULL' | 'NORMAL';
}
/** A stored projection checkpoint. */
export type StoredCheckpoint = EventLog.StoredCheckpoint;
/** The SQLite log: the EventLog port, checkpoints, and the connection. */
export interface SqliteEventLog extends EventLog.EventLog, EventLog.CheckpointStore {
    /** Appends batches synchronously (for importers that already hold the data in memory). */
    readonly appendManySync: (batches: readonly EventLog.StreamBatch[]) => E.Either<EventLog.EventLogError, readonly EventLog.AppendResult[]>;
    /** The connection, for callers that need a read of their own. */
    readonly db: Database;
    /** Closes the connection. */
    readonly close: () => void;
}
/**
 * Opens (creating if needed) the log in the SQLite file at `path` (or `:memory:`), with the
 * better-sqlite3 that npm installed beside this adapter (its peer dependency). Throws a
 * `DriverUnavailable` whose message says in one line what to run when the driver is not
 * installed or its native binding is not built.
 *
 * @example
 * ```ts
 * const log = SqliteEventLog.openFile('shop.db')
 * await log.append({ streamId: event.customerId, events: [event] })()
 * log.close()
 * ```
 */
export declare const openFile: (path: string, options?: Options) => SqliteEventLog;
/**
 * Opens the log on a better-sqlite3 connection (`new Database(path)`), sets WAL mode and the
 * busy timeout, and applies pending migrations.
 */
export declare const open: (db: Database, options?: Options) => SqliteEventLog;
