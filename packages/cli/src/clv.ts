/**
 * `lifeline clv`: fits a count model (BG/NBD, MBG/NBD, Pareto/NBD or BG/BB, or the best of them)
 * and the Gamma-Gamma spend model to the log, says what the fit can and cannot support, checks
 * it against a holdout period when asked, and predicts each customer's probability of being
 * alive, purchases, average spend and discounted lifetime value, with intervals.
 */
import { parseArgs } from 'node:util'
import { EventLog } from '@lifeline/core'
import { Clv, Fold, Holdout, ModelChoice, PurchaseHistory, Report, Rfm } from '@lifeline/projections'
import type { CountModel, GammaGamma, Mle } from '@lifeline/projections'
import { readHistory } from '@lifeline/pipeline'
import { EXIT, UsageError, type Io } from './Io.js'
import { instant } from './Options.js'
import { money, table } from './ReportText.js'
import { openLog } from './Database.js'
import * as HtmlPage from './HtmlPage.js'

/** The command's help text. */
export const help = `Usage: lifeline clv (--db PATH | --events FILE) [options]

Fits a count model (how many purchases) on every customer, whatever the currency, and the
Gamma-Gamma spend model per currency, by maximum likelihood on the purchases before --to (or
before --holdout-from), and predicts each customer's probability of being alive, purchases,
average spend and discounted lifetime value over the horizon, with intervals. Every fit reports
its diagnostics: convergence, standard errors and 95% intervals of its parameters, the Hessian's
condition number, and whether its maximum is at a boundary (a degenerate fit).

Options:
  --db PATH | --events FILE    the SQLite log (or postgres:// URL), or an events file
  --to ISO                     calibration end, exclusive (default: just after the latest purchase);
                               with --holdout-from, the holdout's end
  --holdout-from ISO           fit on the purchases before this instant, then compare the
                               predictions with the holdout period up to --to
  --unit U                     day, week (default), or month, quarter, year (calendar periods,
                               for BG/BB); recency, T and the horizon use it
  --model M                    bgnbd (default), mbgnbd, paretonbd, bgbb (default for calendar
                               units), or auto: fit them all and choose on evidence
  --horizon N                  predict N units ahead (default 52 weeks, 365 days, 12 months,
                               4 quarters, 5 years)
  --discount-rate R            discount rate per unit period (default 0)
  --currency C                 value only the customers who paid in C (the purchase model still
                               counts everyone)
  --penalizer C                L2 penalty of the count model (lifetimes' penalizer_coef; default 0)
  --spend-penalizer C          L2 penalty of the spend model (default 0)
  --spend-q-above-one          keep the spend model's q above 1, so that every expected spend is finite
  --level P                    level of the customers' intervals (default 0.9)
  --draws N                    parameter draws for the intervals (default 200; 0: no intervals)
  --seed S                     seed of the draws (default 1): the same seed, the same intervals
  --top N                      customers shown per currency (default 10)
  --json                       one JSON document: the fits, the checks and every customer
  --html FILE                  also write the report page (lifeline report --html, up to --to)
                               with a CLV section: the fit, the holdout tracking and frequency
                               comparison (with --holdout-from), the P(alive) distribution;
                               - writes the page to stdout instead of the text
  -h, --help                   this help
`

const MODEL_NAMES = ['bgnbd', 'mbgnbd', 'paretonbd', 'bgbb'] as const
const DEFAULT_HORIZON: Record<Rfm.Unit, number> = { day: 365, week: 52, month: 12, quarter: 4, year: 5 }

const number = (flag: string, value: string, check: (n: number) => boolean, what: string): number => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new UsageError(`--${flag}: ${JSON.stringify(value)} is not ${what}`)
  return n
}

// -------------------------------------------------------------------------------------
// text
// -------------------------------------------------------------------------------------

/** A parameter value: 3 decimals, or scientific when huge or tiny. */
const num = (x: number): string =>
  x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(3)
const se = (x: number | null): string => (x === null ? '—' : Math.abs(x) >= 1e6 ? x.toExponential(3) : x.toPrecision(3))
const range = (lower: number | null, upper: number | null, f = num): string =>
  lower === null || upper === null ? '—' : `${f(lower)} – ${f(upper)}`
const count = (n: number): string => n.toLocaleString('en')
/** Minor units as an amount without the currency code. */
const amount = (cents: number, currency: string): string => money(cents, currency).replace(` ${currency}`, '')
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
/** A bucket by its name: the day, or the calendar month (1997-09), quarter (1997-Q3) or year. */
const bucketName = (start: number, unit: Rfm.Unit): string => {
  const d = new Date(start)
  if (unit === 'year') return String(d.getUTCFullYear())
  if (unit === 'quarter') return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`
  if (unit === 'month') return iso(start).slice(0, 7)
  return iso(start)
}
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`

/** The diagnostics of a fit, as lines indented under its title. */
const fitLines = (
  estimate: Mle.Estimate,
  show: (name: string, v: number) => string = (_, v) => num(v),
  showError: (name: string, v: number) => string = (_, v) => se(v),
): string[] => {
  const lines: string[] = []
  if (estimate.degenerate) {
    lines.push('  DEGENERATE FIT: the likelihood is highest at a boundary of the parameter space, not inside it.')
    for (const b of estimate.boundaries) {
      const runs = b.parameters.map((p, i) => `${p} → ${b.directions[i] === 'zero' ? '0' : '∞'}`).join(', ')
      lines.push(`  - ${runs}: ${b.meaning}`)
      if (b.limit !== null)
        lines.push(
          `    ${b.limit.name} = ${num(b.limit.value)} (std. error ${se(b.limit.standardError)}, 95% interval ${range(b.limit.lower, b.limit.upper)})`,
        )
    }
    lines.push('  The parameters the limit leaves finite, and the ones held at it:')
  }
  const held = new Set(estimate.boundaries.flatMap((b) => b.parameters))
  lines.push(
    table([
      ['parameter', 'estimate', 'std. error', '95% interval'],
      ...estimate.parameters.map((p) => [
        p.name,
        held.has(p.name) ? `held at ${num(p.value)}` : show(p.name, p.value),
        p.standardError === null ? '—' : showError(p.name, p.standardError),
        range(p.lower, p.upper, (v) => show(p.name, v)),
      ]),
    ]),
  )
  if (estimate.unidentified.length > 0)
    lines.push(`  not identified (the likelihood does not depend on them here): ${estimate.unidentified.join(', ')}`)
  const condition = estimate.hessianCondition
  lines.push(
    `  log-likelihood ${estimate.logLikelihood.toFixed(1)}, AIC ${estimate.aic.toFixed(1)} (${estimate.freeParameters} free parameters); ` +
      (estimate.converged
        ? `converged after ${estimate.iterations} iterations`
        : 'DID NOT CONVERGE: do not trust these figures') +
      `; Hessian condition number ${condition === null ? 'undefined (the information matrix is singular: some parameter is not identified)' : condition.toExponential(1)}` +
      (estimate.penalizer > 0 ? `; L2 penalty ${estimate.penalizer} (lifetimes' penalizer_coef)` : ''),
  )
  return lines
}

const spendLines = (s: Clv.Spend): string[] => {
  const head = `Spend model: Gamma-Gamma in ${s.currency}, on ${plural(s.repeatBuyers, 'repeat buyer')} of ${plural(s.customers, 'customer')} who paid in ${s.currency}`
  if (s.fitted === null) return [head, `  not fitted: ${s.note ?? ''}`]
  const f: GammaGamma.Fitted = s.fitted
  return [
    head + (f.qAboveOne ? ' (q kept above 1)' : ''),
    ...fitLines(
      f.estimate,
      (name, v) => (name === 'gamma' ? money(v, s.currency) : num(v)),
      (name, v) => (name === 'gamma' ? money(v, s.currency) : se(v)),
    ),
    ...(s.note === null ? [] : [`  note: ${s.note}`]),
  ]
}

const holdoutLines = (split: Holdout.Split, e: Holdout.Evaluation): string[] => {
  const every = Math.max(1, Math.ceil(e.tracking.length / 20))
  const tracking = e.tracking.filter((_, i) => i % every === every - 1 || i === e.tracking.length - 1)
  const f2 = (x: number) => x.toFixed(2)
  return [
    `Holdout check: fitted on purchases before ${iso(split.from)}, compared with ${iso(split.from)} .. ${iso(split.to - 1)} (${e.length.toFixed(1)} ${e.unit}s), ${plural(e.customers, 'customer')}` +
      (split.newInHoldout > 0
        ? ` (${plural(split.newInHoldout, 'customer')} who first bought in the holdout are not compared)`
        : ''),
    `  holdout purchases: actual ${count(e.actualPurchases)}, predicted ${e.predictedPurchases.toFixed(1)}; per customer: mean absolute error ${e.meanAbsoluteError.toFixed(3)}, bias ${e.bias >= 0 ? '+' : ''}${e.bias.toFixed(3)}`,
    '',
    'By calibration frequency (mean holdout purchases per customer):',
    table([
      ['repeat purchases', 'customers', 'actual', 'predicted'],
      ...e.byFrequency.map((r) => [r.frequency, count(r.customers), f2(r.actual), f2(r.predicted)]),
    ]),
    '',
    `Tracking of repeat purchases (${e.tracking.length} ${split.unit === 'day' || split.unit === 'week' ? 'weeks' : `${split.unit}s`}${every > 1 ? `, one in ${every} shown` : ''}; * = holdout):`,
    table([
      ['period from', 'actual', 'predicted', 'cumulative actual', 'cumulative predicted'],
      ...tracking.map((r) => [
        `${bucketName(r.start, split.unit)}${r.holdout ? ' *' : ''}`,
        count(r.actual),
        r.predicted.toFixed(1),
        count(r.cumulativeActual),
        r.cumulativePredicted.toFixed(1),
      ]),
    ]),
  ]
}

const customerTable = (analysis: Clv.Analysis, currency: string | null, top: number, horizonText: string): string => {
  const rows = analysis.customers.filter((c) =>
    currency === null ? true : c.currency === currency && c.clvCents !== null,
  )
  const ranked =
    currency === null
      ? [...rows].sort((a, b) => b.expectedPurchases - a.expectedPurchases)
      : [...rows].sort((a, b) => b.clvCents! - a.clvCents!)
  const withIntervals = analysis.intervals !== null && analysis.intervals.unavailable === null
  const level = withIntervals ? ` [${Math.round(analysis.intervals.level * 100)}%]` : ''
  const f = (x: number, d: number) => x.toFixed(d)
  const cur = currency ?? ''
  return table([
    [
      'customer',
      'x',
      'recency',
      'T',
      `P(alive)${level}`,
      `purchases (${horizonText})${level}`,
      'avg spend',
      `CLV${level}`,
    ],
    ...ranked.slice(0, top).map((c) => {
      const i = c.intervals
      return [
        c.customerId,
        String(c.frequency),
        f(c.recency, 1),
        f(c.T, 1),
        f(c.pAlive, 3) + (i === undefined ? '' : ` [${f(i.pAlive.lower, 3)}–${f(i.pAlive.upper, 3)}]`),
        f(c.expectedPurchases, 2) +
          (i === undefined ? '' : ` [${f(i.expectedPurchases.lower, 2)}–${f(i.expectedPurchases.upper, 2)}]`),
        currency === null ? '—' : money(c.expectedAverageSpendCents, cur),
        currency === null
          ? '—'
          : money(c.clvCents, cur) +
            (i?.clvCents == null ? '' : ` [${amount(i.clvCents.lower, cur)}–${amount(i.clvCents.upper, cur)}]`),
      ]
    }),
  ])
}

// -------------------------------------------------------------------------------------
// JSON
// -------------------------------------------------------------------------------------

const estimateJson = (e: Mle.Estimate) => ({
  estimates: e.parameters,
  logLikelihood: e.logLikelihood,
  aic: e.aic,
  freeParameters: e.freeParameters,
  converged: e.converged,
  iterations: e.iterations,
  hessianCondition: e.hessianCondition,
  degenerate: e.degenerate,
  boundaries: e.boundaries,
  unidentified: e.unidentified,
  penalizer: e.penalizer,
})

// -------------------------------------------------------------------------------------
// command
// -------------------------------------------------------------------------------------

/** Runs `lifeline clv`. */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      db: { type: 'string' },
      events: { type: 'string' },
      to: { type: 'string' },
      'holdout-from': { type: 'string' },
      unit: { type: 'string', default: 'week' },
      model: { type: 'string' },
      horizon: { type: 'string' },
      'discount-rate': { type: 'string', default: '0' },
      currency: { type: 'string' },
      penalizer: { type: 'string' },
      'spend-penalizer': { type: 'string' },
      'spend-q-above-one': { type: 'boolean', default: false },
      level: { type: 'string', default: '0.9' },
      draws: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      top: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
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
  const unit = values.unit as Rfm.Unit
  if (!Rfm.UNITS.includes(unit))
    throw new UsageError(`--unit: ${JSON.stringify(values.unit)} is not one of ${Rfm.UNITS.join(', ')}`)
  const modelFlag = values.model ?? (Rfm.isDiscrete(unit) ? 'bgbb' : 'bgnbd')
  if (modelFlag !== 'auto' && !(MODEL_NAMES as readonly string[]).includes(modelFlag))
    throw new UsageError(`--model: ${JSON.stringify(modelFlag)} is not one of ${MODEL_NAMES.join(', ')}, auto`)
  if (modelFlag === 'bgbb' && !Rfm.isDiscrete(unit))
    throw new UsageError(`--model bgbb needs a calendar --unit (month, quarter or year), not ${unit}`)
  const horizon =
    values.horizon === undefined
      ? DEFAULT_HORIZON[unit]
      : number('horizon', values.horizon, (n) => n > 0, 'a number > 0')
  const discountRate = number('discount-rate', values['discount-rate'], (n) => n >= 0, 'a number >= 0')
  const penalizer =
    values.penalizer === undefined ? undefined : number('penalizer', values.penalizer, (n) => n >= 0, 'a number >= 0')
  const spendPenalizer =
    values['spend-penalizer'] === undefined
      ? undefined
      : number('spend-penalizer', values['spend-penalizer'], (n) => n >= 0, 'a number >= 0')
  const level = number('level', values.level, (n) => n > 0 && n < 1, 'a number between 0 and 1')
  const draws = number(
    'draws',
    values.draws,
    (n) => Number.isInteger(n) && (n === 0 || n >= 2),
    'a whole number >= 2 (or 0)',
  )
  const seed = number('seed', values.seed, Number.isSafeInteger, 'a whole number')
  const top = number('top', values.top, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0')
  const to = values.to === undefined ? undefined : instant('to', values.to)
  const holdoutFrom = values['holdout-from'] === undefined ? undefined : instant('holdout-from', values['holdout-from'])
  if (holdoutFrom !== undefined && to !== undefined && to <= holdoutFrom)
    throw new UsageError(`--to must be later than --holdout-from (${values['holdout-from']} .. ${values.to})`)

  HtmlPage.checkTargets(values.html, values.json)

  // With --html, the report of the same events is folded in the same pass as the purchases.
  const both = Fold.struct({
    history: PurchaseHistory.fold,
    report: values.html === undefined ? Fold.of(null) : Report.fold(to === undefined ? {} : { to }),
  })
  let status: number = EXIT.ok
  let history: PurchaseHistory.History
  let report: Report.Report | null
  if (values.db !== undefined) {
    const log = await openLog(values.db)
    try {
      ;({ history, report } = await Fold.runAsync(both, EventLog.readAll(log, { pageSize: 5_000 })))
    } finally {
      await log.close()
    }
  } else {
    const file = await readHistory(values.events!, io.stderr)
    if (file.rejected > 0) status = EXIT.rejected
    ;({ history, report } = Fold.run(both, file.events))
  }

  const split =
    holdoutFrom === undefined
      ? undefined
      : (() => {
          try {
            return Holdout.split(history, { unit, from: holdoutFrom, ...(to === undefined ? {} : { to }) })
          } catch (e) {
            throw new UsageError(`--holdout-from: ${(e as Error).message}`)
          }
        })()
  const summary = split?.calibration ?? Rfm.summarize(history, { unit, ...(to === undefined ? {} : { to }) })
  const repeatBuyers = summary.customers.filter((c) => c.frequency > 0).length
  if (repeatBuyers < 2)
    throw new UsageError(
      `too few repeat buyers to fit a model: ${repeatBuyers} of ${summary.customers.length} customers bought in two ${unit === 'week' ? 'day' : unit}s or more (at least 2 needed)`,
    )

  const choice =
    modelFlag === 'auto'
      ? ModelChoice.choose(summary, {
          unit,
          ...(penalizer === undefined ? {} : { penalizer }),
          ...(split === undefined ? {} : { holdout: split }),
        })
      : null
  const model = (choice?.chosen ?? modelFlag) as CountModel.Name
  const chosen = choice?.candidates.find((c) => c.name === model)?.fitted ?? undefined
  const analysis = Clv.analyze(summary, {
    model,
    horizon: { n: horizon, unit },
    discountRate,
    ...(penalizer === undefined ? {} : { penalizer }),
    spend: {
      ...(values.currency === undefined ? {} : { currency: values.currency }),
      ...(spendPenalizer === undefined ? {} : { penalizer: spendPenalizer }),
      ...(values['spend-q-above-one'] ? { qAboveOne: true } : {}),
    },
    ...(draws === 0 ? {} : { intervals: { level, draws, seed } }),
    ...(chosen === undefined ? {} : { fitted: chosen }),
  })
  const evaluation =
    split === undefined
      ? null
      : (choice?.candidates.find((c) => c.name === model)?.holdout ??
        Holdout.evaluate(Clv.MODELS[model], analysis.model.values, split))

  if (values.html !== undefined && report !== null) {
    const { ClvSection } = await import('@lifeline/report-html')
    const section = ClvSection.section({
      analysis,
      ...(split === undefined || evaluation === null ? {} : { holdout: { split, evaluation } }),
    })
    await HtmlPage.write(values.html, report, io, [{ after: 'revenue', section }])
    if (values.html === '-') return status
  }

  if (values.json) {
    io.stdout(
      `${JSON.stringify({
        unit,
        horizon: analysis.horizon,
        discountRate,
        discountPeriod: analysis.discountPeriod,
        calibrationEnd: summary.end === null ? null : new Date(summary.end).toISOString(),
        model: {
          name: analysis.model.name,
          label: analysis.model.label,
          params: analysis.model.params,
          customers: analysis.model.customers,
          repeatBuyers: analysis.model.repeatBuyers,
          ...estimateJson(analysis.model.estimate),
        },
        spend: analysis.spend.map((s) => ({
          currency: s.currency,
          customers: s.customers,
          repeatBuyers: s.repeatBuyers,
          note: s.note,
          fit:
            s.fitted === null
              ? null
              : { params: s.fitted.params, qAboveOne: s.fitted.qAboveOne, ...estimateJson(s.fitted.estimate) },
        })),
        excluded: analysis.excluded,
        intervals: analysis.intervals,
        selection:
          choice === null
            ? null
            : {
                chosen: choice.chosen,
                reason: choice.reason,
                candidates: choice.candidates.map((c) => ({
                  name: c.name,
                  label: c.label,
                  error: c.error,
                  ...(c.fitted === null
                    ? {}
                    : {
                        params: c.fitted.params,
                        logLikelihood: c.fitted.estimate.logLikelihood,
                        aic: c.fitted.estimate.aic,
                        converged: c.fitted.estimate.converged,
                        degenerate: c.fitted.estimate.degenerate,
                      }),
                  holdout:
                    c.holdout === null
                      ? null
                      : { meanAbsoluteError: c.holdout.meanAbsoluteError, bias: c.holdout.bias },
                })),
              },
        holdout:
          split === undefined || evaluation === null
            ? null
            : {
                from: new Date(split.from).toISOString(),
                to: new Date(split.to).toISOString(),
                newInHoldout: split.newInHoldout,
                length: evaluation.length,
                customers: evaluation.customers,
                actualPurchases: evaluation.actualPurchases,
                predictedPurchases: evaluation.predictedPurchases,
                meanAbsoluteError: evaluation.meanAbsoluteError,
                bias: evaluation.bias,
                byFrequency: evaluation.byFrequency,
                tracking: evaluation.tracking.map((r) => ({ ...r, start: new Date(r.start).toISOString() })),
              },
        customers:
          split === undefined || evaluation === null
            ? analysis.customers
            : analysis.customers.map((c, i) => ({
                ...c,
                holdoutActual: split.actual[i],
                holdoutPredicted: evaluation.predicted[i],
              })),
      })}\n`,
    )
    return status
  }

  const m = analysis.model
  const horizonText = `${horizon} ${unit}s`
  const lines: string[] = []
  if (choice !== null) {
    lines.push(
      `Model choice (--model auto): ${m.label}, for the ${choice.reason}`,
      table([
        ['model', 'log-likelihood', 'AIC', ...(split === undefined ? [] : ['holdout MAE', 'bias']), 'fit'],
        ...choice.candidates.map((c) =>
          c.fitted === null
            ? [c.label, '—', '—', ...(split === undefined ? [] : ['—', '—']), `failed: ${c.error ?? ''}`]
            : [
                c.label,
                c.fitted.estimate.logLikelihood.toFixed(1),
                c.fitted.estimate.aic.toFixed(1),
                ...(c.holdout === null ? [] : [c.holdout.meanAbsoluteError.toFixed(4), c.holdout.bias.toFixed(4)]),
                c.fitted.estimate.degenerate
                  ? 'degenerate'
                  : c.fitted.estimate.converged
                    ? 'converged'
                    : 'did not converge',
              ],
        ),
      ]),
      '',
    )
  }
  lines.push(
    `Purchase model: ${m.label} (${unit}s), on all ${plural(m.customers, 'customer')} (${count(m.repeatBuyers)} repeat buyers), whatever the currency` +
      (summary.end === null ? '' : `; calibration through ${bucketName(summary.end, unit)}`),
    ...fitLines(m.estimate),
    ...(m.name === 'bgnbd'
      ? [
          '  note: BG/NBD gives every one-time buyer P(alive) = 1 however long ago it bought; MBG/NBD and Pareto/NBD do not (--model auto compares them)',
        ]
      : []),
    '',
  )
  for (const s of analysis.spend) lines.push(...spendLines(s), '')
  const valued = analysis.customers.filter((c) => c.clvCents !== null).length
  lines.push(
    `Customers: ${count(analysis.customers.length)} in the purchase model; ${count(valued)} valued` +
      (analysis.excluded.length === 0
        ? ''
        : `; without a CLV: ${analysis.excluded.map((e) => `${count(e.customers)} ${e.reason}`).join('; ')}`),
    `Horizon ${horizonText}, discount rate ${discountRate} per ${unit}` +
      (analysis.intervals === null
        ? ''
        : analysis.intervals.unavailable === null
          ? `; ${analysis.intervals.method}`
          : `; no intervals: ${analysis.intervals.unavailable}`),
  )
  if (split !== undefined && evaluation !== null) {
    lines.push('', ...holdoutLines(split, evaluation))
    lines.push('', `The predictions above are as of the calibration end; run without --holdout-from for today's.`)
  }
  if (top > 0) {
    const currencies = analysis.spend.filter((s) => s.fitted !== null).map((s) => s.currency)
    for (const currency of currencies.length === 0 ? [null] : currencies) {
      lines.push(
        '',
        currency === null
          ? `Top ${top} customers by expected purchases (no spend model):`
          : `Top ${top} customers in ${currency} by CLV:`,
        customerTable(analysis, currency, top, horizonText),
      )
    }
  }
  io.stdout(`${lines.join('\n')}\n`)
  return status
}
