/**
 * The durable embedded EventLog on SQLite: WAL mode, versioned migrations, append-only enforced
 * by triggers, one write transaction per append (writers from several processes serialize on
 * SQLite's lock, waiting up to the busy timeout), pages read in global order.
 */
import { EventLog, type CustomerId, type Erasure, type EventId } from '@lifeline/core'
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { loadDriver } from './DriverLoader.js'
import type { Database } from './Driver.js'
import * as Append from './schema/append.js'
import * as Checkpoints from './schema/checkpoints.js'
import * as Erasures from './schema/erasure.js'
import { migrate } from './schema/migrations.js'
import * as Read from './schema/read.js'
import { fromRow, type EventRow } from './schema/rows.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of the SQLite log. */
export interface Options {
  /** Stamps `recordedAt`; default `Date.now`. */
  readonly clock?: () => number
  /** How long a writer waits for another process's write lock, ms; default 10 000. */
  readonly busyTimeoutMs?: number
  /** How often `waitForEvents` polls for other processes' appends, ms; default 100. */
  readonly pollIntervalMs?: number
  /** `FULL` (default) survives power loss; `NORMAL` survives process crashes only. */
  readonly synchronous?: 'FULL' | 'NORMAL'
}

/** A stored projection checkpoint. */
export type StoredCheckpoint = EventLog.StoredCheckpoint

/** The SQLite log: the EventLog port, checkpoints, and the connection. */
export interface SqliteEventLog extends EventLog.EventLog, EventLog.CheckpointStore {
  /** Appends batches synchronously (for importers that already hold the data in memory). */
  readonly appendManySync: (
    batches: readonly EventLog.StreamBatch[],
  ) => E.Either<EventLog.EventLogError, readonly EventLog.AppendResult[]>
  /** The connection, for callers that need a read of their own. */
  readonly db: Database
  /** How many erasures the log has seen (see `CheckpointStore`). */
  readonly erasureGeneration: () => TE.TaskEither<EventLog.StorageFailed, number>
  /** Forgets customers synchronously, in one transaction (see `forgetMany`). */
  readonly forgetSync: (
    customerIds: readonly CustomerId[],
    options?: Erasure.ForgetOptions,
  ) => E.Either<EventLog.StorageFailed, readonly Erasure.ForgetResult[]>
  /** Closes the connection. */
  readonly close: () => void
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Opens (creating if needed) the log in the SQLite file at `path` (or `:memory:`), with the
 * better-sqlite3 that npm installed beside this adapter (its peer dependency). Throws a
 * `DriverUnavailable` whose message says in one line what to run when the driver is not
 * installed or its native binding is not built.
 *
 * @example
 * ```ts
 * const log = SqliteEventLog.openFile('shop.db')
 * await log.append({ streamId: event.customerId, events: [event] })()
 * log.close()
 * ```
 */
export const openFile = (path: string, options: Options = {}): SqliteEventLog =>
  open(loadDriver().connect(path), options)

/**
 * Opens the log on a better-sqlite3 connection (`new Database(path)`), sets WAL mode and the
 * busy timeout, and applies pending migrations.
 */
export const open = (db: Database, options: Options = {}): SqliteEventLog => {
  const clock = options.clock ?? Date.now
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
  // Whatever this connection deletes or overwrites is zeroed in the file (an erased id, a
  // replaced checkpoint's old state), not left in free space.
  db.pragma('secure_delete = ON')
  const erasing = Erasures.register(db)
  const upgrading =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !== undefined &&
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'erasures'").get() === undefined
  migrate(db, clock)
  // A file written before erasure existed (without secure delete) may keep deleted content, such
  // as replaced checkpoints, in free pages: it is rewritten once, on this upgrade, so that an
  // erasure leaves nothing behind. When another process holds the file, VACUUM fails and is not
  // retried: docs/erasure.md tells the operator to run it.
  if (upgrading) {
    try {
      db.exec('VACUUM')
    } catch {
      // Busy: the operator runs VACUUM (docs/erasure.md).
    }
  }
  const append = Append.statements(db)
  const erasure = Erasures.statements(db)
  const secret = Erasures.secretOf(erasure)
  const erasedAt = (ids: readonly string[]) => Erasures.erasedAt(erasure, secret, ids)
  const read = Read.statements(db)
  const checkpoints = Checkpoints.statements(db)
  const waiters = new Set<() => void>()

  const write = db.transaction((batches: readonly EventLog.StreamBatch[]) =>
    Append.appendBatches(append, batches, clock(), erasedAt),
  )
  // A checkpoint folded under an older erasure generation is not saved: it may hold a forgotten id.
  const saveTransaction = db.transaction((name: string, checkpoint: EventLog.Checkpoint): void => {
    const generation = checkpoint.erasureGeneration
    if (generation !== undefined && (erasure.generation.get() as { n: number }).n !== generation) return
    checkpoints.save.run(name, checkpoint.position, EventLog.checkpointBytes(checkpoint.state), clock())
  })
  const forgetTransaction = db.transaction((customerIds: readonly CustomerId[], forgetOptions: Erasure.ForgetOptions) =>
    Erasures.forget(erasure, erasing, secret, customerIds, clock(), forgetOptions),
  )
  const forgetSync = (
    customerIds: readonly CustomerId[],
    forgetOptions: Erasure.ForgetOptions = {},
  ): E.Either<EventLog.StorageFailed, readonly Erasure.ForgetResult[]> =>
    E.tryCatch(() => {
      const result = forgetTransaction.immediate(customerIds, forgetOptions)
      // The old pages are still in the WAL: copy the new ones into the file, then empty the WAL
      // (it waits, up to the busy timeout, for readers of older snapshots to finish). The erasure
      // is committed either way: a WAL that a reader kept is reported, not a failure.
      const [status] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[]
      const pending = status !== undefined && status.busy !== 0
      return pending ? result.map((r) => (r._tag === 'Forgotten' ? { ...r, oldBytesPending: true } : r)) : result
    }, EventLog.storageFailed)
  const appendManySync = (
    batches: readonly EventLog.StreamBatch[],
  ): E.Either<EventLog.EventLogError, readonly EventLog.AppendResult[]> => {
    try {
      const results = write.immediate(batches)
      if (results.some((r) => r.appended.length > 0)) {
        for (const wake of waiters) wake()
      }
      return E.right(results)
    } catch (error) {
      return E.left(error instanceof Append.Abort ? error.failure : EventLog.storageFailed(error))
    }
  }
  const attempt = <A>(f: () => A): TE.TaskEither<EventLog.StorageFailed, A> =>
    TE.fromIOEither(() => E.tryCatch(f, EventLog.storageFailed))

  return {
    db,
    close: () => {
      for (const wake of waiters) wake()
      db.close()
    },
    appendManySync,
    forgetSync,
    forget: (customerId, forgetOptions) =>
      TE.fromIOEither(() =>
        E.map((r: readonly Erasure.ForgetResult[]) => r[0]!)(forgetSync([customerId], forgetOptions)),
      ),
    forgetMany: (customerIds, forgetOptions) => TE.fromIOEither(() => forgetSync(customerIds, forgetOptions)),
    erasedAt: (customerIds) => attempt(() => erasedAt(customerIds)),
    append: (batch) =>
      TE.fromIOEither(() => E.map((r: readonly EventLog.AppendResult[]) => r[0]!)(appendManySync([batch]))),
    appendMany: (batches) => TE.fromIOEither(() => appendManySync(batches)),
    readStream: (streamId: CustomerId) => attempt(() => (read.stream.all(streamId) as EventRow[]).map(fromRow)),
    readByIds: (ids) =>
      attempt(() => {
        const unique = [...new Set(ids)]
        const rows: EventRow[] = []
        for (let i = 0; i < unique.length; i += Read.IDS_PER_QUERY) {
          const chunk = unique.slice(i, i + Read.IDS_PER_QUERY)
          rows.push(...(read.byIds(chunk.length).all(...chunk) as EventRow[]))
        }
        return rows.sort((a, b) => a.global_position - b.global_position).map(fromRow)
      }),
    heldIds: (ids) =>
      attempt(() => {
        const unique = [...new Set(ids)]
        const held = new Set<EventId>()
        for (let i = 0; i < unique.length; i += Read.IDS_PER_QUERY) {
          const chunk = unique.slice(i, i + Read.IDS_PER_QUERY)
          for (const row of read.heldIds(chunk.length).all(...chunk) as { id: EventId }[]) held.add(row.id)
        }
        return held
      }),
    readPage: (after, limit) =>
      attempt(() => {
        const events = (read.page.all(after, limit) as EventRow[]).map(fromRow)
        return { events, lastPosition: events.at(-1)?.globalPosition ?? after }
      }),
    headPosition: () => attempt(() => (read.head.get() as { p: number }).p),
    waitForEvents: (after, signal) =>
      new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined
        const done = (): void => {
          clearTimeout(timer)
          waiters.delete(done)
          signal?.removeEventListener('abort', done)
          resolve()
        }
        const poll = (): void => {
          if (signal?.aborted === true || !db.open) return done()
          try {
            if ((read.head.get() as { p: number }).p > after) return done()
          } catch {
            return done()
          }
          timer = setTimeout(poll, options.pollIntervalMs ?? 100)
        }
        waiters.add(done)
        signal?.addEventListener('abort', done, { once: true })
        poll()
      }),
    loadCheckpoint: (name) =>
      attempt(() => {
        const row = checkpoints.load.get(name) as { position: number; state: string | Uint8Array } | undefined
        return row === undefined ? null : { position: row.position, state: EventLog.storedBytes(row.state) }
      }),
    saveCheckpoint: (name, checkpoint) => attempt(() => saveTransaction.immediate(name, checkpoint)),
    erasureGeneration: () => attempt(() => (erasure.generation.get() as { n: number }).n),
  }
}
