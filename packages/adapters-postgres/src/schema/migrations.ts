/**
 * Versioned migrations in the log's own schema, applied once each under an advisory lock, so
 * that several service instances starting together do not race.
 */
import type { Pool } from '../Driver.js'

/**
 * The order lock: every append holds it shared until it commits, and forget (and a checkpoint
 * save, shared) takes it, so that an erasure never interleaves with an append. Up to migration 3
 * every append held it exclusively until its commit.
 */
export const ORDER_LOCK = 7_316_245_001

/**
 * The session advisory lock under which an append assigns its transaction id and draws its
 * positions (migration 4), released before the append commits.
 */
export const POSITION_LOCK = 7_316_245_002

/** The first key of the per-stream transaction locks (the second is the stream id's hash). */
export const STREAM_LOCKS = 731_624_500

/**
 * The head of `lifeline_append_many` as migrations 3, 4 and 5 define it: one signature (CREATE OR
 * REPLACE cannot change what a function returns), up to its DECLARE.
 */
const APPEND_MANY_HEADER = `      CREATE OR REPLACE FUNCTION $S.lifeline_append_many(p_batches JSONB, p_recorded_at BIGINT)
      RETURNS TABLE (batch INTEGER, event_id UUID, stream_version INTEGER, global_position BIGINT, already_stored BOOLEAN, actual INTEGER)
      LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
`

/**
 * The body of `lifeline_append_many` (migrations 3 and 4) that refuses (LL003) the first event
 * of `p_batches` naming a customer erased after it occurred (into `v_erased`); each event carries
 * the keyed hashes of the ids it names as `keys`.
 */
const REFUSE_ERASED = `          SELECT b.ord - 1 AS bi, x.ord - 1 AS ei INTO v_erased
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
`

/**
 * Whether an event of the one-stream batch is stored, as migration 4 asks: its plan is cached
 * on the first calls, and on a new log (no statistics yet) it is a scan of the whole events
 * table, kept until the table is next analyzed.
 */
const STORED_V4 = `EXISTS (
                   SELECT 1 FROM $S.events e
                    WHERE e.event_id = ANY(ARRAY(SELECT (x->>'eventId')::UUID FROM jsonb_array_elements(v_events) x))),`

/** The same, one lookup in the unique index of event ids per event, whatever the statistics. */
const STORED_BY_INDEX = `EXISTS (
                   SELECT 1 FROM jsonb_array_elements(v_events) x
                    WHERE (SELECT TRUE FROM $S.events e WHERE e.event_id = (x->>'eventId')::UUID)),`

/** Migration 5's insert of one new event of one stream (`v_short` and `v_n = 1`). */
const ONE_EVENT_INSERT = `        IF v_short AND v_n = 1 THEN
          v_event := v_events->0;
          INSERT INTO $S.events (global_position, event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at, xid)
            OVERRIDING SYSTEM VALUE
            VALUES (v_positions[1], (v_event->>'eventId')::UUID, v_stream, v_actual + 1, v_event->>'type', v_event->'data',
                    NULLIF(v_event->'metadata', 'null'::JSONB), (v_event->>'occurredAt')::BIGINT, p_recorded_at, v_xid);
          RETURN QUERY SELECT 0, (v_event->>'eventId')::UUID, v_actual + 1, v_positions[1], FALSE, v_actual;
`

/**
 * The `lifeline_append_many` of migration 4, and with `v5` that of migration 5: a one-stream
 * append looks its event ids up in the unique index whatever the statistics (STORED_BY_INDEX),
 * and an append of one new event (the usual one) inserts it with one VALUES row and returns its
 * row from the function's variables, instead of unnesting its batch and sorting what the insert
 * returns.
 */
const appendManyFunction = (
  v5: boolean,
): string => `      -- One append (any number of stream batches), as one autocommitted statement. Writers run it
      -- concurrently; only one short step is taken one writer at a time (under a session advisory
      -- lock released before the statement ends): the transaction's id is assigned and the
      -- positions of its events are drawn. So positions are in the order of transaction ids, and a
      -- reader that takes only events whose transaction is older than every transaction still
      -- running (xid < pg_snapshot_xmin) sees a prefix of the positions: it never passes an event
      -- that commits later, and no lock is held while an append commits.
      -- Concurrent appends to one stream take that stream's transaction lock (up to 64 streams; a
      -- larger append relies on the unique indexes instead, and a clash of two such appends is an
      -- error the client retries as a whole). An append holds the order lock shared until it
      -- commits: forget takes it exclusively, so an erasure never interleaves with an append.
      -- 'repeat' marks an event that an earlier batch of the same append already carries.
${APPEND_MANY_HEADER}        v_erased RECORD;
        v_plan RECORD;
        v_stream TEXT;
        v_events JSONB;
        v_expected TEXT;
        v_actual INTEGER;
        v_n INTEGER;
        v_any_erased BOOLEAN;
        v_any_stored BOOLEAN;
        v_short BOOLEAN;
        v_conflict TEXT;
        v_ok BOOLEAN;
        v_xid xid8;
        v_positions BIGINT[];
${v5 ? '        v_event JSONB;\n' : ''}      BEGIN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'lifeline_append_many must be the first write of its transaction (its id orders the positions)';
        END IF;
        -- (Locks are taken in assignments, which PL/pgSQL evaluates without running a query.)
        v_ok := pg_advisory_xact_lock_shared(${ORDER_LOCK}) IS NULL;
        IF jsonb_array_length(p_batches) = 1 THEN
          v_stream := p_batches->0->>'stream';
          v_events := p_batches->0->'events';
          v_ok := pg_advisory_xact_lock(${STREAM_LOCKS}, hashtext(v_stream)) IS NULL;
          -- After the locks (a statement of its own: it sees what committed before they were granted).
          SELECT EXISTS (SELECT 1 FROM $S.erasures),
                 v_events @> '[{"repeat": true}]' OR ${v5 ? STORED_BY_INDEX : STORED_V4}
                 COALESCE((SELECT MAX(e.stream_version) FROM $S.events e WHERE e.stream_id = v_stream), 0)
            INTO v_any_erased, v_any_stored, v_actual;
        ELSIF jsonb_array_length(p_batches) <= 64 THEN
          PERFORM pg_advisory_xact_lock(${STREAM_LOCKS}, k)
            FROM (SELECT DISTINCT hashtext(b->>'stream') AS k FROM jsonb_array_elements(p_batches) b ORDER BY 1) l;
        END IF;
        IF v_any_erased IS NOT FALSE AND EXISTS (SELECT 1 FROM $S.erasures) THEN
          -- The client sends the keyed hashes of the ids its events name only once it knows the log
          -- has erasures: told so (LL004), it sends them from then on.
          IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_batches) b, jsonb_array_elements(b->'events') x
                      WHERE NOT x ? 'keys') THEN
            RAISE EXCEPTION USING ERRCODE = 'LL004', MESSAGE = 'lifeline erasures exist: send the keys of the ids';
          END IF;
${REFUSE_ERASED}        END IF;
        -- One stream, none of its events stored (the usual append) goes the short way.
        v_short := v_stream IS NOT NULL AND NOT v_any_stored;
        IF v_short THEN
          v_expected := p_batches->0->>'expected';
          v_n := jsonb_array_length(v_events);
          IF v_n > 0 AND NOT (v_expected = 'any'
               OR (v_expected = 'no_stream' AND v_actual = 0)
               OR (v_expected = 'stream_exists' AND v_actual > 0)
               OR (v_expected ~ '^[0-9]+$' AND v_actual = v_expected::INTEGER)) THEN
            v_conflict := json_build_object('stream', v_stream, 'actual', v_actual)::TEXT;
          END IF;
        ELSE
          -- The planner cannot know how many events a call brings (it guesses 10,000): it would
          -- compile the next query to machine code on every call, for much longer than it runs.
          PERFORM set_config('jit', 'off', TRUE);
          -- Every event of the append, in order: stored or not (a stored id is checked against its
          -- content: IdReused, LL002), and the version it gets; each batch's actual version (its
          -- stream's, after the append's earlier batches); the first batch that expected another
          -- version and has an event to store. A batch made only of stored events is a no-op,
          -- whatever version it expected.
          WITH ev AS (
            SELECT b.ord - 1 AS bi, x.ord AS ei, b.v->>'stream' AS s, b.v->>'expected' AS expected, x.ev,
                   (x.ev->>'eventId')::UUID AS id
              FROM jsonb_array_elements(p_batches) WITH ORDINALITY b(v, ord),
                   jsonb_array_elements(b.v->'events') WITH ORDINALITY x(ev, ord)
          ), base AS (
            SELECT d.s, COALESCE((SELECT MAX(e.stream_version) FROM $S.events e WHERE e.stream_id = d.s), 0) AS v
              FROM (SELECT DISTINCT ev.s FROM ev) d
          ), st AS (
            SELECT ev.*, base.v AS base,
                   CASE WHEN ev.ev ? 'repeat' THEN TRUE
                        WHEN (SELECT 1 FROM $S.events e WHERE e.event_id = ev.id LIMIT 1) = 1 THEN $S.lifeline_is_stored(ev.s, ev.ev)
                        ELSE FALSE END AS stored
              FROM ev JOIN base ON base.s = ev.s
          ), num AS (
            SELECT st.*,
                   st.base + COUNT(*) FILTER (WHERE NOT st.stored) OVER (PARTITION BY st.s ORDER BY st.bi, st.ei ROWS UNBOUNDED PRECEDING) AS version,
                   st.base + COALESCE(COUNT(*) FILTER (WHERE NOT st.stored)
                     OVER (PARTITION BY st.s ORDER BY st.bi RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS actual,
                   BOOL_OR(NOT st.stored) OVER (PARTITION BY st.bi) AS has_new,
                   COUNT(*) FILTER (WHERE NOT st.stored) OVER (ORDER BY st.bi, st.ei ROWS UNBOUNDED PRECEDING) AS slot
              FROM st
          )
          SELECT
            (SELECT json_build_object('stream', c.s, 'actual', c.actual)::TEXT FROM num c
              WHERE c.has_new AND NOT (c.expected = 'any'
                     OR (c.expected = 'no_stream' AND c.actual = 0)
                     OR (c.expected = 'stream_exists' AND c.actual > 0)
                     OR (c.expected ~ '^[0-9]+$' AND c.actual = c.expected::INTEGER))
              ORDER BY c.bi LIMIT 1) AS conflict,
            COUNT(*) FILTER (WHERE NOT num.stored) AS n,
            ARRAY_AGG(num.id ORDER BY num.bi, num.ei) FILTER (WHERE NOT num.stored) AS r_id,
            ARRAY_AGG(num.s ORDER BY num.bi, num.ei) FILTER (WHERE NOT num.stored) AS r_stream,
            ARRAY_AGG(num.version ORDER BY num.bi, num.ei) FILTER (WHERE NOT num.stored) AS r_version,
            ARRAY_AGG(num.ev ORDER BY num.bi, num.ei) FILTER (WHERE NOT num.stored) AS r_event,
            ARRAY_AGG(num.bi ORDER BY num.bi, num.ei) AS o_batch,
            ARRAY_AGG(num.id ORDER BY num.bi, num.ei) AS o_id,
            ARRAY_AGG(CASE WHEN num.stored THEN NULL ELSE num.version END ORDER BY num.bi, num.ei) AS o_version,
            ARRAY_AGG(CASE WHEN num.stored THEN 0 ELSE num.slot END ORDER BY num.bi, num.ei) AS o_slot,
            ARRAY_AGG(num.actual ORDER BY num.bi, num.ei) AS o_actual
          INTO v_plan
          FROM num;
          v_n := v_plan.n;
          v_conflict := v_plan.conflict;
        END IF;
        IF v_conflict IS NOT NULL THEN
          RAISE EXCEPTION USING ERRCODE = 'LL001', MESSAGE = 'lifeline version conflict', DETAIL = v_conflict;
        END IF;
        IF v_n > 0 THEN
          -- The one step taken one writer at a time: this transaction's id, then its positions. The
          -- lock is a session's (released at once, not at commit), so it is released on any error.
          -- It is tried, not waited for: a writer that finds it taken sleeps a millisecond and
          -- tries again. Waiting in the lock's queue, each writer would be handed the lock in turn,
          -- whether it runs or not; with more writers than cores, the lock then waits for a writer
          -- to be scheduled (pgbench, 32 connections on 2 cores: 4,400 appends a second waiting in
          -- the queue, 6,500 trying).
          WHILE NOT pg_try_advisory_lock(${POSITION_LOCK}) LOOP
            PERFORM pg_sleep(0.001);
          END LOOP;
          BEGIN
            v_xid := pg_current_xact_id();
            IF v_n = 1 THEN
              v_positions := ARRAY[nextval('$S.events_global_position_seq')];
            ELSE
              v_positions := ARRAY(SELECT nextval('$S.events_global_position_seq') FROM generate_series(1, v_n));
            END IF;
          EXCEPTION WHEN OTHERS THEN
            v_ok := pg_advisory_unlock(${POSITION_LOCK});
            RAISE;
          END;
          v_ok := pg_advisory_unlock(${POSITION_LOCK});
        END IF;
${v5 ? ONE_EVENT_INSERT : ''}        ${v5 ? 'ELSIF' : 'IF'} v_short THEN
          RETURN QUERY
            WITH inserted AS (
              INSERT INTO $S.events AS e (global_position, event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at, xid)
                OVERRIDING SYSTEM VALUE
                SELECT v_positions[x.i], (x.ev->>'eventId')::UUID, v_stream, v_actual + x.i::INTEGER, x.ev->>'type', x.ev->'data',
                       NULLIF(x.ev->'metadata', 'null'::JSONB), (x.ev->>'occurredAt')::BIGINT, p_recorded_at, v_xid
                  FROM jsonb_array_elements(v_events) WITH ORDINALITY x(ev, i)
                RETURNING e.event_id, e.stream_version, e.global_position
            )
            SELECT 0, i.event_id, i.stream_version, i.global_position, FALSE, v_actual FROM inserted i ORDER BY i.stream_version;
        ELSE
          RETURN QUERY
            WITH inserted AS (
              INSERT INTO $S.events (global_position, event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at, xid)
                OVERRIDING SYSTEM VALUE
                SELECT u.p, u.id, u.s, u.v, u.ev->>'type', u.ev->'data', NULLIF(u.ev->'metadata', 'null'::JSONB),
                       (u.ev->>'occurredAt')::BIGINT, p_recorded_at, v_xid
                  FROM unnest(v_positions, v_plan.r_id, v_plan.r_stream, v_plan.r_version, v_plan.r_event) AS u(p, id, s, v, ev)
            )
            SELECT u.b::INTEGER, u.id, u.v::INTEGER, CASE WHEN u.slot = 0 THEN NULL ELSE v_positions[u.slot] END, u.slot = 0, u.a::INTEGER
              FROM unnest(v_plan.o_batch, v_plan.o_id, v_plan.o_version, v_plan.o_slot, v_plan.o_actual) WITH ORDINALITY AS u(b, id, v, slot, a, ord)
             ORDER BY u.ord;
        END IF;
      END $$;`

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
${APPEND_MANY_HEADER}        v_batch JSONB;
        v_index INTEGER := 0;
        v_erased RECORD;
      BEGIN
        PERFORM pg_advisory_xact_lock(${7_316_245_001});
        IF EXISTS (SELECT 1 FROM $S.erasures) THEN
${REFUSE_ERASED}        END IF;
        FOR v_batch IN SELECT x FROM jsonb_array_elements(p_batches) x LOOP
          RETURN QUERY SELECT v_index, r.* FROM $S.lifeline_append(v_batch->>'stream', v_batch->>'expected', v_batch->'events', p_recorded_at) r;
          v_index := v_index + 1;
        END LOOP;
      END $$;
    `,
  },
  {
    version: 4,
    name: 'writers append concurrently',
    sql: `
      -- The transaction that appended each event. Rows appended before this migration read 0: they
      -- are all committed (ALTER TABLE waits for every transaction writing to the table).
      ALTER TABLE $S.events ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
      -- The connections LISTENing for appends (one per instance with waiting readers), by backend
      -- pid: an instance sends NOTIFY only while another instance listens. A row of a connection
      -- gone is ignored (no such pid in pg_stat_activity) and removed by the next one registered.
      CREATE TABLE $S.lifeline_listeners (pid INTEGER PRIMARY KEY, since BIGINT NOT NULL);
${appendManyFunction(false)}
      -- One stream's batch (kept for callers of the first version).
      CREATE OR REPLACE FUNCTION $S.lifeline_append(p_stream TEXT, p_expected TEXT, p_events JSONB, p_recorded_at BIGINT)
      RETURNS TABLE (event_id UUID, stream_version INTEGER, global_position BIGINT, already_stored BOOLEAN, actual INTEGER)
      LANGUAGE sql AS $$
        SELECT r.event_id, r.stream_version, r.global_position, r.already_stored, r.actual
          FROM $S.lifeline_append_many(
                 jsonb_build_array(jsonb_build_object('stream', p_stream, 'expected', p_expected, 'events', p_events)),
                 p_recorded_at) r
      $$;
    `,
  },
  {
    version: 5,
    name: 'event ids looked up by index; one-event appends insert one row',
    sql: `
${appendManyFunction(true)}
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
