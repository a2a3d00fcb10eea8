/**
 * The few methods of a better-sqlite3 database this adapter calls: the adapter depends on this
 * structural type, not on the driver's own types, and the driver is a peer dependency.
 */

/** A prepared statement. */
export interface Statement {
  run(...params: unknown[]): { readonly changes: number; readonly lastInsertRowid: number | bigint }
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
}

/** A transaction function as better-sqlite3 makes them; `immediate` takes the write lock first. */
export interface Transaction<A extends unknown[], R> {
  (...args: A): R
  immediate(...args: A): R
}

/** A database connection. */
export interface Database {
  prepare(sql: string): Statement
  exec(sql: string): unknown
  pragma(source: string, options?: { simple?: boolean }): unknown
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>
  close(): unknown
  readonly open: boolean
  readonly name: string
}
