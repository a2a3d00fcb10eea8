/**
 * The CDNOW example: the purchase file the CLV literature uses, turned into lifecycle events,
 * imported into a SQLite log, and modelled as the papers did (calibration to 30 September 1997,
 * weekly units), then checked against the 39 weeks that followed.
 */
import { readFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { Importer, type Line } from '@lifeline/pipeline'
import { EventLog, Ids, type LifecycleEvent } from '@lifeline/core'
import { Clv, Fold, Holdout, ModelChoice, PurchaseHistory, Rfm } from '@lifeline/projections'
import Database from 'better-sqlite3'

/** The sample file in this repository. */
export const SAMPLE = new URL('../../../data/cdnow/CDNOW_sample.txt', import.meta.url)

// #region convert
/** One line of CDNOW_sample.txt (`master_id sample_id YYYYMMDD cds dollars`) as a Purchased event. */
export const toEvent = (text: string, line: number): LifecycleEvent.LifecycleEvent | null => {
  const [id, , date, , dollars] = text.trim().split(/\s+/)
  if (id === undefined || date === undefined || dollars === undefined) return null
  return {
    type: 'Purchased',
    customerId: Ids.customerId(id),
    occurredAt: Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))),
    orderId: `line-${line}`, // the file has no order ids; its line is unique per purchase
    amountCents: Math.round(Number(dollars) * 100),
    currency: 'USD',
  }
}
// #endregion

/** Runs the example and returns the lines it prints. */
export const run = async (): Promise<string[]> => {
  const lines: Line[] = []
  readFileSync(SAMPLE, 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      const event = toEvent(text, i + 1)
      if (event !== null) lines.push({ _tag: 'Event', line: i + 1, event })
    })
  const log = SqliteEventLog.open(new Database(join(mkdtempSync(join(tmpdir(), 'lifeline-cdnow-')), 'cdnow.db')))
  const imported = await Importer.importLines(log, lines)

  // #region fit
  const history = await Fold.runAsync(PurchaseHistory.fold, EventLog.readAll(log, { pageSize: 5_000 }))
  const summary = Rfm.summarize(history, { to: Date.parse('1997-10-01T00:00:00Z'), unit: 'week' })
  const options = { horizon: { n: 39, unit: 'week' }, discountRate: 0 } as const
  const bgnbd = Clv.analyze(summary, { ...options, model: 'bgnbd', intervals: { level: 0.9, draws: 200, seed: 1 } })
  const pareto = Clv.analyze(summary, { ...options, model: 'paretonbd' })
  const mbgnbd = Clv.analyze(summary, { ...options, model: 'mbgnbd' })
  // #endregion

  // #region holdout
  const split = Holdout.split(history, {
    unit: 'week',
    from: Date.parse('1997-10-01T00:00:00Z'),
    to: Date.parse('1998-07-01T00:00:00Z'),
  })
  const choice = ModelChoice.choose(split.calibration, { unit: 'week', holdout: split })
  // #endregion

  // #region report
  // What a report's CLV section draws: the chosen model's weekly tracking and frequency table,
  // and the distribution of P(alive) over ten bins.
  const checked = choice.candidates.find((c) => c.name === choice.chosen)!.holdout!
  const tracking = checked.tracking // { start, actual, predicted, cumulativeActual, cumulativePredicted, holdout }[]
  const byFrequency = checked.byFrequency // { frequency: '0' .. '7+', customers, actual, predicted }[]
  const alive = Clv.pAliveDistribution(bgnbd.customers, 10) // { from, to, customers, share }[]
  // #endregion
  log.close()

  const f = (x: number, d: number) => x.toFixed(d)
  const params = (a: Clv.Analysis) =>
    a.model.estimate.parameters.map((p) => `${p.name} = ${f(p.value, 3)} (${f(p.standardError!, 4)})`).join(', ')
  const gg = bgnbd.spend[0]!.fitted!.params
  const out = [
    `imported ${imported.appended} purchases of ${summary.customers.length} customers`,
    `BG/NBD      ${params(bgnbd)}, log-likelihood ${f(bgnbd.model.estimate.logLikelihood, 1)}`,
    `Pareto/NBD  ${params(pareto)}, log-likelihood ${f(pareto.model.estimate.logLikelihood, 1)}`,
    `MBG/NBD     ${params(mbgnbd)}, log-likelihood ${f(mbgnbd.model.estimate.logLikelihood, 1)}`,
    `Gamma-Gamma p = ${f(gg.p, 2)}, q = ${f(gg.q, 2)}, gamma = ${f(gg.gamma / 100, 2)} dollars, on ${bgnbd.spend[0]!.repeatBuyers} repeat buyers`,
    `holdout 1997-10-01 .. 1998-06-30 (${f(split.length, 0)} weeks): ${split.actual.reduce((s, x) => s + x, 0)} purchases; mean holdout purchases by calibration frequency:`,
    `  x    customers  actual  ${choice.candidates.map((c) => c.label.padStart(10)).join('  ')}`,
  ]
  const rows = choice.candidates[0]!.holdout!.byFrequency
  rows.forEach((row, i) =>
    out.push(
      `  ${row.frequency.padEnd(3)}  ${String(row.customers).padStart(9)}  ${f(row.actual, 3).padStart(6)}  ${choice.candidates.map((c) => f(c.holdout!.byFrequency[i]!.predicted, 3).padStart(10)).join('  ')}`,
    ),
  )
  out.push(
    `  MAE            ${choice.candidates.map((c) => f(c.holdout!.meanAbsoluteError, 4).padStart(10)).join('  ')}`,
    `model chosen: ${choice.chosen} (${choice.reason})`,
    'top customers by BG/NBD CLV over the next 39 weeks, with 90% intervals:',
  )
  for (const c of [...bgnbd.customers].sort((a, b) => b.clvCents! - a.clvCents!).slice(0, 5)) {
    const i = c.intervals!
    out.push(
      `  ${c.customerId}  x=${c.frequency}  P(alive)=${f(c.pAlive, 3)} [${f(i.pAlive.lower, 3)}, ${f(i.pAlive.upper, 3)}]  purchases=${f(c.expectedPurchases, 2)}  CLV=$${f(c.clvCents! / 100, 2)} [${f(i.clvCents!.lower / 100, 2)}, ${f(i.clvCents!.upper / 100, 2)}]`,
    )
  }
  out.push(
    `P(alive) by tenths under BG/NBD: ${alive.map((b) => b.customers).join(' ')}`,
    `tracking: ${tracking.length} weeks, ${tracking.at(-1)!.cumulativeActual} repeat purchases by the end (${f(tracking.at(-1)!.cumulativePredicted, 0)} predicted), ${byFrequency.length} frequency rows`,
  )
  return out
}
