/**
 * The EventLog on PostgreSQL, for services that outgrow one machine: many instances append to
 * and read one ordered history. An append (one stream batch, or a whole `appendMany`) is one
 * autocommitted statement: a call of a database function that checks the expected versions and
 * inserts. Writers append concurrently: no lock is held while an append commits. Positions are
 * drawn in the order of the appending transactions' ids, and readers take only events of
 * transactions older than every transaction still running, so a reader following positions
 * never passes an event that commits later (see docs/postgres.md). Append-only is enforced by
 * triggers.
 */
import { Erasure, EventLog, LifecycleEvent, type CustomerId, type EventId, type RecordedEvent } from '@lifeline/core'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import type { Pool, PoolClient, Queryable } from './Driver.js'
import { loadPg } from './DriverLoader.js'
import { migrate, ORDER_LOCK } from './schema/migrations.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of the PostgreSQL log. */
export interface Options {
  /** The schema holding the log's tables (created if needed); default `lifeline`. */
  readonly schema?: string
  /** Stamps `recordedAt`; default `Date.now`. */
  readonly clock?: () => number
  /**
   * How often `waitForEvents` polls for other instances' appends, ms; default 100. Waiting
   * readers are woken by `LISTEN`/`NOTIFY` (on one connection of the pool, held from the first
   * wait until `close()`); polling is the fallback while that connection is being re-made.
   */
  readonly pollIntervalMs?: number
  /**
   * How long reads (and waiting readers: subscriptions, followers) keep retrying, with backoff,
   * after their connection is lost (a server restart, a failover, `pg_terminate_backend`), ms;
   * default 30,000. Appends are never retried: a lost connection fails the append with
   * `StorageFailed`, and nothing of it is stored.
   */
  readonly reconnectMs?: number
  /**
   * The least time between two NOTIFYs this instance sends to wake other instances' waiting
   * readers, ms; default 5. Appends in between are covered by the next one.
   */
  readonly notifyIntervalMs?: number
}

/** A stored projection checkpoint. */
export type StoredCheckpoint = EventLog.StoredCheckpoint

/** A projection claimed by this instance. */
export interface Claim {
  /** True once the claim's connection was lost: the lock went with it, another may own it now. */
  readonly lost: () => boolean
  /** Hands the projection over: unlocks it and returns the connection to the pool. */
  readonly release: () => Promise<void>
}

/** The PostgreSQL log: the EventLog port, checkpoints, and projection ownership. */
export interface PostgresEventLog extends EventLog.EventLog, EventLog.CheckpointStore {
  /**
   * Claims a projection for this instance with a session advisory lock: `null` when another
   * instance holds it. Release it (or lose the connection, e.g. in a crash) to hand it over.
   */
  readonly claimProjection: (name: string) => TE.TaskEither<EventLog.StorageFailed, Claim | null>
  /** The schema holding the log's tables. */
  readonly schema: string
  /** How many erasures the log has seen (see `CheckpointStore`). */
  readonly erasureGeneration: () => TE.TaskEither<EventLog.StorageFailed, number>
  /** Stops waiting readers and closes the pool the log was opened on. */
  readonly close: () => Promise<void>
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const expectedText = (batch: EventLog.StreamBatch): string => {
  const e = batch.expectedVersion
  if (e === undefined || e._tag === 'Any') return 'any'
  if (e._tag === 'NoStream') return 'no_stream'
  if (e._tag === 'StreamExists') return 'stream_exists'
  return String(e.version)
}

/** The type's own fields of an event, as the `data` column holds them. */
const dataOf = (event: LifecycleEvent.LifecycleEvent): Record<string, unknown> => {
  const record = event as unknown as Record<string, unknown>
  const data: Record<string, unknown> = {}
  for (const key of LifecycleEvent.DATA_KEYS[event.type]) if (record[key] !== undefined) data[key] = record[key]
  return data
}

/**
 * A batch's events as `lifeline_append_many` takes them, each with the keyed hashes of the ids it
 * names (unless `keyOf` is null: the log has no erasures as far as this instance knows).
 * `repeat` marks an event an earlier batch of the append carries too (same content: it is
 * checked by `EventLog.reusedWithin`), which the function skips as stored.
 */
const payload = (
  events: readonly (LifecycleEvent.LifecycleEvent & { readonly eventId: EventId })[],
  keyOf: ((id: string) => string) | null,
  seen: Set<string>,
): string =>
  JSON.stringify(
    events.map((event) => {
      const repeat = seen.has(event.eventId)
      seen.add(event.eventId)
      return {
        eventId: event.eventId,
        type: event.type,
        data: dataOf(event),
        metadata: event.metadata ?? null,
        occurredAt: event.occurredAt,
        ...(keyOf === null ? {} : { keys: Erasure.namedIds(event).map(keyOf) }),
        ...(repeat ? { repeat: true } : {}),
      }
    }),
  )

/**
 * Only events whose transaction is older than every transaction still running: positions are
 * drawn in the order of transaction ids (migration 4), so these are a prefix of the positions.
 */
const SETTLED = 'xid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))' // a subquery: computed once, not per row

const fromRow = (row: Record<string, unknown>): RecordedEvent.RecordedEvent =>
  ({
    type: row['type'],
    customerId: row['stream_id'],
    occurredAt: Number(row['occurred_at']),
    ...(row['data'] as object),
    ...(row['metadata'] === null ? {} : { metadata: row['metadata'] }),
    eventId: row['event_id'],
    streamVersion: Number(row['stream_version']),
    globalPosition: Number(row['global_position']),
    recordedAt: Number(row['recorded_at']),
  }) as RecordedEvent.RecordedEvent

/**
 * A connection lost or refused (the server restarting, a failover, `pg_terminate_backend`): worth
 * retrying on a new connection, unlike an error of the statement itself.
 */
export const isConnectionLost = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (typeof code === 'string' && /^(08...|57P0[123]|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)$/.test(code)) return true
  return (
    typeof message === 'string' &&
    /Connection terminated|connection is closed|Client has encountered a connection error/i.test(message)
  )
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const hasCode = (error: unknown, code: string): error is { code: string; detail: string } =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code

/** The version conflict raised by `lifeline_append`. */
const isConflict = (error: unknown): error is { code: string; detail: string } => hasCode(error, 'LL001')

/** The reused event id raised by `lifeline_is_stored`. */
const isIdReused = (error: unknown): error is { code: string; detail: string } => hasCode(error, 'LL002')

/** The event naming an erased customer, raised by `lifeline_append_many`. */
const isErased = (error: unknown): error is { code: string; detail: string } => hasCode(error, 'LL003')

/**
 * Two appends that met on one id or one stream version (a unique index) or in a deadlock: the
 * append is undone whole and tried again, and then sees what the other stored.
 */
const isClash = (error: unknown): boolean => hasCode(error, '23505') || hasCode(error, '40P01')

/** The log has erasures: the append must carry the keyed hashes of the ids its events name. */
const needsKeys = (error: unknown): boolean => hasCode(error, 'LL004')

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Connects to the database at `url` (`postgres://user@host:5432/db`) with a pool of the `pg`
 * that npm installed beside this adapter (its peer dependency), then opens the log on it;
 * `close()` ends the pool. Throws `DriverUnavailable` (one line: what to install) without `pg`.
 *
 * @example
 * ```ts
 * const log = await PostgresEventLog.connect('postgres://app@localhost:5432/shop', { schema: 'lifeline' })
 * await log.append({ streamId: event.customerId, events: [event] })()
 * await log.close()
 * ```
 */
export const connect = async (
  url: string,
  options: Options & { readonly maxConnections?: number } = {},
): Promise<PostgresEventLog> => {
  const pg = loadPg()
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 })
  // An idle client whose connection drops emits 'error' on the pool, which would end the process
  // as an unhandled 'error' event: the pool drops that client, and the next query connects anew.
  pool.on?.('error', () => undefined)
  try {
    return await open(pool, options)
  } catch (error) {
    await pool.end().catch(() => undefined)
    throw error
  }
}

/** Opens the log on a `pg` pool: creates the schema and applies pending migrations. */
export const open = async (pool: Pool, options: Options = {}): Promise<PostgresEventLog> => {
  const schema = options.schema ?? 'lifeline'
  if (!IDENTIFIER.test(schema))
    throw new RangeError(`schema ${JSON.stringify(schema)} is not a plain lower-case identifier`)
  const clock = options.clock ?? Date.now
  await migrate(pool, schema, clock)
  // The per-log secret: 32 random bytes, written once by whichever instance opens the log first.
  await pool.query(`INSERT INTO ${schema}.lifeline_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [
    Buffer.from(Erasure.newSecret()),
  ])
  const secret = new Uint8Array(
    (await pool.query(`SELECT secret FROM ${schema}.lifeline_secret WHERE id = 1`)).rows[0]!['secret'] as Uint8Array,
  )
  const waiters = new Set<() => void>()
  const reconnectMs = options.reconnectMs ?? 30_000
  // One connection LISTENs for the append function's NOTIFY and wakes every waiting reader; it
  // is made on the first wait (an import never waits, so takes no connection for it), and re-made
  // with backoff when it drops.
  let listener: Promise<(() => void) | null> | null = null
  let closed = false
  let listenRetry = 50
  /** The backend pid of this instance's listening connection, once it listens. */
  let listenerPid: number | null = null
  let listeningSince = Number.NEGATIVE_INFINITY
  const listen = (): void => {
    if (listener !== null || closed) return
    listener = (async () => {
      let client: PoolClient | undefined
      let watch: NodeJS.Timeout | undefined
      let released = false
      /** Gives the connection back (destroyed), once. */
      const letGo = (): void => {
        clearInterval(watch)
        if (released || client === undefined) return
        released = true
        client.release(true)
      }
      /** Lets go, and listens again after a backoff (unless the log is closed). */
      const again = (): void => {
        letGo()
        if (closed || pool.ending === true) return
        listener = null
        setTimeout(listen, listenRetry).unref()
        listenRetry = Math.min(listenRetry * 2, 2_000)
      }
      try {
        client = await pool.connect()
        client.on?.('notification', () => {
          for (const wake of waiters) wake()
        })
        client.on?.('error', again)
        await client.query('LISTEN lifeline_events')
        // Registered, so that other instances' appends notify it (see `notify`).
        const { rows } = await client.query(
          `WITH gone AS (DELETE FROM ${schema}.lifeline_listeners WHERE pid NOT IN (SELECT pid FROM pg_stat_activity))
           INSERT INTO ${schema}.lifeline_listeners (pid, since) VALUES (pg_backend_pid(), $1)
           ON CONFLICT (pid) DO UPDATE SET since = excluded.since RETURNING pid`,
          [clock()],
        )
        listenerPid = Number(rows[0]!['pid'])
        listeningSince = Date.now()
        listenRetry = 50
        // The pool cannot end while the listener is checked out: when someone ends it without
        // closing the log (a crash drill, a forgotten close), the listener lets go.
        watch = setInterval(() => {
          if (pool.ending === true || closed) letGo()
        }, 50)
        watch.unref()
        if (closed) letGo()
        return letGo
      } catch {
        again()
        return null
      }
    })()
  }
  /** Runs a read, retrying with backoff (50 ms doubling to 2 s) while the connection is lost. */
  const retrying = async <A>(f: () => Promise<A>): Promise<A> => {
    const until = Date.now() + reconnectMs
    for (let wait = 50; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        return await f()
      } catch (error) {
        if (!isConnectionLost(error) || Date.now() + wait > until) throw error
        await sleep(wait)
      }
    }
  }
  const attempt = <A>(f: () => Promise<A>): TE.TaskEither<EventLog.StorageFailed, A> =>
    TE.tryCatch(() => retrying(f), EventLog.storageFailed)

  /** Whether this instance knows the log has erasures (then appends carry the ids' keyed hashes). */
  let erasures = false
  // Other instances' waiting readers are woken by a NOTIFY sent after the append commits (a
  // NOTIFY inside the append would make commits wait for one another: PostgreSQL serializes the
  // commits of notifying transactions). One is in flight at a time per instance, at most one
  // per `notifyIntervalMs`, covering every append committed before it is sent; it commits
  // without waiting for its flush (`synchronous_commit` off for that transaction alone: it
  // writes nothing a crash could lose).
  const notifyIntervalMs = options.notifyIntervalMs ?? 5
  // Whether another instance listens, and when that was last asked (see `othersListen`).
  let listenersAskedAt = Number.NEGATIVE_INFINITY
  let othersListening = true
  let notifyWanted = false
  let notifying: Promise<void> | null = null
  let lastNotify = 0
  /** Cuts the wait before the next NOTIFY short (on close). */
  let hurry: (() => void) | null = null
  const notify = (): void => {
    // Nobody else listens, as asked less than a second ago: nothing to send, and no timer set
    // (with many writers on few cores, a timer an append is a wake-up an append).
    if (!othersListening && Date.now() - listenersAskedAt < 1_000) return
    notifyWanted = true
    if (notifying !== null || closed) return
    notifying = (async () => {
      while (notifyWanted && !closed) {
        const wait = lastNotify + notifyIntervalMs - Date.now()
        if (wait > 0)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait)
            hurry = () => {
              clearTimeout(timer)
              resolve()
            }
          })
        hurry = null
        notifyWanted = false
        lastNotify = Date.now()
        if (await othersListen())
          await pool
            .query("SELECT set_config('synchronous_commit', 'off', TRUE), pg_notify('lifeline_events', '')")
            .catch(() => undefined) // a lost notification leaves followers to their poll
      }
      notifying = null
    })()
  }
  // Whether another instance listens, asked at most once a second: an instance that starts
  // listening is notified within a second, and its readers poll (`pollIntervalMs`) until then.
  const othersListen = async (): Promise<boolean> => {
    if (Date.now() - listenersAskedAt < 1_000) return othersListening
    listenersAskedAt = Date.now()
    try {
      const { rows } = await pool.query(
        `SELECT EXISTS (SELECT 1 FROM ${schema}.lifeline_listeners l JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE l.pid <> $1) AS any`,
        [listenerPid ?? 0],
      )
      othersListening = rows[0]!['any'] === true
    } catch {
      othersListening = true // unknown: notify
    }
    return othersListening
  }

  /**
   * Appends the batches with one autocommitted statement (one round trip): the function call
   * and its commit happen on the server, and no lock is held through the commit. Two appends
   * that meet on a unique index are undone whole; this one is tried again (then it sees the
   * other's events: stored, or a version conflict).
   */
  const appendOn = async (
    client: Queryable,
    batches: readonly EventLog.StreamBatch[],
    events: readonly (readonly (LifecycleEvent.LifecycleEvent & { readonly eventId: EventId })[])[],
  ): Promise<EventLog.AppendResult[]> => {
    const recordedAt = clock()
    const keys = new Map<string, string>()
    const keyOf = (id: string): string => {
      let key = keys.get(id)
      if (key === undefined) keys.set(id, (key = Erasure.key(secret, id)))
      return key
    }
    const query = () => {
      const seen = new Set<string>()
      const json = batches.map(
        (b, i) =>
          `{"stream":${JSON.stringify(b.streamId)},"expected":"${expectedText(b)}","events":${payload(events[i]!, erasures ? keyOf : null, seen)}}`,
      )
      // Prepared once per connection (a name per schema: one pool may serve logs of several).
      return {
        name: `lifeline_append_many_${schema}`,
        text: `SELECT * FROM ${schema}.lifeline_append_many($1::jsonb, $2)`,
        values: [`[${json.join(',')}]`, recordedAt],
      }
    }
    let rows: Record<string, unknown>[]
    for (let attempt = 1; ; attempt++) {
      const withKeys = erasures
      try {
        rows = (await client.query(query())).rows
        break
      } catch (error) {
        if (needsKeys(error) && !withKeys) {
          erasures = true // erasures are never undone: from now on every append carries the keys
          continue
        }
        if (!isClash(error) || attempt === 20) throw error
        await sleep(Math.random() * 2 * attempt)
      }
    }
    const byBatch = batches.map(() => [] as Record<string, unknown>[])
    for (const row of rows) byBatch[Number(row['batch'])]!.push(row)
    const results: EventLog.AppendResult[] = []
    for (const [index, batch] of batches.entries()) {
      const batchRows = byBatch[index]!
      const appended: RecordedEvent.RecordedEvent[] = []
      const alreadyStored: EventId[] = []
      let version = batchRows.length > 0 ? Number(batchRows[0]!['actual']) : 0
      batchRows.forEach((row, i) => {
        if (row['already_stored'] === true) alreadyStored.push(row['event_id'] as EventId)
        else {
          version = Number(row['stream_version'])
          appended.push({
            ...events[index]![i]!,
            streamVersion: version,
            globalPosition: Number(row['global_position']),
            recordedAt,
          })
        }
      })
      if (batchRows.length === 0) {
        const query = `SELECT COALESCE(MAX(stream_version), 0) AS v FROM ${schema}.events WHERE stream_id = $1`
        version = Number((await client.query(query, [batch.streamId])).rows[0]!['v'])
      }
      results.push({ streamId: batch.streamId, appended, alreadyStored, streamVersion: version })
    }
    return results
  }

  const appendMany =
    (
      batches: readonly EventLog.StreamBatch[],
    ): TE.TaskEither<EventLog.EventLogError, readonly EventLog.AppendResult[]> =>
    async () => {
      for (const batch of batches) {
        const invalid = EventLog.validateBatch(batch)
        if (invalid !== null) return E.left(invalid)
      }
      // Each event's id, derived once for the whole append.
      const events = batches.map((b) => b.events.map((e) => LifecycleEvent.withId(e)))
      // An id on two events of this append: the same event twice is fine, two different ones are
      // IdReused (stored ids are checked by the database).
      const ids = new Set<string>()
      let repeated = false
      for (const e of events.flat()) if (ids.size === ids.add(e.eventId).size) repeated = true
      const reused = repeated ? EventLog.reusedWithin(batches) : null
      if (reused !== null) return E.left(reused)
      try {
        const results = await appendOn(pool, batches, events)
        if (results.some((r) => r.appended.length > 0)) {
          for (const wake of waiters) wake()
          notify()
        }
        return E.right(results)
      } catch (error) {
        if (isErased(error)) {
          const { batch, index } = JSON.parse(error.detail) as { batch: number; index: number }
          return E.left({ _tag: 'Erased', batch: Number(batch), index: Number(index) })
        }
        if (isIdReused(error)) {
          const { eventId, position } = JSON.parse(error.detail) as { eventId: string; position: number }
          const event = events.flat().find((e) => e.eventId === eventId)!
          return E.left(EventLog.idReused(event, { _tag: 'Stored', globalPosition: Number(position) }))
        }
        if (isConflict(error)) {
          const { stream, actual } = JSON.parse(error.detail) as { stream: string; actual: number }
          const failed = batches.find((b) => b.streamId === stream && b.expectedVersion !== undefined)!
          return E.left(EventLog.versionConflict(failed.streamId, failed.expectedVersion!, actual))
        }
        return E.left(EventLog.storageFailed(error))
      }
    }

  /** The rewrite of one customer's events and references, on `client` inside its transaction. */
  const forgetOne = async (
    client: Queryable,
    customerId: CustomerId,
    erasedAt: number,
  ): Promise<{ readonly result: Erasure.ForgetResult; readonly rename: Erasure.Rename | null }> => {
    const key = Erasure.key(secret, customerId)
    const { rows } = await client.query(
      `SELECT * FROM ${schema}.events WHERE stream_id = $1
       UNION SELECT * FROM ${schema}.events WHERE type = 'OptedIn' AND data->>'referredBy' = $1
       UNION SELECT * FROM ${schema}.events WHERE type = 'Referred' AND data->>'referredCustomerId' = $1`,
      [customerId],
    )
    if (rows.length === 0) {
      const prior = await client.query(`SELECT erased_at FROM ${schema}.erasures WHERE key = $1`, [key])
      const at = prior.rows[0]?.['erased_at']
      return {
        result: at === undefined ? { _tag: 'Unknown' } : { _tag: 'AlreadyErased', erasedAt: Number(at) },
        rename: null,
      }
    }
    // The one sanctioned rewrite: the trigger admits UPDATE while this transaction sets the flag.
    await client.query("SELECT set_config('lifeline.erasing', 'on', TRUE)")
    const rename = { customerId, pseudonym: Erasure.pseudonym() }
    let eventsRewritten = 0
    let referencesRewritten = 0
    for (const row of rows) {
      const rewritten = Erasure.rewrite(fromRow(row), rename)
      if (rewritten === null) continue
      if (row['stream_id'] === customerId) eventsRewritten++
      else referencesRewritten++
      await client.query(
        `UPDATE ${schema}.events SET event_id = $1, stream_id = $2, data = $3, metadata = $4 WHERE global_position = $5`,
        [
          Erasure.newEventId(),
          rewritten.customerId,
          JSON.stringify(dataOf(rewritten)),
          rewritten.metadata === undefined ? null : JSON.stringify(rewritten.metadata),
          row['global_position'],
        ],
      )
    }
    await client.query("SELECT set_config('lifeline.erasing', 'off', TRUE)")
    await client.query(
      `INSERT INTO ${schema}.erasures (key, erased_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET erased_at = excluded.erased_at`,
      [key, erasedAt],
    )
    const result = Erasure.forgotten(rename, eventsRewritten, referencesRewritten, erasedAt)
    return { result, rename }
  }

  /**
   * Forgets the customers in order in one transaction holding the order lock (appends wait for
   * it), then rewrites each checkpoint once for all of them.
   */
  const forgetMany = async (
    customerIds: readonly CustomerId[],
    forgetOptions: Erasure.ForgetOptions,
  ): Promise<Erasure.ForgetResult[]> => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock($1)', [ORDER_LOCK])
      const erasedAt = clock()
      const done: { result: Erasure.ForgetResult; rename: Erasure.Rename | null }[] = []
      for (const id of customerIds) done.push(await forgetOne(client, id, erasedAt))
      const renames = done.flatMap((d) => (d.rename === null ? [] : [d.rename]))
      let checkpointsRewritten = 0
      let checkpointsDropped = 0
      if (renames.length > 0) {
        // Checkpoints folded under the old generation are not saved from now on.
        await client.query(`UPDATE ${schema}.lifeline_erasure_generation SET n = n + 1 WHERE id = 1`)
        // The planner's statistics (pg_stats) sample column values, customer ids among them: take
        // them again from the rewritten rows (dead row versions are not sampled).
        await client.query(`ANALYZE ${schema}.events`)
        const checkpoints = await client.query(`SELECT name, state FROM ${schema}.checkpoints FOR UPDATE`)
        for (const row of checkpoints.rows) {
          const name = row['name'] as string
          const state = EventLog.storedBytes(row['state'] as Uint8Array)
          const action = Erasure.checkpointAction(name, state, renames, forgetOptions.rewriteCheckpoint)
          if (action._tag === 'drop') {
            await client.query(`DELETE FROM ${schema}.checkpoints WHERE name = $1`, [name])
            checkpointsDropped++
          } else if (action._tag === 'rewritten') {
            await client.query(`UPDATE ${schema}.checkpoints SET state = $1 WHERE name = $2`, [action.state, name])
            checkpointsRewritten++
          }
        }
      }
      await client.query('COMMIT')
      return done.map(({ result }) =>
        result._tag === 'Forgotten' ? { ...result, checkpointsRewritten, checkpointsDropped } : result,
      )
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  return {
    schema,
    forget: (customerId, forgetOptions = {}) =>
      attempt(async () => (await forgetMany([customerId], forgetOptions))[0]!),
    forgetMany: (customerIds, forgetOptions = {}) => attempt(() => forgetMany(customerIds, forgetOptions)),
    erasedAt: (customerIds) =>
      attempt(async () => {
        // No hashing at all while nobody is erased (an import asks for every customer it reads).
        const any = await pool.query(`SELECT EXISTS (SELECT 1 FROM ${schema}.erasures) AS any`)
        if (any.rows[0]!['any'] !== true) return new Map<CustomerId, number>()
        const keys = [...new Set(customerIds)].map((id) => [id, Erasure.key(secret, id)] as const)
        const { rows } = await pool.query(`SELECT key, erased_at FROM ${schema}.erasures WHERE key = ANY($1::text[])`, [
          keys.map(([, key]) => key),
        ])
        const at = new Map(rows.map((r) => [r['key'] as string, Number(r['erased_at'])]))
        const out = new Map<CustomerId, number>()
        for (const [id, key] of keys) if (at.has(key)) out.set(id, at.get(key)!)
        return out
      }),
    close: async () => {
      // The last appends' notification goes out (now) before the pool ends.
      hurry?.()
      await notifying
      closed = true
      for (const wake of waiters) wake()
      const letGo = await listener
      letGo?.()
      await pool.end()
    },
    append: (batch) => TE.map((r: readonly EventLog.AppendResult[]) => r[0]!)(appendMany([batch])),
    appendMany,
    readStream: (streamId: CustomerId) =>
      attempt(async () =>
        (
          await pool.query(`SELECT * FROM ${schema}.events WHERE stream_id = $1 ORDER BY stream_version`, [streamId])
        ).rows.map(fromRow),
      ),
    readByIds: (ids) =>
      attempt(async () => {
        const { rows } = await pool.query(
          `SELECT * FROM ${schema}.events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position`,
          [[...new Set(ids)]],
        )
        return rows.map(fromRow)
      }),
    heldIds: (ids) =>
      attempt(async () => {
        const { rows } = await pool.query(
          `SELECT event_id::text AS id FROM ${schema}.events WHERE event_id = ANY($1::uuid[])`,
          [[...new Set(ids)]],
        )
        return new Set(rows.map((row) => row['id'] as EventId))
      }),
    readPage: (after, limit) =>
      attempt(async () => {
        const { rows } = await pool.query(
          `SELECT * FROM ${schema}.events WHERE global_position > $1 AND ${SETTLED} ORDER BY global_position LIMIT $2`,
          [after, limit],
        )
        const events = rows.map(fromRow)
        return { events, lastPosition: events.at(-1)?.globalPosition ?? after }
      }),
    headPosition: () =>
      attempt(async () =>
        Number(
          (await pool.query(`SELECT COALESCE(MAX(global_position), 0) AS p FROM ${schema}.events WHERE ${SETTLED}`))
            .rows[0]!['p'],
        ),
      ),
    waitForEvents: (after, signal) =>
      new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined
        let done = false
        const finish = (): void => {
          if (done) return
          done = true
          clearTimeout(timer)
          waiters.delete(finish)
          signal?.removeEventListener('abort', finish)
          resolve()
        }
        const poll = (): void => {
          if (done) return
          if (signal?.aborted === true) return finish()
          retrying(() =>
            pool.query(`SELECT COALESCE(MAX(global_position), 0) AS p FROM ${schema}.events WHERE ${SETTLED}`),
          )
            .then(({ rows }) => {
              if (Number(rows[0]!['p']) > after) finish()
              else if (!done) {
                // Other instances learn within a second that this one listens: poll often until then.
                const learning = Date.now() - listeningSince < 1_100
                const every = options.pollIntervalMs ?? 100
                timer = setTimeout(poll, learning ? Math.min(every, 100) : every)
              }
            })
            .catch(finish)
        }
        waiters.add(finish)
        signal?.addEventListener('abort', finish, { once: true })
        listen()
        poll()
      }),
    loadCheckpoint: (name) =>
      attempt(async () => {
        const { rows } = await pool.query(`SELECT position, state FROM ${schema}.checkpoints WHERE name = $1`, [name])
        const row = rows[0]
        return row === undefined
          ? null
          : { position: Number(row['position']), state: EventLog.storedBytes(row['state'] as Uint8Array) }
      }),
    saveCheckpoint: (name, checkpoint) =>
      attempt(async () => {
        const state = EventLog.checkpointBytes(checkpoint.state)
        const upsert = `INSERT INTO ${schema}.checkpoints (name, position, state, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET position = excluded.position, state = excluded.state, updated_at = excluded.updated_at`
        const values = [name, checkpoint.position, state, clock()]
        const generation = checkpoint.erasureGeneration
        if (generation === undefined) return void (await pool.query(upsert, values))
        // Under the order lock (shared) that forget takes exclusively: no erasure can commit
        // between the check and the save.
        const client = await pool.connect()
        try {
          await client.query('BEGIN')
          await client.query('SELECT pg_advisory_xact_lock_shared($1)', [ORDER_LOCK])
          const { rows } = await client.query(`SELECT n FROM ${schema}.lifeline_erasure_generation WHERE id = 1`)
          if (Number(rows[0]!['n']) === generation) await client.query(upsert, values)
          await client.query('COMMIT')
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined)
          throw error
        } finally {
          client.release()
        }
      }),
    erasureGeneration: () =>
      attempt(async () =>
        Number((await pool.query(`SELECT n FROM ${schema}.lifeline_erasure_generation WHERE id = 1`)).rows[0]!['n']),
      ),
    claimProjection: (name) =>
      attempt(async () => {
        const client = await pool.connect()
        // The claim's connection may drop (the lock goes with it): its 'error' is handled here
        // instead of ending the process, and the claim reports it as lost.
        let lost = false
        client.on?.('error', () => {
          lost = true
        })
        const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`${schema}.${name}`])
        if (rows[0]!['ok'] !== true) {
          client.release()
          return null
        }
        return {
          lost: () => lost,
          release: async () => {
            if (lost) return client.release(true)
            await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`${schema}.${name}`]).catch(() => undefined)
            client.release()
          },
        }
      }),
  }
}
