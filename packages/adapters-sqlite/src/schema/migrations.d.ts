/**
 * Versioned migrations: each runs once, in order, in its own transaction, and is recorded in
 * `lifeline_migrations`. Append-only is enforced by the database itself with triggers.
 */
import type { Database } from '../Driver.js';
/** The migrations, in order; never edit a released one, add the next. */
export declare const MIGRATIONS: readonly {
    readonly version: number;
    readonly name: string;
    readonly sql: string;
}[];
/** Applies the migrations not applied yet; safe to run from several processes at once. */
export declare const migrate: (db: Database, now: () => number) => number;
