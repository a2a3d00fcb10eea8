/**
 * The few methods of a better-sqlite3 database this adapter calls: the adapter depends on this
 * structural type, not on the driver's own types, and the driver is a peer dependency.
 */

/** A prepared statement. */
export interface Statement {
  /** Runs the statement; how many rows it changed and the last row id. */
  run(...params: unknown[]): { readonly changes: number; readonly lastInsertRowid: number | bigint }
  /** The first row, or `undefined`. */
  get(...params: unknown[]): unknown
  /** Every row. */
  all(...params: unknown[]): unknown[]
}

/** A transaction function as better-sqlite3 makes them; `immediate` takes the write lock first. */
export interface Transaction<A extends unknown[], R> {
  (...args: A): R
  /** Runs the transaction after taking the write lock (`BEGIN IMMEDIATE`). */
  immediate(...args: A): R
}

/** A database connection. */
export interface Database {
  /** Prepares a statement. */
  prepare(sql: string): Statement
  /** Runs SQL without parameters (several statements allowed). */
  exec(sql: string): unknown
  /** Runs a PRAGMA. */
  pragma(source: string, options?: { simple?: boolean }): unknown
  /** Wraps `fn` in a transaction. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>
  /** Registers a function that SQL on this connection (and its triggers) can call. */
  function(name: string, options: { deterministic?: boolean; directOnly?: boolean }, fn: () => unknown): unknown
  /** Closes the connection. */
  close(): unknown
  /** False once closed. */
  readonly open: boolean
  /** The file's path (or `:memory:`). */
  readonly name: string
}
