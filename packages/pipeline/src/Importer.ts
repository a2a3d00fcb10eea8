/**
 * Imports a history into an EventLog: each event through the codec, then the lifecycle rules
 * (each customer in time order, against what the log already holds for it), then the log, in
 * batches of one transaction each. Importing the same input again appends nothing and rejects
 * nothing; an import killed midway is completed exactly by running it again.
 */
import {
  Customer,
  Erasure,
  EventLog,
  ExpectedVersion,
  History,
  LifecycleError,
  LifecycleEvent,
  type CustomerId,
  type EventId,
  type RecordedEvent,
} from '@lifeline/core'
import { decodeAll, type Line } from './EventFile.js'

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
  /** Called as the import goes: while reading, then after each batch written. */
  readonly onProgress?: (progress: Progress) => void
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
  /** Rejected inputs, in line order. */
  readonly rejected: readonly Rejection[]
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

/** The customer ids an invalid input may name: its `customerId`, `referredBy` and `referredCustomerId` strings. */
const idsIn = (input: unknown): string[] => {
  if (typeof input !== 'object' || input === null) return []
  const record = input as Record<string, unknown>
  return ['customerId', 'referredBy', 'referredCustomerId'].flatMap((k) =>
    typeof record[k] === 'string' ? [record[k]] : [],
  )
}

/** Imports decoded lines (from `readEvents`, `jsonLinesOf`, `csvOf`, `decodeAll`) into the log. */
export const importLines = async (
  log: EventLog.EventLog,
  lines: AsyncIterable<Line> | Iterable<Line>,
  options: Options = {},
): Promise<Result> => {
  const rejected: Rejection[] = []
  const decoded: { source: number; event: LifecycleEvent.LifecycleEvent }[] = []
  let read = 0
  const report = options.onProgress ?? (() => undefined)
  const invalid: Extract<Line, { _tag: 'Invalid' }>[] = []
  for await (const line of lines) {
    read++
    if (read % 10_000 === 0) report({ phase: 'reading', done: read, total: undefined })
    if (line._tag === 'Invalid') invalid.push(line)
    else decoded.push({ source: line.line, event: line.event })
  }
  // Events naming a customer erased after they occurred are refused, and nothing of them is
  // kept: an invalid line naming an erased customer too (its instant cannot be trusted).
  if (decoded.length + invalid.length > 0 && (await orThrow(log.headPosition())) > 0) {
    const named = new Set<string>(Erasure.idsNamed([{ events: decoded.map((d) => d.event) }]))
    for (const line of invalid) for (const id of idsIn(line.input)) named.add(id)
    const erasedAt = await orThrow(log.erasedAt([...named] as CustomerId[]))
    if (erasedAt.size > 0) {
      const kept = decoded.filter((d) => Erasure.firstErased([{ events: [d.event] }], erasedAt) === null)
      for (const d of decoded) if (!kept.includes(d)) rejected.push({ line: d.source, reason: Erasure.REFUSAL })
      decoded.splice(0, decoded.length, ...kept)
      for (const line of invalid.splice(0)) {
        if (idsIn(line.input).some((id) => erasedAt.has(id as CustomerId)))
          rejected.push({ line: line.line, reason: Erasure.REFUSAL })
        else invalid.push(line)
      }
    }
  }
  for (const line of invalid) rejected.push({ line: line.line, reason: line.message, input: line.input })

  // What the log already holds for these customers: their states and their events by id; and
  // the stored events whose ids the input names (an id may be stored under another customer).
  const states = new Map<string, Customer.CustomerState>()
  const known = new Map<EventId, RecordedEvent.RecordedEvent>()
  if ((await orThrow(log.headPosition())) > 0) {
    for (const customerId of new Set(decoded.map((d) => d.event.customerId))) {
      const stored = await orThrow(log.readStream(customerId))
      if (stored.length === 0) continue
      states.set(customerId, Customer.fromEvents(stored))
      for (const event of stored) known.set(event.eventId, event)
    }
    const named = decoded.flatMap((d) =>
      d.event.eventId !== undefined && !known.has(d.event.eventId) ? [d.event.eventId] : [],
    )
    for (const event of await orThrow(log.readByIds(named))) known.set(event.eventId, event)
  }
  const admitted = History.admit(decoded, {
    states: (id) => states.get(id),
    stored: (id) => {
      const event = known.get(id)
      return event === undefined ? undefined : EventLog.storedId(event)
    },
  })
  for (const r of admitted.rejected) {
    rejected.push({ line: r.source, reason: LifecycleError.format(r.error), input: LifecycleEvent.encode(r.event) })
  }
  rejected.sort((a, b) => a.line - b.line)
  const alreadyStoredBefore = admitted.duplicates.filter((d) => known.has(d.event.eventId)).length
  const repeated = admitted.duplicates.length - alreadyStoredBefore
  if (options.strict === true && rejected.length > 0) {
    return { read, appended: 0, alreadyStored: alreadyStoredBefore, repeated, rejected, aborted: true }
  }

  // Append in time order, one transaction per batch, each stream at the exact version expected.
  const versions = new Map<string, number>()
  for (const [id, state] of states) versions.set(id, state.version)
  const batchSize = options.batchSize ?? 5_000
  const accepted = admitted.accepted
  let appended = 0
  let alreadyStored = alreadyStoredBefore
  for (let start = 0; start < accepted.length; start += batchSize) {
    // One stream batch per run of consecutive events of a customer: the log keeps time order.
    const batches: EventLog.StreamBatch[] = []
    let run: LifecycleEvent.LifecycleEvent[] = []
    const flush = (): void => {
      const streamId = run[0]!.customerId
      const version = versions.get(streamId) ?? 0
      batches.push({ streamId, events: run, expectedVersion: ExpectedVersion.exactly(version) })
      versions.set(streamId, version + run.length)
      run = []
    }
    for (const { event } of accepted.slice(start, start + batchSize)) {
      if (run.length > 0 && run[0]!.customerId !== event.customerId) flush()
      run.push(event)
    }
    if (run.length > 0) flush()
    const results = await log.appendMany(batches)()
    if (results._tag === 'Left') {
      const error = results.left
      throw new ImportFailed(
        error._tag === 'VersionConflict'
          ? `another writer appended to customer ${JSON.stringify(error.streamId)} during the import; nothing of this batch was stored, and running the import again completes it`
          : EventLog.formatError(error),
        error,
      )
    }
    for (const r of results.right) {
      appended += r.appended.length
      alreadyStored += r.alreadyStored.length
    }
    report({ phase: 'writing', done: Math.min(start + batchSize, accepted.length), total: accepted.length })
  }
  return { read, appended, alreadyStored, repeated, rejected, aborted: false }
}
