/**
 * The CDNOW example: the purchase file the CLV literature uses, turned into lifecycle events,
 * imported into a SQLite log, and modelled as the papers did (calibration to 30 September 1997,
 * weekly units).
 */
import { readFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { Importer, type Line } from '@lifeline/cli'
import { EventLog, Ids, type LifecycleEvent } from '@lifeline/core'
import { Clv, Fold, Rfm } from '@lifeline/projections'
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
  const rfm = Rfm.fold({ to: Date.parse('1997-10-01T00:00:00Z'), unit: 'week' })
  const summary = await Fold.runAsync(rfm, EventLog.readAll(log, { pageSize: 5_000 }))
  const bgnbd = Clv.analyze(summary, { model: 'bgnbd', horizon: { n: 39, unit: 'week' }, discountRate: 0 })
  const pareto = Clv.analyze(summary, { model: 'paretonbd', horizon: { n: 39, unit: 'week' }, discountRate: 0 })
  // #endregion
  log.close()

  const f = (x: number, d: number) => x.toFixed(d)
  const bg = bgnbd.model.params as { r: number; alpha: number; a: number; b: number }
  const pn = pareto.model.params as { r: number; alpha: number; s: number; beta: number }
  const gg = bgnbd.spend.params
  const out = [
    `imported ${imported.appended} purchases of ${summary.customers.length} customers`,
    `BG/NBD      r = ${f(bg.r, 3)}, alpha = ${f(bg.alpha, 3)}, a = ${f(bg.a, 3)}, b = ${f(bg.b, 3)}, log-likelihood ${f(bgnbd.model.logLikelihood, 1)}`,
    `Pareto/NBD  r = ${f(pn.r, 3)}, alpha = ${f(pn.alpha, 3)}, s = ${f(pn.s, 3)}, beta = ${f(pn.beta, 3)}, log-likelihood ${f(pareto.model.logLikelihood, 1)}`,
    `Gamma-Gamma p = ${f(gg.p, 2)}, q = ${f(gg.q, 2)}, gamma = ${f(gg.gamma / 100, 2)} dollars, on ${bgnbd.spend.customers} repeat buyers`,
    'top customers by BG/NBD CLV over the next 39 weeks:',
  ]
  for (const c of [...bgnbd.customers].sort((a, b) => b.clvCents - a.clvCents).slice(0, 5)) {
    out.push(
      `  ${c.customerId}  x=${c.frequency}  P(alive)=${f(c.pAlive, 3)}  purchases=${f(c.expectedPurchases, 2)}  CLV=$${f(c.clvCents / 100, 2)}`,
    )
  }
  return out
}
