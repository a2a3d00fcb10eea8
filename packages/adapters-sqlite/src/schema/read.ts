/**
 * Reading: one stream, or the whole log in global order one page at a time.
 */
import type { Database } from '../Driver.js'

/** The prepared statements of reads. */
export const statements = (db: Database) => ({
  stream: db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY stream_version'),
  page: db.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?'),
  head: db.prepare('SELECT COALESCE(MAX(global_position), 0) AS p FROM events'),
})
