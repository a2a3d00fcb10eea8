/**
 * Projection checkpoints (a serialized state and the log position it reflects), stored in the
 * same database as the events.
 */
import type { Database } from '../Driver.js';
/** The prepared statements of checkpoints. */
export declare const statements: (db: Database) => {
    load: import("../Driver.js").Statement;
    save: import("../Driver.js").Statement;
};
