import type { Database } from './Driver.js';
/** The driver is not installed, or its native binding cannot be loaded: `message` says what to run. */
export declare class DriverUnavailable extends Error {
    readonly _tag = "DriverUnavailable";
    readonly name = "DriverUnavailable";
}
/** The loaded driver. */
export interface Driver {
    /** Opens a connection to the file at `path` (`:memory:` for a private in-memory database). */
    readonly connect: (path: string) => Database;
}
/** Loads better-sqlite3 from beside this adapter; throws `DriverUnavailable` with the command to run. */
export declare const loadDriver: () => Driver;
