/**
 * The few methods of node-postgres (`pg`) this adapter calls: it depends on this structural
 * type, not on the driver's own types, and `pg` is a peer dependency.
 */

/** A query result. */
export interface Result {
  readonly rows: Record<string, unknown>[]
}

/** Something that runs queries: a pool or a client. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<Result>
}

/** A client checked out of a pool. */
export interface PoolClient extends Queryable {
  release(error?: Error | boolean): void
}

/** A connection pool (`new pg.Pool(...)`). */
export interface Pool extends Queryable {
  connect(): Promise<PoolClient>
  /** Closes every connection (the log's `close()` calls it). */
  end(): Promise<void>
}
