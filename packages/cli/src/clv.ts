/**
 * `lifeline clv`: fits a purchase model and the spend model to the log, and predicts each
 * customer's purchases, probability of being alive, spend and discounted lifetime value.
 */
import { parseArgs } from 'node:util'
import { EventLog } from '@lifeline/core'
import { Clv, Fold, Rfm } from '@lifeline/projections'
import { readHistory } from './EventFile.js'
import { EXIT, UsageError, type Io } from './Io.js'
import { instant } from './Options.js'
import { money, table } from './ReportText.js'
import { openLog } from './Database.js'

/** The command's help text. */
export const help = `Usage: lifeline clv (--db PATH | --events FILE) [options]

Fits BG/NBD or Pareto/NBD (purchases) and Gamma-Gamma (spend) by maximum likelihood to the
purchases before --to, and predicts each customer's probability of being alive, purchases and
average spend over the horizon, and its discounted lifetime value.

Options:
  --db PATH | --events FILE    the SQLite log, or an events file
  --to ISO                     calibration end, exclusive (default: just after the latest purchase)
  --unit day|week              the models' time unit (default week); recency, T and the horizon use it
  --model bgnbd|paretonbd      the purchase model (default bgnbd)
  --horizon N                  predict N units ahead (default 52 weeks, or 365 days)
  --discount-rate R            discount rate per unit period (default 0)
  --currency C                 the currency to model (default: the first one seen)
  --top N                      customers shown in the table (default 10)
  --json                       one JSON document: the fit and every customer
  -h, --help                   this help
`

/** Runs `lifeline clv`. */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      db: { type: 'string' },
      events: { type: 'string' },
      to: { type: 'string' },
      unit: { type: 'string', default: 'week' },
      model: { type: 'string', default: 'bgnbd' },
      horizon: { type: 'string' },
      'discount-rate': { type: 'string', default: '0' },
      currency: { type: 'string' },
      top: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    io.stdout(help)
    return EXIT.ok
  }
  if ((values.db === undefined) === (values.events === undefined)) {
    throw new UsageError('clv needs either --db PATH or --events FILE (see lifeline clv --help)')
  }
  const unit = values.unit
  if (unit !== 'day' && unit !== 'week') throw new UsageError(`--unit: ${JSON.stringify(unit)} is not day or week`)
  const model = values.model
  if (model !== 'bgnbd' && model !== 'paretonbd')
    throw new UsageError(`--model: ${JSON.stringify(model)} is not bgnbd or paretonbd`)
  const horizon = values.horizon === undefined ? (unit === 'week' ? 52 : 365) : Number(values.horizon)
  if (!Number.isFinite(horizon) || horizon <= 0)
    throw new UsageError(`--horizon: ${JSON.stringify(values.horizon)} is not a number > 0`)
  const discountRate = Number(values['discount-rate'])
  if (!Number.isFinite(discountRate) || discountRate < 0) {
    throw new UsageError(`--discount-rate: ${JSON.stringify(values['discount-rate'])} is not a number >= 0`)
  }
  const top = Number(values.top)
  const to = values.to === undefined ? undefined : instant('to', values.to)
  const fold = Rfm.fold({
    unit,
    ...(to === undefined ? {} : { to }),
    ...(values.currency === undefined ? {} : { currency: values.currency }),
  })

  let status: number = EXIT.ok
  let summary: Rfm.Summary
  if (values.db !== undefined) {
    const log = await openLog(values.db)
    try {
      summary = await Fold.runAsync(fold, EventLog.readAll(log, { pageSize: 5_000 }))
    } finally {
      await log.close()
    }
  } else {
    const history = await readHistory(values.events!, io.stderr)
    if (history.rejected > 0) status = EXIT.rejected
    summary = Fold.run(fold, history.events)
  }
  if (summary.customers.filter((c) => c.frequency > 0).length < 2) {
    throw new UsageError('too few repeat buyers to fit the models (at least 2 customers must have bought on two days)')
  }
  const analysis = Clv.analyze(summary, { model, horizon: { n: horizon, unit }, discountRate })
  if (values.json) {
    io.stdout(
      `${JSON.stringify({
        unit,
        currency: analysis.currency,
        horizon: analysis.horizon,
        discountRate,
        model: {
          name: analysis.model.name,
          params: analysis.model.params,
          logLikelihood: analysis.model.logLikelihood,
          converged: analysis.model.converged,
        },
        spend: {
          params: analysis.spend.params,
          logLikelihood: analysis.spend.logLikelihood,
          converged: analysis.spend.converged,
        },
        customers: analysis.customers,
      })}\n`,
    )
    return status
  }
  const currency = analysis.currency ?? 'USD'
  const fmt = (x: number, d = 3) => x.toFixed(d)
  const params = Object.entries(analysis.model.params as unknown as Record<string, number>)
    .map(([k, v]) => `${k} = ${fmt(v)}`)
    .join(', ')
  const spend = analysis.spend.params
  const lines = [
    `Purchase model ${analysis.model.name} (${unit}s): ${params}; log-likelihood ${fmt(analysis.model.logLikelihood, 1)}${analysis.model.converged ? '' : ' (did not converge)'}`,
    `Spend model Gamma-Gamma on ${analysis.spend.customers} repeat buyers: p = ${fmt(spend.p)}, q = ${fmt(spend.q)}, gamma = ${money(spend.gamma, currency)}`,
    `Horizon ${horizon} ${unit}s, discount rate ${discountRate} per ${unit}`,
    '',
    table([
      ['customer', 'x', 'recency', 'T', 'P(alive)', `purchases (${horizon} ${unit}s)`, 'avg spend', 'CLV'],
      ...[...analysis.customers]
        .sort((a, b) => b.clvCents - a.clvCents)
        .slice(0, top)
        .map((c) => [
          c.customerId,
          String(c.frequency),
          fmt(c.recency, 1),
          fmt(c.T, 1),
          fmt(c.pAlive),
          fmt(c.expectedPurchases, 2),
          money(c.expectedAverageSpendCents, currency),
          money(c.clvCents, currency),
        ]),
    ]),
  ]
  io.stdout(`${lines.join('\n')}\n`)
  return status
}
