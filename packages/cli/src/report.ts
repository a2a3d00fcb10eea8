/**
 * `lifeline report`: folds events into the METRICS.md report and prints it.
 */
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import { EventLog } from '@lifeline/core'
import { Fold, LedgerColumns, ProjectionRunner, Report, type Ledger } from '@lifeline/projections'
import { readHistory } from './EventFile.js'
import { openLog } from './Database.js'
import { EXIT, UsageError, type Io } from './Io.js'
import { reportOptions } from './Options.js'
import { render } from './ReportText.js'

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
  if (values.db !== undefined) {
    const report = await fromDatabase(values.db, options)
    io.stdout(values.json ? `${JSON.stringify(report)}\n` : render(report))
    return EXIT.ok
  }
  const history = await readHistory(values.events!, io.stderr)
  if (history.repeated > 0) {
    io.stderr(`${history.repeated} repeated event(s) ignored (same event id as an earlier line)\n`)
  }
  const report = Fold.run(Report.fold(options), history.events)
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : render(report))
  if (history.rejected > 0) {
    io.stderr(`${history.rejected} event(s) rejected; the report covers the ${history.events.length} valid event(s)\n`)
    return EXIT.rejected
  }
  return EXIT.ok
}

/**
 * A stored checkpoint's state, or `undefined` (fold from the start) when it cannot be read, for
 * example one written by another Node version: a checkpoint only saves time, never changes a figure.
 */
const readCheckpoint = (stored: {
  position: number
  state: string | Uint8Array
}): ProjectionRunner.Start<Ledger.State> | undefined => {
  try {
    const state =
      typeof stored.state === 'string'
        ? Fold.deserialize<Ledger.State>(stored.state)
        : LedgerColumns.fromColumns(v8.deserialize(stored.state) as LedgerColumns.Columns)
    return { position: stored.position, state }
  } catch {
    return undefined
  }
}

/** The name of the stored checkpoint of a report with these options. */
export const checkpointName = (options: Ledger.Options): string =>
  `report ${JSON.stringify({ from: options.from ?? null, to: options.to ?? null, inactivityDays: options.inactivityDays ?? null, conversionWindowDays: options.conversionWindowDays ?? null })}`

/**
 * The report from the SQLite log: resumes from the checkpoint stored for these options, folds
 * the events appended since, and stores the new checkpoint.
 */
export const fromDatabase = async (path: string, options: Ledger.Options): Promise<Report.Report> => {
  const log = await openLog(path)
  try {
    const name = checkpointName(options)
    const stored = await log.loadCheckpoint(name)()
    if (stored._tag === 'Left') throw new EventLog.EventLogFailure(stored.left)
    const fold = Report.fold(options)
    const start = stored.right === null ? undefined : readCheckpoint(stored.right)
    const runner = ProjectionRunner.make(log, fold, start, 5_000)
    const caught = await runner.catchUp()
    if (caught._tag === 'Left') throw new EventLog.EventLogFailure(caught.left)
    if (runner.position() !== (start?.position ?? 0)) {
      // Columns in v8's structured-clone format: typed arrays are copied as blocks of memory,
      // several times faster than JSON for a large customer base.
      const saved = await log.saveCheckpoint(name, {
        position: runner.position(),
        state: v8.serialize(LedgerColumns.toColumns(runner.state())),
      })()
      if (saved._tag === 'Left') throw new EventLog.EventLogFailure(saved.left)
    }
    return runner.result()
  } finally {
    await log.close()
  }
}
