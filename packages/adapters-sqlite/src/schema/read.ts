/**
 * Reading: one stream, or the whole log in global order one page at a time.
 */
import type { Database } from '../Driver.js'

/** The prepared statements of reads. */
export const statements = (db: Database) => ({
  stream: db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY stream_version'),
  page: db.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?'),
  head: db.prepare('SELECT COALESCE(MAX(global_position), 0) AS p FROM events'),
  /** Events with up to `n` given ids, in global order (statements cached by size). */
  byIds: (() => {
    const cache = new Map<number, ReturnType<Database['prepare']>>()
    return (n: number) => {
      let statement = cache.get(n)
      if (statement === undefined) {
        statement = db.prepare(
          `SELECT * FROM events WHERE event_id IN (${Array(n).fill('?').join(',')}) ORDER BY global_position`,
        )
        cache.set(n, statement)
      }
      return statement
    }
  })(),
  /** Which of up to `n` given ids are stored: read from the event id index alone (statements cached by size). */
  heldIds: (() => {
    const cache = new Map<number, ReturnType<Database['prepare']>>()
    return (n: number) => {
      let statement = cache.get(n)
      if (statement === undefined) {
        statement = db.prepare(`SELECT event_id AS id FROM events WHERE event_id IN (${Array(n).fill('?').join(',')})`)
        cache.set(n, statement)
      }
      return statement
    }
  })(),
})

/** How many ids one `byIds` query takes: SQLite's default limit of variables is 32,766. */
export const IDS_PER_QUERY = 500
