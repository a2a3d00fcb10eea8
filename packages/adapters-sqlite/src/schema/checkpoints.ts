/**
 * Projection checkpoints (a serialized state and the log position it reflects), stored in the
 * same database as the events.
 */
import type { Database } from '../Driver.js'

/** The prepared statements of checkpoints. */
export const statements = (db: Database) => ({
  load: db.prepare('SELECT position, state FROM checkpoints WHERE name = ?'),
  save: db.prepare(
    `INSERT INTO checkpoints (name, position, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = excluded.updated_at`,
  ),
})
