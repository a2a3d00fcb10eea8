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
    version: 3,
    name: 'erasure',
    sql: `
      -- The per-log secret of the keyed hashes (HMAC-SHA-256) of erased ids: 32 random bytes,
      -- never changed or removed (that would silently end the refusal of erased customers).
      CREATE TABLE lifeline_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL);
      INSERT INTO lifeline_secret (id, secret) VALUES (1, randomblob(32));
      CREATE TRIGGER lifeline_secret_kept_update BEFORE UPDATE ON lifeline_secret
        BEGIN SELECT RAISE(ABORT, 'the lifeline secret is kept: UPDATE is not allowed'); END;
      CREATE TRIGGER lifeline_secret_kept_delete BEFORE DELETE ON lifeline_secret
        BEGIN SELECT RAISE(ABORT, 'the lifeline secret is kept: DELETE is not allowed'); END;
      -- One row per erased id: its keyed hash (hex) and the latest erasure instant, which only
      -- moves forward; never removed.
      CREATE TABLE erasures (key TEXT PRIMARY KEY, erased_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TRIGGER erasures_kept_update BEFORE UPDATE ON erasures
        WHEN NOT (NEW.key = OLD.key AND NEW.erased_at >= OLD.erased_at)
        BEGIN SELECT RAISE(ABORT, 'lifeline erasures are kept: only a later erasure instant is allowed'); END;
      CREATE TRIGGER erasures_kept_delete BEFORE DELETE ON erasures
        BEGIN SELECT RAISE(ABORT, 'lifeline erasures are kept: DELETE is not allowed'); END;
      -- How many erasures the log has seen: a report checks it did not change while it folded.
      CREATE TABLE lifeline_erasure_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
      INSERT INTO lifeline_erasure_generation (id, n) VALUES (1, 0);
      CREATE TRIGGER lifeline_erasure_generation_up BEFORE UPDATE ON lifeline_erasure_generation
        WHEN NOT (NEW.id = 1 AND NEW.n = OLD.n + 1)
        BEGIN SELECT RAISE(ABORT, 'the lifeline erasure generation only counts up'); END;
      -- Append-only, but for the rewrite of forget: lifeline_erasing() is a function the log
      -- registers on its own connections and that answers 1 only inside forget's rewrite (any
      -- other connection, the sqlite3 shell included, has no such function: its UPDATE fails),
      -- and even then only the exact rewrite passes: the same row with the customer id become a
      -- pseudonym (and the metadata gone), or a referrer / referred person become one, and a new
      -- event id.
      DROP TRIGGER events_append_only_update;
      CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        WHEN NOT (
          lifeline_erasing() = 1
          AND NEW.global_position = OLD.global_position AND NEW.stream_version = OLD.stream_version
          AND NEW.type = OLD.type AND NEW.occurred_at = OLD.occurred_at AND NEW.recorded_at = OLD.recorded_at
          AND ((NEW.stream_id = OLD.stream_id AND NEW.metadata IS OLD.metadata)
               OR (NEW.stream_id LIKE 'erased-%' AND NEW.metadata IS NULL))
          AND json_remove(NEW.data, '$.referredBy', '$.referredCustomerId')
              = json_remove(OLD.data, '$.referredBy', '$.referredCustomerId')
          AND (json_extract(NEW.data, '$.referredBy') IS json_extract(OLD.data, '$.referredBy')
               OR json_extract(NEW.data, '$.referredBy') LIKE 'erased-%')
          AND (json_extract(NEW.data, '$.referredCustomerId') IS json_extract(OLD.data, '$.referredCustomerId')
               OR json_extract(NEW.data, '$.referredCustomerId') LIKE 'erased-%')
        )
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
