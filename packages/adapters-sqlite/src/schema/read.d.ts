/**
 * Reading: one stream, or the whole log in global order one page at a time.
 */
import type { Database } from '../Driver.js';
/** The prepared statements of reads. */
export declare const statements: (db: Database) => {
    stream: import("../Driver.js").Statement;
    page: import("../Driver.js").Statement;
    head: import("../Driver.js").Statement;
    /** Events with up to `n` given ids, in global order (statements cached by size). */
    byIds: (n: number) => import("../Driver.js").Statement;
};
/** How many ids one `byIds` query takes: SQLite's default limit of variables is 32,766. */
export declare const IDS_PER_QUERY = 500;
