/**
 * `lifeline report`: folds events into the METRICS.md report and prints it.
 */
import { parseArgs } from 'node:util'
import { History, LifecycleError, type LifecycleEvent } from '@lifeline/core'
import { Fold, Report } from '@lifeline/projections'
import { readJsonLines } from './EventFile.js'
import { EXIT, UsageError, type Io } from './Io.js'
import { reportOptions } from './Options.js'
import { render } from './ReportText.js'

/** The command's help text. */
export const help = `Usage: lifeline report --events FILE.jsonl [options]

Reads lifecycle events (JSON Lines, any order), applies the lifecycle rules, and prints the
report of METRICS.md.

Options:
  --events FILE                  the events file (JSON Lines)
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
  if (values.events === undefined) throw new UsageError('report needs --events FILE (see lifeline report --help)')
  const options = reportOptions(values)

  const decoded: { source: number; event: LifecycleEvent.LifecycleEvent }[] = []
  const errors: { line: number; message: string }[] = []
  for await (const line of readJsonLines(values.events)) {
    if (line._tag === 'Invalid') errors.push(line)
    else decoded.push({ source: line.line, event: line.event })
  }
  const admitted = History.admit(decoded)
  for (const rejection of admitted.rejected) {
    errors.push({ line: rejection.source, message: LifecycleError.format(rejection.error) })
  }
  errors.sort((a, b) => a.line - b.line)
  for (const error of errors) io.stderr(`line ${error.line}: ${error.message}\n`)
  const bad = errors.length
  if (admitted.duplicates.length > 0) {
    io.stderr(`${admitted.duplicates.length} repeated event(s) ignored (same event id as an earlier line)\n`)
  }
  const report = Fold.run(
    Report.fold(options),
    admitted.accepted.map((a) => a.event),
  )
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : render(report))
  if (bad > 0) {
    io.stderr(`${bad} event(s) rejected; the report covers the ${admitted.accepted.length} valid event(s)\n`)
    return EXIT.rejected
  }
  return EXIT.ok
}
