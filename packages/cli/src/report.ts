/**
 * `lifeline report`: folds events into the METRICS.md report and prints it.
 */
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import { EventLog } from '@lifeline/core'
import { Fold, LedgerCheckpoint, LedgerErasure, ProjectionRunner, Report, type Ledger } from '@lifeline/projections'
import { readHistory } from './EventFile.js'
import { openLog, type OpenLog } from './Database.js'
import { EXIT, UsageError, type Io } from './Io.js'
import { reportOptions } from './Options.js'
import { render } from './ReportText.js'
import * as HtmlPage from './HtmlPage.js'

/** The command's help text. */
export const help = `Usage: lifeline report (--db PATH | --events FILE) [options]

Prints the lifecycle report of METRICS.md: from the SQLite log at PATH (resuming from the
checkpoint stored there, so only new events are folded), or from an events file (JSON Lines or
CSV, any order), which goes through the lifecycle rules first.

Options:
  --db PATH|URL                  the SQLite file or PostgreSQL URL (see lifeline import)
  --events FILE                  an events file (JSON Lines, or CSV when it ends in .csv)
  --from ISO                     start of the period, inclusive (default: the earliest event)
  --to ISO                       end of the period, exclusive (default: just after the latest event)
  --inactivity-days D            implicit churn after D days without a purchase (default: off)
  --conversion-window-days W     count a lead as converted only within W days (default: no limit)
  --json                         print exactly one JSON document (the METRICS.md shape)
  --html FILE                    also write the report as one self-contained HTML page with
                                 charts to FILE (- for stdout, instead of the text or JSON)
  -h, --help                     this help

Bad events are reported on stderr, one line each with the line number, field and reason; the
report of the valid events is still printed, and the exit status is 1.
`

/** Runs `lifeline report` with its arguments (after the command name). */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string' },
      db: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'inactivity-days': { type: 'string' },
      'conversion-window-days': { type: 'string' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) {
    io.stdout(help)
    return EXIT.ok
  }
  if ((values.events === undefined) === (values.db === undefined)) {
    throw new UsageError('report needs either --db PATH or --events FILE (see lifeline report --help)')
  }
  const options = reportOptions(values)
  HtmlPage.checkTargets(values.html, values.json)
  const print = async (report: Report.Report): Promise<void> => {
    if (values.html !== undefined) await HtmlPage.write(values.html, report, io)
    if (values.html !== '-') io.stdout(values.json ? `${JSON.stringify(report)}\n` : render(report))
  }
  if (values.db !== undefined) {
    await print(await fromDatabase(values.db, options))
    return EXIT.ok
  }
  const history = await readHistory(values.events!, io.stderr)
  if (history.repeated > 0) {
    io.stderr(`${history.repeated} repeated event(s) ignored (same event id as an earlier line)\n`)
  }
  await print(Fold.run(Report.fold(options), history.events))
  if (history.rejected > 0) {
    io.stderr(`${history.rejected} event(s) rejected; the report covers the ${history.events.length} valid event(s)\n`)
    return EXIT.rejected
  }
  return EXIT.ok
}

/**
 * Rewrites the report's stored checkpoints (v8 snapshots and deltas) when the log forgets a
 * customer, so that the next report resumes from them.
 */
export const rewriteCheckpoint = LedgerErasure.checkpointRewriter({
  decode: (bytes) => v8.deserialize(bytes) as unknown,
  encode: (value) => v8.serialize(value),
})

/** The name of the stored checkpoint of a report with these options. */
export const checkpointName = (options: Ledger.Options): string =>
  `report ${JSON.stringify({ from: options.from ?? null, to: options.to ?? null, inactivityDays: options.inactivityDays ?? null, conversionWindowDays: options.conversionWindowDays ?? null })}`

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
 * from the start too: a checkpoint only saves time, never changes a figure.
 */
const resume = async (log: OpenLog, name: string, options: Ledger.Options): Promise<Resume> => {
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
const store = async (log: OpenLog, name: string, at: Resume, position: number): Promise<void> => {
  const changed = LedgerCheckpoint.changedRows(at.state)
  const saved =
    at.base === null || changed * 8 > at.state.customers.size
      ? await log.saveCheckpoint(name, { position, state: v8.serialize(LedgerCheckpoint.snapshot(at.state)) })()
      : await log.saveCheckpoint(`${name} delta`, {
          position,
          state: v8.serialize({
            basePosition: at.base.position,
            delta: LedgerCheckpoint.delta(at.state, at.base.size),
          } satisfies StoredDelta),
        })()
  if (saved._tag === 'Left') throw new EventLog.EventLogFailure(saved.left)
}

/**
 * The report from the SQLite log: resumes from the checkpoint stored for these options, folds
 * the events appended since, and stores where it got to.
 */
export const fromDatabase = async (path: string, options: Ledger.Options): Promise<Report.Report> => {
  const log = await openLog(path)
  try {
    const name = checkpointName(options)
    const start = await resume(log, name, options)
    const runner = ProjectionRunner.make(log, Report.fold(options), start, 5_000)
    const caught = await runner.catchUp()
    if (caught._tag === 'Left') throw new EventLog.EventLogFailure(caught.left)
    // Structured clone (v8) copies the typed arrays of the columns as blocks of memory.
    if (runner.position() !== start.position) await store(log, name, start, runner.position())
    return runner.result()
  } finally {
    await log.close()
  }
}
