/**
 * Imports a history into an EventLog: each event through the codec, then the lifecycle rules
 * (each customer in time order, against what the log already holds for it), then the log, in
 * batches of one transaction each. Importing the same input again appends nothing and rejects
 * nothing new; an import killed midway is completed exactly by running it again.
 *
 * Memory stays bounded whatever the input's size and order: the inputs are staged on disk (see
 * `Staging`) as they are read; SQLite orders them; the rules then run customer by customer and
 * the writes go in time order, each reading the staging area in pages. What the log already
 * holds is read in bulk: one ordered scan, or (for an input naming few of the log's customers)
 * batched reads of their streams and of the ids the input names.
 */
import {
  Customer,
  Decider,
  Erasure,
  EventLog,
  ExpectedVersion,
  LifecycleError,
  LifecycleEvent,
  type CustomerId,
  type EventId,
  type RecordedEvent,
} from '@lifeline/core'
import { decodeAll, type Line } from './EventFile.js'
import * as Staging from './Staging.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A rejected input: its line, why, and the input itself, so it can be found and fixed; without
 * the input (and with the rule only as reason) when it names an erased customer (`Erased`).
 */
export interface Rejection {
  readonly line: number
  readonly reason: string
  readonly input?: unknown
}

/** The phases of an import, in order. */
export type Phase = 'reading' | 'ordering' | 'checking' | 'writing'

/**
 * Where an import is: its phase, and how far into it (`done` of `total`; `total` is unknown,
 * `undefined`, while the input is read).
 */
export interface Progress {
  readonly phase: Phase
  readonly done: number
  readonly total: number | undefined
}

/** Options of an import. */
export interface Options {
  /** Any rejection aborts the import: nothing is appended. */
  readonly strict?: boolean
  /** Events per transaction; default 5,000. */
  readonly batchSize?: number
  /**
   * Called as the import goes, in every phase: every 10,000 inputs read, after each ordering
   * step, every 10,000 events checked, after each batch written.
   */
  readonly onProgress?: (progress: Progress) => void
  /**
   * Called with every rejection, in line order, once all are known and before anything is
   * written (so with `strict` too). When given, `Result.rejected` stays empty (the rejections
   * are not kept in memory) and `Result.rejectedCount` counts them.
   */
  readonly onRejected?: (rejection: Rejection) => void | Promise<void>
}

/** What an import did. */
export interface Result {
  /** Inputs read (valid or not). */
  readonly read: number
  /** Events appended by this import. */
  readonly appended: number
  /** Events already in the log (imported before): skipped. */
  readonly alreadyStored: number
  /** Events repeated within the input (same event id as an earlier one): skipped. */
  readonly repeated: number
  /** Rejected inputs, in line order (empty when `onRejected` took them). */
  readonly rejected: readonly Rejection[]
  /** How many inputs were rejected. */
  readonly rejectedCount: number
  /** True when `strict` stopped the import before anything was appended. */
  readonly aborted: boolean
}

/** The import could not complete: a storage failure or a concurrent writer. */
export class ImportFailed extends Error {
  override readonly name = 'ImportFailed'
  constructor(
    message: string,
    readonly error: EventLog.EventLogError,
  ) {
    super(message)
  }
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

const orThrow = async <A>(
  task: () => Promise<{ _tag: 'Left'; left: EventLog.EventLogError } | { _tag: 'Right'; right: A }>,
): Promise<A> => {
  const result = await task()
  if (result._tag === 'Left') throw new ImportFailed(EventLog.formatError(result.left), result.left)
  return result.right
}

/**
 * Imports any sequence of raw inputs into the log: strings are lines of JSON text, anything else
 * an event object (see `decodeAll`); rejections name the input's position, from 1.
 */
export const importFrom = (
  log: EventLog.EventLog,
  inputs: AsyncIterable<unknown> | Iterable<unknown>,
  options: Options = {},
): Promise<Result> => importLines(log, decodeAll(inputs), options)

/** Imports decoded lines (from `readEvents`, `jsonLinesOf`, `csvOf`, `decodeAll`) into the log. */
export const importLines = async (
  log: EventLog.EventLog,
  lines: AsyncIterable<Line> | Iterable<Line>,
  options: Options = {},
): Promise<Result> => {
  const db = Staging.open()
  try {
    return await run(db, log, lines, options)
  } finally {
    db.close()
  }
}

const PAGE = 5_000
const { accepted: ACCEPTED, repeated: REPEATED, stored: STORED, rejected: REJECTED } = Staging.VERDICT

type Given = LifecycleEvent.LifecycleEvent
interface StagedRow {
  readonly seq: number
  readonly line: number
  readonly customer: string
  readonly at: number
  readonly id: string
  readonly event: string
  readonly dup_of: number | null
}

const run = async (
  db: ReturnType<typeof Staging.open>,
  log: EventLog.EventLog,
  lines: AsyncIterable<Line> | Iterable<Line>,
  options: Options,
): Promise<Result> => {
  const report = options.onProgress ?? (() => undefined)

  // 1. Reading: every input into the staging area, in transactions of PAGE rows.
  const stage = db.prepare(
    'INSERT INTO staged (seq, line, customer, at, id, derived, event) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const reject = db.prepare('INSERT INTO rejects (line, seq, reason, input) VALUES (?, ?, ?, ?)')
  let read = 0
  let pendingRows: Line[] = []
  report({ phase: 'reading', done: 0, total: undefined })
  const flush = db.transaction((rows: Line[], first: number) => {
    rows.forEach((line, i) => {
      const seq = first + i
      if (line._tag === 'Invalid') reject.run(line.line, seq, line.message, Staging.pack(line.input))
      else {
        const e = line.event
        const derived = e.eventId === undefined ? 1 : 0
        stage.run(seq, line.line, e.customerId, e.occurredAt, LifecycleEvent.idOf(e), derived, JSON.stringify(e))
      }
    })
  })
  for await (const line of lines) {
    pendingRows.push(line)
    read++
    if (pendingRows.length === PAGE) {
      flush(pendingRows, read - pendingRows.length + 1)
      pendingRows = []
    }
    if (read % 10_000 === 0) report({ phase: 'reading', done: read, total: undefined })
  }
  flush(pendingRows, read - pendingRows.length + 1)
  pendingRows = []
  report({ phase: 'reading', done: read, total: read })

  // 2. Ordering: SQLite sorts the inputs by customer and time, and by id; events repeated in the
  // input (same id) point at the first of them in time order (ties in input order).
  const ordering = [
    'CREATE INDEX by_customer ON staged (customer, at, seq)',
    'CREATE INDEX by_id ON staged (id, at, seq)',
    'CREATE INDEX by_time ON staged (at, seq)',
    `UPDATE staged SET dup_of = (SELECT f.seq FROM staged f WHERE f.id = staged.id ORDER BY f.at, f.seq LIMIT 1)
       WHERE id IN (SELECT id FROM staged GROUP BY id HAVING count(*) > 1)`,
  ]
  report({ phase: 'ordering', done: 0, total: ordering.length })
  ordering.forEach((sql, i) => {
    db.exec(sql)
    report({ phase: 'ordering', done: i + 1, total: ordering.length })
  })
  db.exec('UPDATE staged SET dup_of = NULL WHERE dup_of = seq')

  // What the log holds, in bulk, for the customers and ids of the input.
  const holdsAny = (await orThrow(log.headPosition())) > 0
  let alreadyStoredBefore = 0
  report({ phase: 'checking', done: 0, total: undefined })
  if (holdsAny) {
    await loadStored(db, log)
    // An id derived from an input's content (no id given) is a hash of that content: the event
    // stored under it is that content, so those inputs are already stored, all at once.
    alreadyStoredBefore = db
      .prepare(`UPDATE staged SET verdict = ${STORED} WHERE derived = 1 AND id IN (SELECT id FROM stored)`)
      .run().changes
    await fillStored(db, log)
  }

  // Events naming a customer erased after they occurred are refused, and nothing of them is
  // kept (not even in the rejections); an invalid input naming an erased customer too (its
  // instant cannot be trusted).
  if (holdsAny) await refuseErased(db, log)

  // 3. Checking: customer by customer, in time order, each against its stored stream.
  const total = (db.prepare('SELECT count(*) AS n FROM staged WHERE verdict = 0').get() as { n: number }).n
  const page = db.prepare(
    `SELECT seq, line, customer, at, id, event, dup_of FROM staged
       WHERE (customer, at, seq) > (?, ?, ?) AND verdict = 0 ORDER BY customer, at, seq LIMIT ${PAGE}`,
  )
  const storedStream = db.prepare('SELECT event FROM stored WHERE customer = ? ORDER BY version')
  const storedById = db.prepare('SELECT event FROM stored WHERE id = ?')
  const stagedBySeq = db.prepare('SELECT line, event FROM staged WHERE seq = ?')
  // Each input's verdict and stream version, by its place in the input: 5 bytes an input.
  const verdicts = new Uint8Array(read + 1)
  const versions = new Int32Array(read + 1)
  const setVerdict = (verdict: number, version: number | null, seq: number): void => {
    verdicts[seq] = verdict
    if (version !== null) versions[seq] = version
  }
  let customer: string | null = null
  let state = Customer.initial
  let checked = 0
  report({ phase: 'checking', done: 0, total })
  let repeated = 0
  for (let after: [string, number, number] = ['', -Infinity, -1]; ;) {
    const rows = page.all(...after) as StagedRow[]
    if (rows.length === 0) break
    const last = rows[rows.length - 1]!
    after = [last.customer, last.at, last.seq]
    db.transaction(() => {
      for (const row of rows) {
        if (row.customer !== customer) {
          customer = row.customer
          state = holdsAny
            ? Customer.fromEvents(
                Staging.iterateAll<{ event: string }>(storedStream, customer).map(
                  (r) => JSON.parse(r.event) as RecordedEvent.RecordedEvent,
                ),
              )
            : Customer.initial
        }
        const given = JSON.parse(row.event) as Given
        const event = { ...given, eventId: row.id as EventId }
        // The id: stored already (the same event, or another: IdReused), or earlier in the input.
        const storedRow = holdsAny ? (storedById.get(row.id) as { event: string } | undefined) : undefined
        let first: LifecycleError.FirstWithId | null = null
        let same = false
        if (storedRow !== undefined) {
          const stored = JSON.parse(storedRow.event) as RecordedEvent.RecordedEvent
          same = LifecycleEvent.canonicalContent(stored) === LifecycleEvent.canonicalContent(event)
          first = EventLog.storedId(stored).first
          if (same) alreadyStoredBefore++
        } else if (row.dup_of !== null) {
          const earlier = stagedBySeq.get(row.dup_of) as { line: number; event: string }
          same =
            LifecycleEvent.canonicalContent(JSON.parse(earlier.event) as Given) ===
            LifecycleEvent.canonicalContent(event)
          first = { _tag: 'Input', source: earlier.line }
          if (same) repeated++
        }
        if (first !== null) {
          if (same) setVerdict(storedRow !== undefined ? STORED : REPEATED, null, row.seq)
          else {
            const error = EventLog.idReused(event, first)
            reject.run(row.line, row.seq, LifecycleError.format(error), Staging.pack(LifecycleEvent.encode(given)))
            setVerdict(REJECTED, null, row.seq)
          }
          continue
        }
        const error = Decider.check(event, state)
        if (error !== null) {
          reject.run(row.line, row.seq, LifecycleError.format(error), Staging.pack(LifecycleEvent.encode(given)))
          setVerdict(REJECTED, null, row.seq)
        } else {
          state = Customer.evolve(state, event)
          setVerdict(ACCEPTED, state.version, row.seq)
        }
      }
    })()
    checked += rows.length
    report({ phase: 'checking', done: checked, total })
  }

  // The rejections, in line order, before anything is written.
  const rejected: Rejection[] = []
  let rejectedCount = 0
  const rejectPage = db.prepare(
    `SELECT line, seq, reason, input FROM rejects WHERE (line, seq) > (?, ?) ORDER BY line, seq LIMIT ${PAGE}`,
  )
  db.exec('CREATE INDEX rejects_by_line ON rejects (line, seq)')
  for (let after = [-Infinity, -1]; ;) {
    const rows = rejectPage.all(...after) as { line: number; seq: number; reason: string; input: Buffer | null }[]
    if (rows.length === 0) break
    after = [rows[rows.length - 1]!.line, rows[rows.length - 1]!.seq]
    for (const r of rows) {
      const rejection: Rejection =
        r.input === null
          ? { line: r.line, reason: r.reason }
          : { line: r.line, reason: r.reason, input: Staging.unpack(r.input) }
      rejectedCount++
      if (options.onRejected !== undefined) await options.onRejected(rejection)
      else rejected.push(rejection)
    }
  }
  if (options.strict === true && rejectedCount > 0) {
    return { read, appended: 0, alreadyStored: alreadyStoredBefore, repeated, rejected, rejectedCount, aborted: true }
  }

  // 4. Writing: the accepted events in time order, one transaction per batch, each stream at the
  // exact version the checks found.
  let toWrite = 0
  for (const verdict of verdicts) if (verdict === ACCEPTED) toWrite++
  const batchSize = options.batchSize ?? 5_000
  const writePage = db.prepare(
    'SELECT seq, at, event, id FROM staged WHERE (at, seq) > (?, ?) ORDER BY at, seq LIMIT ?',
  )
  let appended = 0
  let alreadyStored = alreadyStoredBefore
  let written = 0
  report({ phase: 'writing', done: 0, total: toWrite })
  for (let after = [-Infinity, -1]; toWrite > 0;) {
    const page = writePage.all(...after, batchSize) as { seq: number; at: number; event: string; id: string }[]
    if (page.length === 0) break
    after = [page[page.length - 1]!.at, page[page.length - 1]!.seq]
    const rows = page.filter((row) => verdicts[row.seq] === ACCEPTED)
    if (rows.length === 0) continue
    // One stream batch per run of consecutive events of a customer: the log keeps time order.
    const batches: EventLog.StreamBatch[] = []
    let run: LifecycleEvent.LifecycleEvent[] = []
    let firstVersion = 0
    const close = (): void => {
      batches.push({
        streamId: run[0]!.customerId,
        events: run,
        expectedVersion: ExpectedVersion.exactly(firstVersion - 1),
      })
      run = []
    }
    for (const row of rows) {
      // With its id: the adapter need not derive it again.
      const event = { ...(JSON.parse(row.event) as Given), eventId: row.id as EventId }
      if (run.length > 0 && run[0]!.customerId !== event.customerId) close()
      if (run.length === 0) firstVersion = versions[row.seq]!
      run.push(event)
    }
    if (run.length > 0) close()
    const results = await log.appendMany(batches)()
    if (results._tag === 'Left') {
      const error = results.left
      throw new ImportFailed(
        error._tag === 'VersionConflict'
          ? `another writer appended to customer ${JSON.stringify(error.streamId)} during the import; nothing of this batch was stored, and running the import again completes it`
          : error._tag === 'StorageFailed'
            ? `${EventLog.formatError(error)}; the batch under way was not stored (each batch is one transaction), and running the same import again completes it`
            : EventLog.formatError(error),
        error,
      )
    }
    for (const r of results.right) {
      appended += r.appended.length
      alreadyStored += r.alreadyStored.length
    }
    written += rows.length
    report({ phase: 'writing', done: written, total: toWrite })
  }
  return { read, appended, alreadyStored, repeated, rejected, rejectedCount, aborted: false }
}

/** The customer ids an invalid input may name: its `customerId`, `referredBy` and `referredCustomerId` strings. */
const idsIn = (input: unknown): string[] => {
  if (typeof input !== 'object' || input === null) return []
  const record = input as Record<string, unknown>
  return ['customerId', 'referredBy', 'referredCustomerId'].flatMap((k) =>
    typeof record[k] === 'string' ? [record[k]] : [],
  )
}

/**
 * Asks the log, in batches, which of the customers the input names were erased, and refuses the
 * inputs that name one: an event that occurred before that customer's erasure (`Erased`; a later
 * one is a new relationship), and an invalid input naming it. Their rejections keep the rule
 * only, never the input.
 */
const refuseErased = async (db: ReturnType<typeof Staging.open>, log: EventLog.EventLog): Promise<void> => {
  db.exec('CREATE TEMP TABLE named (id TEXT PRIMARY KEY) WITHOUT ROWID')
  db.exec(`INSERT OR IGNORE INTO named SELECT customer FROM staged`)
  db.exec(`INSERT OR IGNORE INTO named SELECT json_extract(event, '$.referredBy') FROM staged
             WHERE json_extract(event, '$.referredBy') IS NOT NULL`)
  db.exec(`INSERT OR IGNORE INTO named SELECT json_extract(event, '$.referredCustomerId') FROM staged
             WHERE json_extract(event, '$.referredCustomerId') IS NOT NULL`)
  const invalid = db.prepare('SELECT rowid AS r, input FROM rejects').all() as { r: number; input: Buffer }[]
  const namedByInvalid = invalid.map((row) => ({ r: row.r, ids: idsIn(Staging.unpack(row.input)) }))
  const addNamed = db.prepare('INSERT OR IGNORE INTO named (id) VALUES (?)')
  for (const row of namedByInvalid) for (const id of row.ids) addNamed.run(id)

  const erasedAt = new Map<string, number>()
  const page = db.prepare('SELECT id FROM named WHERE id > ? ORDER BY id LIMIT 1000')
  for (let after = ''; ;) {
    const ids = (page.all(after) as { id: string }[]).map((r) => r.id)
    if (ids.length === 0) break
    after = ids[ids.length - 1]!
    for (const [id, at] of await orThrow(log.erasedAt(ids as CustomerId[]))) erasedAt.set(id, at)
  }
  db.exec('DROP TABLE named')
  if (erasedAt.size === 0) return

  db.exec('CREATE TEMP TABLE erased (id TEXT PRIMARY KEY) WITHOUT ROWID')
  const addErased = db.prepare('INSERT INTO erased (id) VALUES (?)')
  for (const id of erasedAt.keys()) addErased.run(id)
  const candidates = db
    .prepare(
      `SELECT seq, line, event FROM staged WHERE verdict = 0 AND (customer IN (SELECT id FROM erased)
         OR json_extract(event, '$.referredBy') IN (SELECT id FROM erased)
         OR json_extract(event, '$.referredCustomerId') IN (SELECT id FROM erased))`,
    )
    .all() as { seq: number; line: number; event: string }[]
  const refuse = db.prepare(`UPDATE staged SET verdict = ${REJECTED} WHERE seq = ?`)
  const reject = db.prepare('INSERT INTO rejects (line, seq, reason, input) VALUES (?, ?, ?, NULL)')
  const forget = db.prepare('UPDATE rejects SET reason = ?, input = NULL WHERE rowid = ?')
  db.transaction(() => {
    for (const row of candidates) {
      const event = JSON.parse(row.event) as Given
      if (Erasure.firstErased([{ events: [event] }], erasedAt) === null) continue
      refuse.run(row.seq)
      reject.run(row.line, row.seq, Erasure.REFUSAL)
    }
    for (const row of namedByInvalid) if (row.ids.some((id) => erasedAt.has(id))) forget.run(Erasure.REFUSAL, row.r)
  })()
  db.exec('DROP TABLE erased')
}

/**
 * Copies into the staging area what the log holds for the input: with one ordered scan of the
 * log when the input names many of its customers, or else with batched reads of the input's
 * customers' streams and of the events stored under the ids the input names.
 */
const loadStored = async (db: ReturnType<typeof Staging.open>, log: EventLog.EventLog): Promise<void> => {
  // The scan keeps only where each stored event is: the events themselves are read later, in
  // batches, for the customers and ids the rules need (see fillStored). Indexed once all are in: SQLite builds an index from sorted keys far faster than it
  // inserts keys in random order.
  const insert = db.prepare('INSERT INTO stored (id, customer, version, event) VALUES (?, ?, ?, ?)')
  const inInput = db.prepare('SELECT 1 AS one FROM staged WHERE customer = ? LIMIT 1')
  const keep = db.transaction(
    (events: readonly RecordedEvent.RecordedEvent[], skipInputCustomers: boolean, whole: boolean) => {
      for (const e of events) {
        if (skipInputCustomers && inInput.get(e.customerId) !== undefined) continue
        insert.run(e.eventId, e.customerId, e.streamVersion, whole ? JSON.stringify(e) : null)
      }
    },
  )
  const head = await orThrow(log.headPosition())
  const customers = (db.prepare('SELECT count(DISTINCT customer) AS n FROM staged').get() as { n: number }).n
  if (head <= 50 * customers) {
    for (let after = 0; after < head;) {
      const page = await orThrow(log.readPage(after, 10_000))
      keep(page.events, false, false)
      if (page.events.length === 0) break
      after = page.lastPosition
    }
  } else {
    const customerPage = db.prepare(
      `SELECT DISTINCT customer FROM staged WHERE customer > ? ORDER BY customer LIMIT 500`,
    )
    for (let after = ''; ;) {
      const ids = (customerPage.all(after) as { customer: string }[]).map((r) => r.customer)
      if (ids.length === 0) break
      after = ids[ids.length - 1]!
      for (const id of ids)
        keep(await orThrow(log.readStream(id as RecordedEvent.RecordedEvent['customerId'])), false, true)
    }
    const idPage = db.prepare(`SELECT DISTINCT id FROM staged WHERE id > ? ORDER BY id LIMIT 500`)
    for (let after = ''; ;) {
      const ids = (idPage.all(after) as { id: string }[]).map((r) => r.id as EventId)
      if (ids.length === 0) break
      after = ids[ids.length - 1]!
      // The input's customers' events are in already: only those of other customers are added.
      keep(await orThrow(log.readByIds(ids)), true, true)
    }
  }
  db.exec('CREATE INDEX stored_by_customer ON stored (customer, version)')
  db.exec('CREATE INDEX stored_by_id ON stored (id)')
}

/**
 * Reads, in batches of ids, the stored events the rules need and the scan did not keep: those of
 * the customers with inputs still to check, and those under the ids such inputs name.
 */
const fillStored = async (db: ReturnType<typeof Staging.open>, log: EventLog.EventLog): Promise<void> => {
  db.exec(`CREATE TABLE needed AS SELECT id FROM stored WHERE event IS NULL AND (
      customer IN (SELECT customer FROM staged WHERE verdict = 0) OR id IN (SELECT id FROM staged WHERE verdict = 0))`)
  const page = db.prepare('SELECT rowid AS r, id FROM needed WHERE rowid > ? ORDER BY rowid LIMIT 500')
  const fill = db.prepare('UPDATE stored SET event = ? WHERE id = ?')
  const keep = db.transaction((events: readonly RecordedEvent.RecordedEvent[]) => {
    for (const e of events) fill.run(JSON.stringify(e), e.eventId)
  })
  for (let after = 0; ;) {
    const rows = page.all(after) as { r: number; id: EventId }[]
    if (rows.length === 0) break
    after = rows[rows.length - 1]!.r
    keep(await orThrow(log.readByIds(rows.map((row) => row.id))))
  }
}
