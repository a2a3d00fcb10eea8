/**
 * `lifeline demo`: a seeded year of a small business, imported into a SQLite log and reported.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { EventLog } from '@lifeline/core'
import { Fold, PurchaseHistory } from '@lifeline/projections'
import type { Page } from '@lifeline/report-html'
import * as Generator from './Generator.js'
import { Importer, type Line } from '@lifeline/pipeline'
import { EXIT, UsageError, type Io } from './Io.js'
import { progress } from './Progress.js'
import { fromDatabase } from './report.js'
import { render } from './ReportText.js'
import * as HtmlPage from './HtmlPage.js'
import { rejectsFile, summarize } from './import.js'
import { openLog } from './Database.js'

/** The command's help text. */
export const help = `Usage: lifeline demo [--db PATH] [--customers N] [--seed S] [--json] [--html FILE]

Generates a realistic year (2025) of a small business — several channels and campaigns, nurture
series, one-time and repeat buyers in four product lines, refunds, satisfaction surveys,
referrals, churn and reactivation — imports it into a SQLite log through the lifecycle rules,
and prints the report of the second half of the year: leads (and the sales-ready ones), the
funnel, churn, client tiers and their moves, revenue, channels, cohorts and trends.

Options:
  --db PATH          the SQLite database (default: a new file in a temporary folder)
  --customers N      customers arriving over the year (default 1000; referred friends come on top)
  --seed S           the generator's seed (default 2025): the same seed, the same business
  --json             print the report as one JSON document
  --html FILE        also write the report as one self-contained HTML page with charts to FILE
                     (- for stdout, instead of the text or JSON)
  -h, --help         this help
`

const positiveInt = (flag: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${flag}: ${JSON.stringify(value)} is not a whole number >= 1`)
  return n
}

/**
 * The page's CLV section: the count models fitted on the purchases before October and checked
 * against the last quarter of the year. None (with a word on stderr) when the business is too
 * small to fit them.
 */
const clvSection = async (db: string, io: Io): Promise<Page.Placed[]> => {
  const log = await openLog(db)
  try {
    const history = await Fold.runAsync(PurchaseHistory.fold, EventLog.readAll(log, { pageSize: 5_000 }))
    const { ClvSection } = await import('@lifeline/report-html')
    const input = ClvSection.analyze(history, { holdoutFrom: Date.UTC(2025, 9, 1), to: Date.UTC(2026, 0, 1) })
    return [{ after: 'revenue', section: ClvSection.section(input) }]
  } catch (e) {
    io.stderr(`the page has no CLV section: ${(e as Error).message}\n`)
    return []
  } finally {
    await log.close()
  }
}

/** Runs `lifeline demo`. */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      db: { type: 'string' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    io.stdout(help)
    return EXIT.ok
  }
  HtmlPage.checkTargets(values.html, values.json)
  const customers = positiveInt('customers', values.customers, 1_000)
  const seed = positiveInt('seed', values.seed, 2025)
  const db = values.db ?? join(mkdtempSync(join(tmpdir(), 'lifeline-demo-')), 'demo.db')
  io.stderr(`generating a year of ${customers} customers (seed ${seed}) into ${db}\n`)
  function* lines(): Generator<Line> {
    let n = 0
    for (const event of Generator.generate({ customers, start: Date.UTC(2025, 0, 1), days: 365, seed })) {
      yield { _tag: 'Event', line: ++n, event }
    }
  }
  const log = await openLog(db)
  let status: number
  try {
    const rejects = await rejectsFile(db, 'demo')
    const result = await Importer.importLines(log, lines(), {
      onProgress: progress(io).import,
      onRejected: rejects.add,
    })
    rejects.flush()
    status = summarize(io, result, rejects)
  } finally {
    await log.close()
  }
  // The second half of the year: customers active on 1 July give churn and retention a base.
  const report = await fromDatabase(db, { from: Date.UTC(2025, 6, 1), to: Date.UTC(2026, 0, 1) })
  if (values.html !== undefined) await HtmlPage.write(values.html, report, io, await clvSection(db, io))
  if (values.html === '-') return status
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : render(report))
  if (!values.json) {
    io.stdout(
      `\nThe log is in ${db}.\nAnother period: npx lifeline report --db ${db} --from 2025-01-01 --to 2025-04-01\n` +
        `The sales-ready leads: npx lifeline customers --db ${db} --stage lead --sales-ready --sort score\n` +
        `The clients to check in with: npx lifeline customers --db ${db} --at-risk 0.5 --limit 20\n`,
    )
  }
  return status
}
