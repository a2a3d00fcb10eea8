/**
 * `lifeline report`: folds events into the METRICS.md report and prints it.
 */
import { parseArgs } from 'node:util'
import { EventLog } from '@lifeline/core'
import { Fold, Report, type Ledger } from '@lifeline/projections'
import { CheckpointedReport, readHistory } from '@lifeline/pipeline'
import { openLog } from './Database.js'
import { EXIT, UsageError, type Io } from './Io.js'
import { reportFlags, reportOptions, tierHelp } from './Options.js'
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
${tierHelp.trimEnd()}
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
      ...reportFlags,
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
 * The report's ledger state from the log at `db` (a SQLite file or a PostgreSQL URL),
 * incrementally from the checkpoint stored there (`CheckpointedReport.ledger`): what
 * `lifeline customers --db` lists.
 */
export const ledgerFromDatabase = async (db: string, options: Ledger.Options): Promise<Ledger.State> => {
  const log = await openLog(db)
  try {
    const state = await CheckpointedReport.ledger(log, options)()
    if (state._tag === 'Left') throw new EventLog.EventLogFailure(state.left)
    return state.right
  } finally {
    await log.close()
  }
}

/**
 * The report from the log at `db` (a SQLite file or a PostgreSQL URL), incrementally from the
 * checkpoint stored there (`CheckpointedReport.report`).
 */
export const fromDatabase = async (db: string, options: Ledger.Options): Promise<Report.Report> =>
  Report.fromLedger(await ledgerFromDatabase(db, options))
