/**
 * The report of a log, incrementally: it resumes from the checkpoint stored in the log for the
 * report's options (a snapshot, plus a delta of the customers changed since), folds only the
 * events appended since, and stores where it got to. Stale or damaged checkpoints are ignored:
 * a checkpoint only saves time, never changes a figure.
 */
import v8 from 'node:v8'
import { EventLog, type Erasure } from '@lifeline/core'
import { Ledger, LedgerCheckpoint, LedgerErasure, ProjectionRunner, Report } from '@lifeline/projections'
import type * as TE from 'fp-ts/lib/TaskEither.js'

/** What the report needs of a log: reading it, and storing checkpoints in it. */
export type CheckpointedLog = EventLog.EventLog & EventLog.CheckpointStore

/**
 * Rewrites the report's stored checkpoints (v8 snapshots and deltas) when the log forgets
 * customers (`log.forget(id, { rewriteCheckpoint })`), so that the next report resumes from them.
 */
export const rewriteCheckpoint: Erasure.CheckpointRewriter = LedgerErasure.checkpointRewriter({
  decode: (bytes) => v8.deserialize(bytes) as unknown,
  encode: (value) => v8.serialize(value),
})

/** The name of the stored checkpoint of a report with these options. */
export const checkpointName = (options: Ledger.Options): string =>
  `report ${JSON.stringify({
    from: options.from ?? null,
    to: options.to ?? null,
    inactivityDays: options.inactivityDays ?? null,
    conversionWindowDays: options.conversionWindowDays ?? null,
    // The tier and scoring options change what is folded (the ring's width, salesReadyAt).
    ...Ledger.tierSettings(options),
    scoring: Ledger.scoringSettings(options),
  })}`

/** A stored delta: the changes since the snapshot stored at `basePosition`. */
interface StoredDelta {
  readonly basePosition: number
  readonly delta: LedgerCheckpoint.Delta
}

/** Where a report resumes: the state, its position, and the snapshot its deltas build on. */
interface Resume extends ProjectionRunner.Start<Ledger.State> {
  readonly base: { readonly position: number; readonly size: number } | null
}

/** A stored checkpoint's bytes in v8's format, or null when it cannot be read. */
const decode = <A>(state: Uint8Array): A | null => {
  try {
    return v8.deserialize(state) as A
  } catch {
    return null
  }
}

/**
 * The stored snapshot with the stored delta applied when it builds on that snapshot. A
 * checkpoint written by another version of the ledger's format (`LedgerCheckpoint.VERSION`: an
 * older Lifeline kept fewer facts) is recognised by its version and means a fold from the start,
 * once: the new snapshot then replaces it. A delta that cannot be read, is of another version,
 * or belongs to an older snapshot, is left out (the events since the snapshot are folded again);
 * a snapshot that cannot be read (written by another version of Node, or damaged) means a fold
 * from the start too.
 */
const resume = async (log: CheckpointedLog, name: string, options: Ledger.Options): Promise<Resume> => {
  const fresh: Resume = { position: 0, state: Report.fold(options).initial(), base: null }
  const stored = await log.loadCheckpoint(name)()
  if (stored._tag === 'Left') throw new EventLog.EventLogFailure(stored.left)
  const snapshot = stored.right === null ? null : decode<unknown>(stored.right.state)
  if (stored.right === null || !LedgerCheckpoint.isCurrent<LedgerCheckpoint.Snapshot>(snapshot)) return fresh
  if (!Array.isArray(snapshot.ids)) return fresh
  const base = { position: stored.right.position, size: snapshot.ids.length }
  const storedDelta = await log.loadCheckpoint(`${name} delta`)()
  if (storedDelta._tag === 'Left') throw new EventLog.EventLogFailure(storedDelta.left)
  const change = storedDelta.right === null ? null : decode<StoredDelta>(storedDelta.right.state)
  const applies =
    change !== null &&
    change.basePosition === base.position &&
    LedgerCheckpoint.isCurrent<LedgerCheckpoint.Delta>(change.delta) &&
    change.delta.baseSize === base.size
  try {
    if (applies) {
      return { position: storedDelta.right!.position, state: LedgerCheckpoint.restore(snapshot, change.delta), base }
    }
    return { position: base.position, state: LedgerCheckpoint.restore(snapshot), base }
  } catch {
    return fresh
  }
}

/**
 * Stores where the report is: a delta of the customers changed since the stored snapshot, or a
 * new snapshot when there is none or the delta has grown past an eighth of the customers (then
 * writing everything costs about what the delta would, and later resumes apply less).
 */
const store = async (
  log: CheckpointedLog,
  name: string,
  at: Resume,
  position: number,
  erasureGeneration: number | undefined,
): Promise<void> => {
  const generation = erasureGeneration === undefined ? {} : { erasureGeneration }
  const changed = LedgerCheckpoint.changedRows(at.state)
  // Structured clone (v8) copies the typed arrays of the columns as blocks of memory.
  const saved =
    at.base === null || changed * 8 > at.state.customers.size
      ? await log.saveCheckpoint(name, {
          position,
          state: v8.serialize(LedgerCheckpoint.snapshot(at.state)),
          ...generation,
        })()
      : await log.saveCheckpoint(`${name} delta`, {
          position,
          ...generation,
          state: v8.serialize({
            basePosition: at.base.position,
            delta: LedgerCheckpoint.delta(at.state, at.base.size),
          } satisfies StoredDelta),
        })()
  if (saved._tag === 'Left') throw new EventLog.EventLogFailure(saved.left)
}

/**
 * The report's ledger state of the log for these options: resumes from the checkpoint stored
 * for them, folds the events appended since, and stores where it got to. The report
 * (`Report.fromLedger`) and the customer list (`CustomerList.list`) read it. Fails only with the
 * log's own errors.
 */
export const ledger =
  (log: CheckpointedLog, options: Ledger.Options = {}): TE.TaskEither<EventLog.EventLogError, Ledger.State> =>
  async () => {
    try {
      const name = checkpointName(options)
      // An erasure that commits while the report folds would split a customer between its id
      // (pages read before) and its pseudonym (pages read after): the report then folds again
      // from the rewritten checkpoint, and a state folded across an erasure is never stored.
      for (let attempt = 1; ; attempt++) {
        const before = await generation(log)
        const start = await resume(log, name, options)
        const runner = ProjectionRunner.make(log, Report.fold(options), start, 5_000)
        const caught = await runner.catchUp()
        if (caught._tag === 'Left') return caught
        if ((await generation(log)) !== before && attempt < 5) continue
        if (runner.position() !== start.position) await store(log, name, start, runner.position(), before)
        return { _tag: 'Right', right: runner.state() }
      }
    } catch (error) {
      if (error instanceof EventLog.EventLogFailure) return { _tag: 'Left', left: error.error }
      throw error
    }
  }

/** The log's erasure generation, when it keeps one. */
const generation = async (log: CheckpointedLog): Promise<number | undefined> => {
  if (log.erasureGeneration === undefined) return undefined
  const read = await log.erasureGeneration()()
  if (read._tag === 'Left') throw new EventLog.EventLogFailure(read.left)
  return read.right
}

/**
 * The METRICS.md report of the log for these options, from its checkpointed ledger (`ledger`):
 * what `lifeline report --db` does. Fails only with the log's own errors.
 */
export const report =
  (log: CheckpointedLog, options: Ledger.Options = {}): TE.TaskEither<EventLog.EventLogError, Report.Report> =>
  async () => {
    const state = await ledger(log, options)()
    return state._tag === 'Left' ? state : { _tag: 'Right', right: Report.fromLedger(state.right) }
  }
