/**
 * Versioned migrations in the log's own schema, applied once each under an advisory lock, so
 * that several service instances starting together do not race.
 */
import type { Pool } from '../Driver.js'

/** The advisory-lock key every append takes: one writer at a time draws positions and commits. */
export const ORDER_LOCK = 7_316_245_001

/** The migrations, in order; `$S` stands for the schema. */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'events, append-only',
    sql: `
      CREATE TABLE $S.events (
        global_position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id        UUID    NOT NULL UNIQUE,
        stream_id       TEXT    NOT NULL,
        stream_version  INTEGER NOT NULL,
        type            TEXT    NOT NULL,
        data            JSONB   NOT NULL,
        metadata        JSONB,
        occurred_at     BIGINT  NOT NULL,
        recorded_at     BIGINT  NOT NULL,
        UNIQUE (stream_id, stream_version)
      );
      CREATE FUNCTION $S.lifeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'lifeline events are append-only: % is not allowed', TG_OP; END $$;
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON $S.events
        FOR EACH ROW EXECUTE FUNCTION $S.lifeline_append_only();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON $S.events
        FOR EACH STATEMENT EXECUTE FUNCTION $S.lifeline_append_only();
      CREATE TABLE $S.checkpoints (
        name       TEXT   PRIMARY KEY,
        position   BIGINT NOT NULL,
        state      BYTEA  NOT NULL,
        updated_at BIGINT NOT NULL
      );
      -- Appends one stream's batch with its expected-version check, in one call (one round trip).
      -- The transaction-scoped advisory lock makes positions be drawn and committed in the same
      -- order, so a reader that follows positions never passes an event that commits later.
      CREATE FUNCTION $S.lifeline_append(p_stream TEXT, p_expected TEXT, p_events JSONB, p_recorded_at BIGINT)
      RETURNS TABLE (event_id UUID, stream_version INTEGER, global_position BIGINT, already_stored BOOLEAN, actual INTEGER)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_actual INTEGER;
        v_version INTEGER;
        v_event JSONB;
        v_position BIGINT;
      BEGIN
        PERFORM pg_advisory_xact_lock(${7_316_245_001});
        SELECT COALESCE(MAX(e.stream_version), 0) INTO v_actual FROM $S.events e WHERE e.stream_id = p_stream;
        IF NOT (p_expected = 'any'
             OR (p_expected = 'no_stream' AND v_actual = 0)
             OR (p_expected = 'stream_exists' AND v_actual > 0)
             OR (p_expected ~ '^[0-9]+$' AND v_actual = p_expected::INTEGER)) THEN
          -- A batch made only of stored events is a no-op, whatever version it expected.
          IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_events) x
                         WHERE NOT EXISTS (SELECT 1 FROM $S.events e WHERE e.event_id = (x->>'eventId')::UUID)) THEN
            RETURN QUERY SELECT (x->>'eventId')::UUID, NULL::INTEGER, NULL::BIGINT, TRUE, v_actual FROM jsonb_array_elements(p_events) x;
            RETURN;
          END IF;
          RAISE EXCEPTION USING ERRCODE = 'LL001', MESSAGE = 'lifeline version conflict',
            DETAIL = json_build_object('stream', p_stream, 'actual', v_actual)::TEXT;
        END IF;
        v_version := v_actual;
        FOR v_event IN SELECT x FROM jsonb_array_elements(p_events) x LOOP
          INSERT INTO $S.events AS e (event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at)
          VALUES ((v_event->>'eventId')::UUID, p_stream, v_version + 1, v_event->>'type', v_event->'data',
                  NULLIF(v_event->'metadata', 'null'::JSONB), (v_event->>'occurredAt')::BIGINT, p_recorded_at)
          ON CONFLICT (event_id) DO NOTHING
          RETURNING e.global_position INTO v_position;
          IF FOUND THEN
            v_version := v_version + 1;
            RETURN QUERY SELECT (v_event->>'eventId')::UUID, v_version, v_position, FALSE, v_actual;
          ELSE
            RETURN QUERY SELECT (v_event->>'eventId')::UUID, NULL::INTEGER, NULL::BIGINT, TRUE, v_actual;
          END IF;
        END LOOP;
        PERFORM pg_notify('lifeline_events', '');
      END $$;
      -- Appends many stream batches, in order, in one call: the whole appendMany in one round trip.
      CREATE FUNCTION $S.lifeline_append_many(p_batches JSONB, p_recorded_at BIGINT)
      RETURNS TABLE (batch INTEGER, event_id UUID, stream_version INTEGER, global_position BIGINT, already_stored BOOLEAN, actual INTEGER)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_batch JSONB;
        v_index INTEGER := 0;
      BEGIN
        FOR v_batch IN SELECT x FROM jsonb_array_elements(p_batches) x LOOP
          RETURN QUERY SELECT v_index, r.* FROM $S.lifeline_append(v_batch->>'stream', v_batch->>'expected', v_batch->'events', p_recorded_at) r;
          v_index := v_index + 1;
        END LOOP;
      END $$;
    `,
  },
  {
    version: 2,
    name: 'an id names one event',
    sql: `
      -- Raises IdReused (LL002) when an event id is stored with other content (stream, type,
      -- instant or fields; metadata aside); true when the same event is stored; false when free.
      CREATE FUNCTION $S.lifeline_is_stored(p_stream TEXT, p_event JSONB) RETURNS BOOLEAN
      LANGUAGE plpgsql AS $$
      DECLARE
        v_row RECORD;
      BEGIN
        SELECT e.global_position, e.stream_id, e.type, e.occurred_at, e.data INTO v_row
          FROM $S.events e WHERE e.event_id = (p_event->>'eventId')::UUID;
        IF NOT FOUND THEN RETURN FALSE; END IF;
        IF v_row.stream_id <> p_stream OR v_row.type <> p_event->>'type'
           OR v_row.occurred_at <> (p_event->>'occurredAt')::BIGINT OR v_row.data <> p_event->'data' THEN
          RAISE EXCEPTION USING ERRCODE = 'LL002', MESSAGE = 'lifeline event id reused',
            DETAIL = json_build_object('eventId', p_event->>'eventId', 'position', v_row.global_position)::TEXT;
        END IF;
        RETURN TRUE;
      END $$;
      CREATE OR REPLACE FUNCTION $S.lifeline_append(p_stream TEXT, p_expected TEXT, p_events JSONB, p_recorded_at BIGINT)
      RETURNS TABLE (event_id UUID, stream_version INTEGER, global_position BIGINT, already_stored BOOLEAN, actual INTEGER)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_actual INTEGER;
        v_version INTEGER;
        v_event JSONB;
        v_position BIGINT;
      BEGIN
        PERFORM pg_advisory_xact_lock(${7_316_245_001});
        SELECT COALESCE(MAX(e.stream_version), 0) INTO v_actual FROM $S.events e WHERE e.stream_id = p_stream;
        IF NOT (p_expected = 'any'
             OR (p_expected = 'no_stream' AND v_actual = 0)
             OR (p_expected = 'stream_exists' AND v_actual > 0)
             OR (p_expected ~ '^[0-9]+$' AND v_actual = p_expected::INTEGER)) THEN
          -- A batch made only of stored events is a no-op, whatever version it expected.
          IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_events) x WHERE NOT $S.lifeline_is_stored(p_stream, x)) THEN
            RETURN QUERY SELECT (x->>'eventId')::UUID, NULL::INTEGER, NULL::BIGINT, TRUE, v_actual FROM jsonb_array_elements(p_events) x;
            RETURN;
          END IF;
          RAISE EXCEPTION USING ERRCODE = 'LL001', MESSAGE = 'lifeline version conflict',
            DETAIL = json_build_object('stream', p_stream, 'actual', v_actual)::TEXT;
        END IF;
        v_version := v_actual;
        FOR v_event IN SELECT x FROM jsonb_array_elements(p_events) x LOOP
          INSERT INTO $S.events AS e (event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at)
          VALUES ((v_event->>'eventId')::UUID, p_stream, v_version + 1, v_event->>'type', v_event->'data',
                  NULLIF(v_event->'metadata', 'null'::JSONB), (v_event->>'occurredAt')::BIGINT, p_recorded_at)
          ON CONFLICT (event_id) DO NOTHING
          RETURNING e.global_position INTO v_position;
          IF FOUND THEN
            v_version := v_version + 1;
            RETURN QUERY SELECT (v_event->>'eventId')::UUID, v_version, v_position, FALSE, v_actual;
          ELSE
            -- The id is taken: the same event (skipped), or another one (raises IdReused).
            PERFORM $S.lifeline_is_stored(p_stream, v_event);
            RETURN QUERY SELECT (v_event->>'eventId')::UUID, NULL::INTEGER, NULL::BIGINT, TRUE, v_actual;
          END IF;
        END LOOP;
        PERFORM pg_notify('lifeline_events', '');
      END $$;
    `,
  },
  {
    version: 3,
    name: 'erasure',
    sql: `
      -- The per-log secret of the keyed hashes (HMAC-SHA-256) of erased ids: 32 random bytes,
      -- written by the first instance that opens the log; never changed or removed (that would
      -- silently end the refusal of erased customers).
      CREATE TABLE $S.lifeline_secret (id INTEGER PRIMARY KEY CHECK (id = 1), secret BYTEA NOT NULL);
      CREATE FUNCTION $S.lifeline_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'lifeline % is kept: % is not allowed', TG_TABLE_NAME, TG_OP; END $$;
      CREATE TRIGGER lifeline_secret_kept BEFORE UPDATE OR DELETE ON $S.lifeline_secret
        FOR EACH ROW EXECUTE FUNCTION $S.lifeline_kept();
      CREATE TRIGGER lifeline_secret_kept_truncate BEFORE TRUNCATE ON $S.lifeline_secret
        FOR EACH STATEMENT EXECUTE FUNCTION $S.lifeline_kept();
      -- One row per erased id: its keyed hash (hex) and the latest erasure instant, which only
      -- moves forward; never removed.
      CREATE TABLE $S.erasures (key TEXT PRIMARY KEY, erased_at BIGINT NOT NULL);
      CREATE FUNCTION $S.lifeline_erasures_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            IF NEW.key = OLD.key AND NEW.erased_at >= OLD.erased_at THEN RETURN NEW; END IF;
          END IF;
          RAISE EXCEPTION 'lifeline erasures are kept: % is not allowed (only a later erasure instant)', TG_OP;
        END $$;
      CREATE TRIGGER erasures_kept BEFORE UPDATE OR DELETE ON $S.erasures
        FOR EACH ROW EXECUTE FUNCTION $S.lifeline_erasures_kept();
      CREATE TRIGGER erasures_kept_truncate BEFORE TRUNCATE ON $S.erasures
        FOR EACH STATEMENT EXECUTE FUNCTION $S.lifeline_kept();
      -- How many erasures the log has seen: a report checks it did not change while it folded.
      CREATE TABLE $S.lifeline_erasure_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
      INSERT INTO $S.lifeline_erasure_generation (id, n) VALUES (1, 0);
      CREATE FUNCTION $S.lifeline_generation_up() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            IF NEW.id = 1 AND NEW.n = OLD.n + 1 THEN RETURN NEW; END IF;
          END IF;
          RAISE EXCEPTION 'the lifeline erasure generation only counts up';
        END $$;
      CREATE TRIGGER lifeline_erasure_generation_up BEFORE UPDATE OR DELETE ON $S.lifeline_erasure_generation
        FOR EACH ROW EXECUTE FUNCTION $S.lifeline_generation_up();
      -- Append-only, but for the rewrite of forget, inside its transaction (it sets
      -- lifeline.erasing), and then only the exact rewrite: the same row with the customer id
      -- become a pseudonym (and the metadata gone), or a referrer / referred person become one,
      -- and a new event id. Setting lifeline.erasing by hand admits nothing else.
      CREATE OR REPLACE FUNCTION $S.lifeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND current_setting('lifeline.erasing', TRUE) = 'on' THEN
            IF NEW.global_position = OLD.global_position AND NEW.stream_version = OLD.stream_version
               AND NEW.type = OLD.type AND NEW.occurred_at = OLD.occurred_at AND NEW.recorded_at = OLD.recorded_at
               AND ((NEW.stream_id = OLD.stream_id AND NEW.metadata IS NOT DISTINCT FROM OLD.metadata)
                    OR (NEW.stream_id LIKE 'erased-%' AND NEW.metadata IS NULL))
               AND (NEW.data - 'referredBy' - 'referredCustomerId') = (OLD.data - 'referredBy' - 'referredCustomerId')
               AND (NEW.data->>'referredBy' IS NOT DISTINCT FROM OLD.data->>'referredBy'
                    OR NEW.data->>'referredBy' LIKE 'erased-%')
               AND (NEW.data->>'referredCustomerId' IS NOT DISTINCT FROM OLD.data->>'referredCustomerId'
                    OR NEW.data->>'referredCustomerId' LIKE 'erased-%') THEN
              RETURN NEW;
            END IF;
          END IF;
          RAISE EXCEPTION 'lifeline events are append-only: % is not allowed', TG_OP;
        END $$;
      -- The events naming a customer as referrer or referred person, found without a scan.
      CREATE INDEX events_referred_by ON $S.events ((data->>'referredBy')) WHERE type = 'OptedIn';
      CREATE INDEX events_referred ON $S.events ((data->>'referredCustomerId')) WHERE type = 'Referred';
      -- The whole append takes the order lock first, then refuses (LL003) an event naming a
      -- customer erased after it occurred: each event carries the keyed hashes of the ids it
      -- names ('keys'); the lock makes an erasure and an append of that customer never interleave.
      CREATE OR REPLACE FUNCTION $S.lifeline_append_many(p_batches JSONB, p_recorded_at BIGINT)
      RETURNS TABLE (batch INTEGER, event_id UUID, stream_version INTEGER, global_position BIGINT, already_stored BOOLEAN, actual INTEGER)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v_batch JSONB;
        v_index INTEGER := 0;
        v_erased RECORD;
      BEGIN
        PERFORM pg_advisory_xact_lock(${7_316_245_001});
        IF EXISTS (SELECT 1 FROM $S.erasures) THEN
          SELECT b.ord - 1 AS bi, x.ord - 1 AS ei INTO v_erased
            FROM jsonb_array_elements(p_batches) WITH ORDINALITY b(v, ord),
                 jsonb_array_elements(b.v->'events') WITH ORDINALITY x(ev, ord)
           WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text(x.ev->'keys') k(key)
                         JOIN $S.erasures r ON r.key = k.key
                         WHERE (x.ev->>'occurredAt')::BIGINT < r.erased_at)
           ORDER BY b.ord, x.ord LIMIT 1;
          IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'LL003', MESSAGE = 'lifeline event names an erased customer',
              DETAIL = json_build_object('batch', v_erased.bi, 'index', v_erased.ei)::TEXT;
          END IF;
        END IF;
        FOR v_batch IN SELECT x FROM jsonb_array_elements(p_batches) x LOOP
          RETURN QUERY SELECT v_index, r.* FROM $S.lifeline_append(v_batch->>'stream', v_batch->>'expected', v_batch->'events', p_recorded_at) r;
          v_index := v_index + 1;
        END LOOP;
      END $$;
    `,
  },
]

/** Creates the schema and applies the migrations not applied yet. */
export const migrate = async (pool: Pool, schema: string, now: () => number): Promise<void> => {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [ORDER_LOCK - 1])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.lifeline_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
    )
    const applied = new Set(
      (await client.query(`SELECT version FROM ${schema}.lifeline_migrations`)).rows.map((r) => Number(r['version'])),
    )
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue
      await client.query(migration.sql.replaceAll('$S', schema))
      await client.query(`INSERT INTO ${schema}.lifeline_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        now(),
      ])
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}
