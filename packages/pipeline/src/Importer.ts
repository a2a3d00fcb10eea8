/**
 * Imports a history into an EventLog: each event through the codec, then the lifecycle rules
 * (each customer in time order, against what the log already holds for it), then the log, in
 * batches of one transaction each. Importing the same input again appends nothing and rejects
 * nothing new; an import killed midway is completed exactly by running it again.
 *
 * Memory stays bounded whatever the input's size and order: the inputs are staged on disk (see
 * `Staging`) as they are read; SQLite orders them by customer and time; then one pass runs the
 * rules customer by customer and appends the accepted events in that order (each customer's
 * events in time order, customers one after the other: nothing asks for one time order across
 * customers, and the log's stream index then grows at its end). With `strict`, a first pass runs
 * the rules alone, so that nothing is written when any input is rejected. What the log already
 * holds is asked in bulk: which of the input's ids it holds (`heldIds`, a page of ids at a time
 * as they are read), then the stored streams of the customers still to check (one ordered scan,
 * or, for few of the log's customers, a read of each one's stream).
 */
import {
  Customer,
  Decider,
  Erasure,
  EventLog,
  ExpectedVersion,
  Ids,
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
  /** Events per transaction (one `appendMany`); default 50,000. */
  readonly batchSize?: number
  /**
   * Called as the import goes, in every phase: every 10,000 inputs read; after each ordering
   * step; `checking` (what the log holds, and with `strict` the rules) when it starts, then
   * every 5,000 inputs checked with `strict`, or once done; `writing` (the rules and the
   * appends, customer by customer) every 5,000 inputs through the rules, the accepted ones among
   * them appended in full batches (the last batch at the end).
   */
  readonly onProgress?: (progress: Progress) => void
  /**
   * Called with every rejection, in line order, once all are known: with `strict`, before
   * anything is written (nothing is, then); otherwise after the writes, since the rules run as
   * each customer's events are written (an import that fails midway reports none: running it
   * again reports them all). When given, `Result.rejected` stays empty (the rejections are not
   * kept in memory) and `Result.rejectedCount` counts them.
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
/** Events per transaction by default: fewer, larger commits write each page of the log's id index fewer times. */
const BATCH = 50_000
const { pending: PENDING, stored: STORED, rejected: REJECTED, held: HELD } = Staging.VERDICT

type Given = LifecycleEvent.LifecycleEvent
type Db = ReturnType<typeof Staging.open>
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
  db: Db,
  log: EventLog.EventLog,
  lines: AsyncIterable<Line> | Iterable<Line>,
  options: Options,
): Promise<Result> => {
  const report = options.onProgress ?? (() => undefined)
  const holdsAny = (await orThrow(log.headPosition())) > 0
  const reject = db.prepare('INSERT INTO rejects (line, seq, reason, input) VALUES (?, ?, ?, ?)')

  // 1. Reading: every input into the staging area, in transactions of PAGE rows. When the log
  // holds events, it is asked which of each page's ids it holds: an input whose id is derived
  // from its content (none given) and held is that very event, stored already; a given id that
  // is held is compared with the stored event once all are read.
  const stage = db.prepare(
    'INSERT INTO staged (seq, line, customer, at, id, event, verdict) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  let read = 0
  let alreadyStored = 0
  let anyGiven = false
  const noneHeld: ReadonlySet<EventId> = new Set()
  const insert = db.transaction((rows: Line[], ids: (EventId | null)[], held: ReadonlySet<EventId>, first: number) => {
    rows.forEach((line, i) => {
      const seq = first + i
      if (line._tag === 'Invalid') {
        reject.run(line.line, seq, line.message, Staging.pack(line.input))
        return
      }
      const e = line.event
      const id = ids[i]!
      const given = e.eventId !== undefined
      if (given) anyGiven = true
      const verdict = !held.has(id) ? PENDING : given ? HELD : STORED
      // An input already stored is never read again: its content is not kept.
      if (verdict === STORED) alreadyStored++
      stage.run(seq, line.line, e.customerId, e.occurredAt, id, verdict === STORED ? '' : JSON.stringify(e), verdict)
    })
  })
  const flush = async (rows: Line[], first: number): Promise<void> => {
    const ids = rows.map((line) => (line._tag === 'Event' ? LifecycleEvent.idOf(line.event) : null))
    const held = holdsAny ? await orThrow(log.heldIds(ids.filter((id) => id !== null))) : noneHeld
    insert(rows, ids, held, first)
  }
  let pendingRows: Line[] = []
  report({ phase: 'reading', done: 0, total: undefined })
  for await (const line of lines) {
    pendingRows.push(line)
    read++
    if (pendingRows.length === PAGE) {
      await flush(pendingRows, read - pendingRows.length + 1)
      pendingRows = []
    }
    if (read % 10_000 === 0) report({ phase: 'reading', done: read, total: undefined })
  }
  await flush(pendingRows, read - pendingRows.length + 1)
  pendingRows = []
  report({ phase: 'reading', done: read, total: read })

  // 2. Ordering: SQLite sorts the inputs still to check by customer and time. When some input
  // gives its own id, also by id: events repeated in the input (same id) point at the first of
  // them in time order (ties in input order). Without given ids this is not needed: a derived id
  // is a hash of the content, customer and instant included, so an input repeating another is
  // next to it in customer and time order (see `pass`).
  const ordering = [
    ...(anyGiven
      ? [
          'CREATE INDEX by_id ON staged (id, at, seq)',
          `UPDATE staged SET dup_of = (SELECT f.seq FROM staged f WHERE f.id = staged.id ORDER BY f.at, f.seq LIMIT 1)
             WHERE id IN (SELECT id FROM staged GROUP BY id HAVING count(*) > 1);
           UPDATE staged SET dup_of = NULL WHERE dup_of = seq`,
        ]
      : []),
    // Covering: the pass reads the inputs in this order from the index alone, sequentially.
    'CREATE INDEX by_customer ON staged (customer, at, seq, line, id, dup_of, event) WHERE verdict = 0',
  ]
  report({ phase: 'ordering', done: 0, total: ordering.length })
  ordering.forEach((sql, i) => {
    db.exec(sql)
    report({ phase: 'ordering', done: i + 1, total: ordering.length })
  })

  // 3. Checking: the inputs against what the log holds (given ids it holds, erased customers,
  // the stored streams of the customers still to check); with `strict`, the rules too, over
  // every input, before anything is written.
  report({ phase: 'checking', done: 0, total: undefined })
  if (holdsAny) {
    alreadyStored += await compareHeld(db, log)
    await refuseErased(db, log)
    await loadStored(db, log)
  }
  const pending = (db.prepare('SELECT count(*) AS n FROM staged WHERE verdict = 0').get() as { n: number }).n
  const rejectedSoFar = (): number => (db.prepare('SELECT count(*) AS n FROM rejects').get() as { n: number }).n
  const batchSize = options.batchSize ?? BATCH
  if (options.strict === true) {
    report({ phase: 'checking', done: 0, total: pending })
    const checked = await pass(db, log, { write: null, holdsAny, anyGiven, batchSize }, (done) =>
      report({ phase: 'checking', done, total: pending }),
    )
    if (rejectedSoFar() > 0) {
      const { rejected, rejectedCount } = await rejections(db, options)
      return { read, appended: 0, alreadyStored, repeated: checked.repeated, rejected, rejectedCount, aborted: true }
    }
  } else report({ phase: 'checking', done: pending, total: pending })

  // 4. Writing: customer by customer, in time order, the rules against the customer's stored
  // stream, and the accepted events appended in batches of `batchSize` (each one transaction),
  // each stream at the exact version the rules found.
  report({ phase: 'writing', done: 0, total: pending })
  const written = await pass(db, log, { write: true, holdsAny, anyGiven, batchSize }, (done) =>
    report({ phase: 'writing', done, total: pending }),
  )

  // 5. The rejections, in line order, once all are known.
  const { rejected, rejectedCount } = await rejections(db, options)
  return {
    read,
    appended: written.appended,
    alreadyStored: alreadyStored + written.alreadyStored,
    repeated: written.repeated,
    rejected,
    rejectedCount,
    aborted: false,
  }
}

/** The rejections, from the staging area in line order: to `onRejected`, or kept. */
const rejections = async (
  db: Db,
  options: Options,
): Promise<{ readonly rejected: Rejection[]; readonly rejectedCount: number }> => {
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
  return { rejected, rejectedCount }
}

/** How a pass goes: writing the accepted events or only checking, and what the inputs are like. */
interface PassOptions {
  /** True: the accepted events are appended; null: the rules only (strict's first pass). */
  readonly write: true | null
  readonly holdsAny: boolean
  readonly anyGiven: boolean
  readonly batchSize: number
}

/**
 * Runs the inputs still to check through the lifecycle rules, customer by customer in time
 * order, each against its stored stream, one page of the staging area at a time, recording the
 * rejections; with `write`, appends the accepted events in batches of exactly `batchSize` (the
 * last one smaller), each in one `appendMany` of one stream batch per run of a customer's events.
 */
const pass = async (
  db: Db,
  log: EventLog.EventLog,
  how: PassOptions,
  progress: (done: number) => void,
): Promise<{ readonly appended: number; readonly alreadyStored: number; readonly repeated: number }> => {
  const page = db.prepare(
    `SELECT seq, line, customer, at, id, event, dup_of FROM staged
       WHERE (customer, at, seq) > (?, ?, ?) AND verdict = 0 ORDER BY customer, at, seq LIMIT ${PAGE}`,
  )
  const storedStream = db.prepare('SELECT event FROM stored WHERE customer = ? ORDER BY version')
  const stagedBySeq = db.prepare('SELECT line, event FROM staged WHERE seq = ?')
  const reject = db.prepare('INSERT INTO rejects (line, seq, reason, input) VALUES (?, ?, ?, ?)')
  const refuse = (row: StagedRow, error: LifecycleError.LifecycleError | EventLog.IdReused, given: Given): void => {
    reject.run(row.line, row.seq, LifecycleError.format(error), Staging.pack(LifecycleEvent.encode(given)))
  }

  let customer: string | null = null
  let state = Customer.initial
  // The instant of the latest input, and the (derived) ids seen at it for this customer.
  let at = Number.NaN
  const seenAt = new Set<string>()
  let repeated = 0
  let appended = 0
  let alreadyStored = 0

  // The accepted events: the current run of one customer's, the batch being filled, and the
  // full batches to append once the page is through.
  let run: LifecycleEvent.LifecycleEvent[] = []
  let runFrom = 0
  let batch: EventLog.StreamBatch[] = []
  let inBatch = 0
  let full: EventLog.StreamBatch[][] = []
  const closeRun = (): void => {
    if (run.length === 0) return
    batch.push({ streamId: run[0]!.customerId, events: run, expectedVersion: ExpectedVersion.exactly(runFrom) })
    run = []
  }
  const accept = (event: LifecycleEvent.LifecycleEvent, version: number): void => {
    if (run.length === 0) runFrom = version
    run.push(event)
    if (++inBatch === how.batchSize) {
      closeRun()
      full.push(batch)
      batch = []
      inBatch = 0
    }
  }
  const append = async (batches: readonly EventLog.StreamBatch[]): Promise<void> => {
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
  }

  const check = db.transaction((rows: readonly StagedRow[]) => {
    for (const row of rows) {
      if (row.customer !== customer) {
        closeRun()
        customer = row.customer
        state = how.holdsAny
          ? Customer.fromEvents(
              Staging.iterateAll<{ event: string }>(storedStream, customer).map(
                (r) => JSON.parse(r.event) as RecordedEvent.RecordedEvent,
              ),
            )
          : Customer.initial
        at = Number.NaN
      }
      if (row.at !== at) {
        at = row.at
        seenAt.clear()
      }
      const given = JSON.parse(row.event) as Given
      if (row.dup_of !== null) {
        // The id is on an earlier input (given ids): the same event, or another one (IdReused).
        const earlier = stagedBySeq.get(row.dup_of) as { line: number; event: string }
        const event = { ...given, eventId: row.id as EventId }
        const content = LifecycleEvent.canonicalContent(event)
        // An earlier input found stored keeps no content (the log changed while the file was
        // read): its id was derived from its content, so the same id derived here is the same event.
        const same =
          earlier.event === ''
            ? Ids.deriveEventId(content) === row.id
            : LifecycleEvent.canonicalContent(JSON.parse(earlier.event) as Given) === content
        if (same) repeated++
        else refuse(row, EventLog.idReused(event, { _tag: 'Input', source: earlier.line }), given)
        continue
      }
      if (!how.anyGiven) {
        // Every id is derived from its content: one seen already is the same event, repeated.
        if (seenAt.has(row.id)) {
          repeated++
          continue
        }
        seenAt.add(row.id)
      }
      const error = Decider.check(given, state)
      if (error !== null) {
        refuse(row, error, given)
        continue
      }
      state = Customer.evolve(state, given)
      // With its id: the log need not derive it again.
      if (how.write === true) accept(Object.assign(given, { eventId: row.id as EventId }), state.version - 1)
    }
  })

  let done = 0
  for (let after: [string, number, number] = ['', -Infinity, -1]; ;) {
    const rows = page.all(...after) as StagedRow[]
    if (rows.length === 0) break
    const last = rows[rows.length - 1]!
    after = [last.customer, last.at, last.seq]
    check(rows)
    const ready = full
    full = []
    for (const batches of ready) await append(batches)
    done += rows.length
    progress(done)
  }
  closeRun()
  if (batch.length > 0) await append(batch)
  return { appended, alreadyStored, repeated }
}

/**
 * Compares each input whose given id the log holds with the event stored under it, asking the
 * log for those events in batches: the same event is stored already (its count is returned),
 * another one is `IdReused`.
 */
const compareHeld = async (db: Db, log: EventLog.EventLog): Promise<number> => {
  const page = db.prepare(
    `SELECT seq, line, id, event FROM staged WHERE seq > ? AND verdict = ${HELD} ORDER BY seq LIMIT 500`,
  )
  const settle = db.prepare('UPDATE staged SET verdict = ? WHERE seq = ?')
  const reject = db.prepare('INSERT INTO rejects (line, seq, reason, input) VALUES (?, ?, ?, ?)')
  let same = 0
  for (let after = 0; ;) {
    const rows = page.all(after) as { seq: number; line: number; id: EventId; event: string }[]
    if (rows.length === 0) break
    after = rows[rows.length - 1]!.seq
    const stored = new Map((await orThrow(log.readByIds(rows.map((r) => r.id)))).map((e) => [e.eventId, e]))
    db.transaction(() => {
      for (const row of rows) {
        const event = JSON.parse(row.event) as Given & { readonly eventId: EventId }
        const first = stored.get(row.id)
        if (first === undefined) {
          // Gone since it was asked (erased meanwhile, its id replaced): checked as any other.
          settle.run(PENDING, row.seq)
        } else if (LifecycleEvent.canonicalContent(first) === LifecycleEvent.canonicalContent(event)) {
          settle.run(STORED, row.seq)
          same++
        } else {
          const error = EventLog.idReused(event, EventLog.storedId(first).first)
          reject.run(row.line, row.seq, LifecycleError.format(error), Staging.pack(LifecycleEvent.encode(event)))
          settle.run(REJECTED, row.seq)
        }
      }
    })()
  }
  return same
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
const refuseErased = async (db: Db, log: EventLog.EventLog): Promise<void> => {
  db.exec('CREATE TEMP TABLE named (id TEXT PRIMARY KEY) WITHOUT ROWID')
  db.exec(`INSERT OR IGNORE INTO named SELECT customer FROM staged WHERE verdict = 0`)
  db.exec(`INSERT OR IGNORE INTO named SELECT json_extract(event, '$.referredBy') FROM staged
             WHERE verdict = 0 AND json_extract(event, '$.referredBy') IS NOT NULL`)
  db.exec(`INSERT OR IGNORE INTO named SELECT json_extract(event, '$.referredCustomerId') FROM staged
             WHERE verdict = 0 AND json_extract(event, '$.referredCustomerId') IS NOT NULL`)
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
 * Copies into the staging area the stored streams of the customers with inputs still to check:
 * with one ordered scan of the log when they are many for its size, or else with a read of each
 * one's stream.
 */
const loadStored = async (db: Db, log: EventLog.EventLog): Promise<void> => {
  const insert = db.prepare('INSERT INTO stored (customer, version, event) VALUES (?, ?, ?)')
  const pendingCustomer = db.prepare('SELECT 1 AS one FROM staged WHERE customer = ? AND verdict = 0 LIMIT 1')
  const keep = db.transaction((events: readonly RecordedEvent.RecordedEvent[], all: boolean) => {
    for (const e of events) {
      if (all || pendingCustomer.get(e.customerId) !== undefined)
        insert.run(e.customerId, e.streamVersion, JSON.stringify(e))
    }
  })
  const head = await orThrow(log.headPosition())
  const customers = (
    db.prepare('SELECT count(DISTINCT customer) AS n FROM staged WHERE verdict = 0').get() as { n: number }
  ).n
  if (customers === 0) return
  if (head <= 50 * customers) {
    for (let after = 0; after < head;) {
      const page = await orThrow(log.readPage(after, 10_000))
      keep(page.events, false)
      if (page.events.length === 0) break
      after = page.lastPosition
    }
  } else {
    const customerPage = db.prepare(
      `SELECT DISTINCT customer FROM staged WHERE customer > ? AND verdict = 0 ORDER BY customer LIMIT 500`,
    )
    for (let after = ''; ;) {
      const ids = (customerPage.all(after) as { customer: string }[]).map((r) => r.customer)
      if (ids.length === 0) break
      after = ids[ids.length - 1]!
      for (const id of ids) keep(await orThrow(log.readStream(id as CustomerId)), true)
    }
  }
  // Indexed once all are in: SQLite builds an index from sorted keys far faster than it inserts
  // keys in random order.
  db.exec('CREATE INDEX stored_by_customer ON stored (customer, version)')
}
