/**
 * Versioned migrations: each runs once, in order, in its own transaction, and is recorded in
 * `lifeline_migrations`. Append-only is enforced by the database itself with triggers.
 */
import type { Database } from '../Driver.js'

/** The migrations, in order; never edit a released one, add the next. */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'events, append-only',
    sql: `
      CREATE TABLE events (
        global_position INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id        TEXT    NOT NULL UNIQUE,
        stream_id       TEXT    NOT NULL,
        stream_version  INTEGER NOT NULL,
        type            TEXT    NOT NULL,
        data            TEXT    NOT NULL,
        metadata        TEXT,
        occurred_at     INTEGER NOT NULL,
        recorded_at     INTEGER NOT NULL,
        UNIQUE (stream_id, stream_version)
      );
      CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'lifeline events are append-only: UPDATE is not allowed'); END;
      CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'lifeline events are append-only: DELETE is not allowed'); END;
    `,
  },
  {
    version: 2,
    name: 'projection checkpoints',
    sql: `
      CREATE TABLE checkpoints (
        name       TEXT    PRIMARY KEY,
        position   INTEGER NOT NULL,
        state      TEXT    NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    // 4, not 3: issue 16 takes 3. The runner applies each version not recorded yet, so the gap is harmless.
    version: 4,
    name: 'erasure',
    sql: `
      -- The per-log secret of the keyed hashes (HMAC-SHA-256) of erased ids: 32 random bytes.
      CREATE TABLE lifeline_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL);
      INSERT INTO lifeline_secret (id, secret) VALUES (1, randomblob(32));
      -- One row per erased id: its keyed hash (hex) and the latest erasure instant.
      CREATE TABLE erasures (key TEXT PRIMARY KEY, erased_at INTEGER NOT NULL) WITHOUT ROWID;
      -- Holds a row only inside forget's own transaction: the one time the triggers admit an UPDATE.
      CREATE TABLE lifeline_erasing (flag INTEGER PRIMARY KEY);
      DROP TRIGGER events_append_only_update;
      CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        WHEN NOT EXISTS (SELECT 1 FROM lifeline_erasing)
        BEGIN SELECT RAISE(ABORT, 'lifeline events are append-only: UPDATE is not allowed'); END;
      -- The events naming a customer as referrer or referred person, found without a scan.
      CREATE INDEX events_referred_by ON events (json_extract(data, '$.referredBy')) WHERE type = 'OptedIn';
      CREATE INDEX events_referred ON events (json_extract(data, '$.referredCustomerId')) WHERE type = 'Referred';
    `,
  },
]

/** Applies the migrations not applied yet; safe to run from several processes at once. */
export const migrate = (db: Database, now: () => number): number => {
  db.exec(
    'CREATE TABLE IF NOT EXISTS lifeline_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  )
  const applied = db.prepare('SELECT 1 FROM lifeline_migrations WHERE version = ?')
  const record = db.prepare('INSERT INTO lifeline_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  let count = 0
  for (const migration of MIGRATIONS) {
    db.transaction(() => {
      if (applied.get(migration.version) !== undefined) return
      db.exec(migration.sql)
      record.run(migration.version, migration.name, now())
      count++
    }).immediate()
  }
  return count
}
