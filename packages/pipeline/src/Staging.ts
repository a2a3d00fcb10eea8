/**
 * The import's staging area: an anonymous SQLite database on disk (deleted by SQLite when it is
 * closed, and unlinked as soon as it is opened, so a killed import leaves nothing behind), with a
 * bounded page cache. The inputs go in as they are read; SQLite then orders them by customer and
 * time (for the rules and the writes, in one pass) with its external sort, so the import's memory
 * does not grow with the input.
 */
import v8 from 'node:v8'
import { loadDriver, type Database, type Statement } from '@lifeline/adapters-sqlite'

/** A statement that can also be iterated row by row. */
type Iterable = Statement & { iterate(...params: unknown[]): IterableIterator<unknown> }

/**
 * Where a staged input is, before the rules: still to check (`pending`: the rules decide, in
 * one pass that keeps its verdict in memory), or settled against the log or its erasures.
 */
export const VERDICT = {
  pending: 0,
  /** The same event already in the log. */
  stored: 1,
  rejected: 2,
  /** Its id, given in the input, is held by the log: the same event (stored) or another (rejected), once compared. */
  held: 3,
} as const

/** Opens an empty staging area. */
export const open = (cacheMiB = 32): Database => {
  const db = loadDriver().connect('')
  db.pragma(`cache_size = -${cacheMiB * 1024}`)
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  db.pragma('temp_store = FILE')
  db.pragma('locking_mode = EXCLUSIVE')
  db.exec(`
    CREATE TABLE staged (
      seq INTEGER PRIMARY KEY,
      line INTEGER NOT NULL,
      customer TEXT NOT NULL,
      at INTEGER NOT NULL,
      id TEXT NOT NULL,
      event TEXT NOT NULL,
      dup_of INTEGER,
      verdict INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE rejects (line INTEGER NOT NULL, seq INTEGER NOT NULL, reason TEXT NOT NULL, input BLOB);
    CREATE TABLE stored (customer TEXT NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL);
  `)
  return db
}

/** Rows of a statement, one at a time (no other statement may run on the connection meanwhile). */
export const iterate = <A>(statement: Statement, ...params: unknown[]): IterableIterator<A> =>
  (statement as Iterable).iterate(...params) as IterableIterator<A>

/** A value as stored bytes (v8's structured clone: fast, and exact for plain data). */
export const pack = (value: unknown): Buffer => v8.serialize(value)

/** Stored bytes as the value. */
export const unpack = <A>(bytes: Uint8Array): A => v8.deserialize(bytes) as A

/** Every row of a statement, as an array-like iterator one can map (for small results). */
export const iterateAll = <A>(statement: Statement, ...params: unknown[]): A[] => statement.all(...params) as A[]
