/**
 * The few methods of node-postgres (`pg`) this adapter calls: it depends on this structural
 * type, not on the driver's own types, and `pg` is a peer dependency.
 */

/** A query result. */
export interface Result {
  /** The rows, as objects keyed by column name. */
  readonly rows: Record<string, unknown>[]
}

/** Something that runs queries: a pool or a client. */
export interface Queryable {
  /** Runs a query with `$1`-style parameters. */
  query(text: string, values?: unknown[]): Promise<Result>
  /** Runs a named query: prepared once per connection, then only its parameters are sent. */
  query(config: { readonly name: string; readonly text: string; readonly values?: unknown[] }): Promise<Result>
}

/** A client checked out of a pool. */
export interface PoolClient extends Queryable {
  /** Returns the client to its pool (`true`: destroys it, its connection being broken). */
  release(error?: Error | boolean): void
  /** Listens for the connection's errors (it dropped while the client was checked out). */
  on?(event: 'error', listener: (error: Error) => void): unknown
  /** Listens for notifications of the channels it `LISTEN`s to. */
  on?(event: 'notification', listener: (message: { readonly channel: string }) => void): unknown
}

/** A connection pool (`new pg.Pool(...)`). */
export interface Pool extends Queryable {
  /** Checks a client out of the pool (for a transaction). */
  connect(): Promise<PoolClient>
  /** Closes every connection (the log's `close()` calls it). */
  end(): Promise<void>
  /** True once `end()` was called (node-postgres sets it). */
  readonly ending?: boolean
  /** Listens for idle clients' errors (a connection dropped while in the pool). */
  on?(event: 'error', listener: (error: Error) => void): unknown
}
