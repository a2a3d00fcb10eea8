/**
 * Predictive CLV: how the fitted purchase model did against what happened next (holdout tracking
 * and the comparison by calibration frequency), and the distribution of P(alive). Not a built-in
 * section: `lifeline clv --html` and `lifeline demo --html` place it with `Page.render`'s
 * `sections` option, from a `Clv.analyze` result and, when there is one, a holdout evaluation.
 */
import * as Plot from '@observablehq/plot'
import { Clv, Holdout, ModelChoice } from '@lifeline/projections'
import type { CountModel, PurchaseHistory, Rfm } from '@lifeline/projections'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import * as Html from '../Html.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the CLV section is drawn from. */
export interface Input {
  /** The fitted models and every customer's predictions (`Clv.analyze`). */
  readonly analysis: Clv.Analysis
  /** The holdout check: the split the model was fitted on and its evaluation (`Holdout.evaluate`). */
  readonly holdout?: { readonly split: Holdout.Split; readonly evaluation: Holdout.Evaluation }
  /** Why this model, when it was chosen on evidence (`ModelChoice.choose`'s reason). */
  readonly choice?: string
}

/** Options of `analyze`. */
export interface AnalyzeOptions {
  /** The unit of recency and frequency (default: week). */
  readonly unit?: Rfm.Unit
  /** The holdout's first instant: the models are fitted on the purchases before it. */
  readonly holdoutFrom: number
  /** The holdout's end, exclusive (default: just after the latest purchase). */
  readonly to?: number
  /** How far ahead CLV looks, in units (default: 52 weeks, or a year of the unit). */
  readonly horizon?: number
}

/** One bin of the P(alive) distribution. */
export interface PAliveBin {
  /** Lower and upper edge; the last bin includes 1. */
  readonly from: number
  readonly to: number
  readonly oneTime: number
  readonly repeat: number
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

const COLORS = { actual: '#08519c', predicted: '#fd8d3c', oneTime: '#9ecae1', repeat: '#08519c' }

/** Customers by P(alive) in `bins` equal-width bins of [0, 1], one-time and repeat buyers apart. */
export const pAliveBins = (customers: Clv.Analysis['customers'], bins = 10): PAliveBin[] => {
  const oneTime = Clv.pAliveDistribution(
    customers.filter((c) => c.frequency === 0),
    bins,
  )
  const repeat = Clv.pAliveDistribution(
    customers.filter((c) => c.frequency > 0),
    bins,
  )
  return oneTime.map((b, i) => ({ from: b.from, to: b.to, oneTime: b.customers, repeat: repeat[i]!.customers }))
}

const periodWord = (unit: Holdout.Evaluation['unit']): string => (unit === 'day' || unit === 'week' ? 'week' : unit)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const YEAR: Record<Rfm.Unit, number> = { day: 365, week: 52, month: 12, quarter: 4, year: 1 }

/**
 * What the section shows, from a purchase history: every count model fitted on the purchases
 * before `holdoutFrom` and checked against the holdout (`--model auto` of `lifeline clv`), the
 * best of them kept, and the customers' predictions as of the calibration end.
 */
export const analyze = (history: PurchaseHistory.History, options: AnalyzeOptions): Input => {
  const unit = options.unit ?? 'week'
  const split = Holdout.split(history, {
    unit,
    from: options.holdoutFrom,
    ...(options.to === undefined ? {} : { to: options.to }),
  })
  const choice = ModelChoice.choose(split.calibration, { unit, holdout: split })
  const chosen = choice.candidates.find((c) => c.name === choice.chosen)
  const model: CountModel.Name = choice.chosen
  const analysis = Clv.analyze(split.calibration, {
    model,
    horizon: { n: options.horizon ?? YEAR[unit], unit },
    discountRate: 0,
    ...(chosen?.fitted === null || chosen === undefined ? {} : { fitted: chosen.fitted }),
  })
  const evaluation = chosen?.holdout ?? Holdout.evaluate(Clv.MODELS[model], analysis.model.values, split)
  return { analysis, holdout: { split, evaluation }, choice: choice.reason }
}

const tracking = (split: Holdout.Split, e: Holdout.Evaluation): string => {
  const word = periodWord(e.unit)
  const labels = {
    id: 'clv-tracking',
    title: 'Repeat purchases, actual and predicted (cumulative)',
    description: `Cumulative repeat purchases of the customers fitted, by ${word}: what happened (solid blue) and what the model predicts (dashed orange). The vertical line is the start of the holdout period (${iso(split.from)}): the model saw nothing after it.`,
  }
  const rows = e.tracking.flatMap((r) => [
    { start: new Date(r.start), series: 'actual', value: r.cumulativeActual },
    { start: new Date(r.start), series: 'predicted', value: r.cumulativePredicted },
  ])
  const table: Html.Table = {
    caption: `Repeat purchases by ${word} (* = holdout)`,
    head: [word, 'actual', 'predicted', 'cumulative actual', 'cumulative predicted'],
    rows: e.tracking.map((r) => [
      `${iso(r.start)}${r.holdout ? ' *' : ''}`,
      { num: Format.count(r.actual) },
      { num: Format.decimal(r.predicted, 1) },
      { num: Format.count(r.cumulativeActual) },
      { num: Format.decimal(r.cumulativePredicted, 1) },
    ]),
  }
  return Chart.figure(
    Chart.draw(labels, {
      height: 260,
      marginLeft: 60,
      x: { type: 'utc', label: null },
      y: { grid: true, label: 'Repeat purchases (cumulative)' },
      color: { domain: ['actual', 'predicted'], range: [COLORS.actual, COLORS.predicted] },
      colorLegend: true,
      marks: [
        Plot.ruleX([new Date(split.from)], {
          stroke: '#636363',
          strokeDasharray: '2,3',
          ariaDescription: 'holdout start',
        }),
        Plot.lineY(
          rows.filter((r) => r.series === 'actual'),
          { x: 'start', y: 'value', stroke: 'series', strokeWidth: 2, ariaDescription: 'actual' },
        ),
        Plot.lineY(
          rows.filter((r) => r.series === 'predicted'),
          {
            x: 'start',
            y: 'value',
            stroke: 'series',
            strokeWidth: 2,
            strokeDasharray: '6,4',
            ariaDescription: 'predicted',
          },
        ),
        Plot.ruleY([0]),
      ],
    }),
    table,
    { wide: true, note: `The holdout runs from ${iso(split.from)} to ${iso(split.to - 1)}.` },
  )
}

const byFrequency = (e: Holdout.Evaluation): string => {
  const labels = {
    id: 'clv-frequency',
    title: 'Holdout purchases by calibration frequency',
    description: `Customers grouped by their repeat purchases before the holdout (0 to 6, then 7 or more): the mean purchases per customer in the holdout, actual (blue) and predicted (orange).`,
  }
  const rows = e.byFrequency.flatMap((r) => [
    { frequency: r.frequency, series: 'actual', value: r.actual },
    { frequency: r.frequency, series: 'predicted', value: r.predicted },
  ])
  const table: Html.Table = {
    caption: 'Mean holdout purchases per customer, by calibration frequency',
    head: ['repeat purchases before', 'customers', 'actual', 'predicted'],
    rows: e.byFrequency.map((r) => [
      r.frequency,
      { num: Format.count(r.customers) },
      { num: Format.decimal(r.actual, 2) },
      { num: Format.decimal(r.predicted, 2) },
    ]),
  }
  return Chart.figure(
    Chart.draw(labels, {
      height: 270,
      marginLeft: 50,
      marginBottom: 45,
      fx: { domain: e.byFrequency.map((r) => r.frequency), label: 'Repeat purchases before the holdout' },
      x: { domain: ['actual', 'predicted'], axis: null },
      y: { grid: true, label: 'Holdout purchases per customer' },
      color: { domain: ['actual', 'predicted'], range: [COLORS.actual, COLORS.predicted] },
      colorLegend: true,
      marks: [
        Plot.barY(rows, { fx: 'frequency', x: 'series', y: 'value', fill: 'series', ariaDescription: 'bars' }),
        Plot.ruleY([0]),
      ],
    }),
    table,
  )
}

const pAlive = (analysis: Clv.Analysis): string => {
  const bins = pAliveBins(analysis.customers)
  const total = analysis.customers.length
  const labels = {
    id: 'clv-palive',
    title: 'Customers by probability of being alive',
    description: `Each customer's probability of still being a customer at the calibration end, in bins of 0.1: one-time buyers (light) and repeat buyers (dark) stacked. ${analysis.model.label}.`,
  }
  const rows = bins.flatMap((b) => [
    { from: b.from, to: b.to, kind: 'one-time buyers', n: b.oneTime },
    { from: b.from, to: b.to, kind: 'repeat buyers', n: b.repeat },
  ])
  const table: Html.Table = {
    caption: 'Customers by P(alive)',
    head: ['P(alive)', 'one-time buyers', 'repeat buyers', 'all', 'share'],
    rows: bins.map((b, i) => [
      `${b.from.toFixed(1)}–${b.to.toFixed(1)}${i === bins.length - 1 ? ' (incl.)' : ''}`,
      { num: Format.count(b.oneTime) },
      { num: Format.count(b.repeat) },
      { num: Format.count(b.oneTime + b.repeat) },
      { num: Format.percent(total === 0 ? null : (b.oneTime + b.repeat) / total) },
    ]),
  }
  return Chart.figure(
    Chart.draw(labels, {
      height: 240,
      marginLeft: 60,
      x: { domain: [0, 1], label: 'P(alive)' },
      y: { grid: true, label: 'Customers' },
      color: { domain: ['one-time buyers', 'repeat buyers'], range: [COLORS.oneTime, COLORS.repeat] },
      colorLegend: true,
      marks: [
        Plot.rectY(
          rows,
          Plot.stackY({
            x1: 'from',
            x2: 'to',
            y: 'n',
            fill: 'kind',
            insetLeft: 1,
            insetRight: 1,
            ariaDescription: 'bins',
          }),
        ),
        Plot.ruleY([0]),
      ],
    }),
    table,
  )
}

const parameters = (analysis: Clv.Analysis): string => {
  const e = analysis.model.estimate
  const held = new Set(e.boundaries.flatMap((b) => b.parameters))
  const table: Html.Table = {
    caption: `${analysis.model.label}: the fitted parameters`,
    head: ['parameter', 'estimate', 'std. error', '95% interval'],
    rows: e.parameters.map((p) => [
      p.name,
      { num: held.has(p.name) ? `held at ${Format.decimal(p.value, 3)}` : Format.decimal(p.value, 3) },
      { num: Format.decimal(p.standardError, 3) },
      {
        num:
          p.lower === null || p.upper === null
            ? Format.NONE
            : `${Format.decimal(p.lower, 3)} – ${Format.decimal(p.upper, 3)}`,
      },
    ]),
  }
  const notes = [
    e.converged ? `converged after ${e.iterations} iterations` : 'did not converge: do not trust these figures',
    `log-likelihood ${Format.decimal(e.logLikelihood, 1)}, AIC ${Format.decimal(e.aic, 1)}`,
    ...e.boundaries.map((b) => `degenerate: ${b.meaning}`),
  ]
  return (
    `<figure class="chart wide table-only" id="clv-parameters" data-chart="clv-parameters"><figcaption><h3>${Html.escape(analysis.model.label)}: the fit</h3>` +
    `<p>${Html.escape(notes.join('; '))}.</p></figcaption>${Html.table(table)}</figure>`
  )
}

/**
 * The CLV section: the fit, the holdout tracking and frequency comparison (when a holdout was
 * evaluated), and the P(alive) distribution.
 */
export const section = (input: Input): Section.Section => {
  const { analysis, holdout } = input
  const m = analysis.model
  const end = holdout === undefined ? null : holdout.split.from
  const fitted = `${m.label} fitted on ${Format.count(m.customers)} customers (${Format.count(m.repeatBuyers)} repeat buyers)${end === null ? '' : ` with their purchases before ${iso(end)}`}.`
  const degenerate = m.estimate.degenerate
    ? ' The fit is degenerate (its maximum is at a boundary): read the notes under the fit before acting on it.'
    : ''
  const check =
    holdout === undefined
      ? ' No holdout check: fit on a calibration period (lifeline clv --holdout-from) to compare the model with what happened next.'
      : ` Over the holdout it predicted ${Format.decimal(holdout.evaluation.predictedPurchases, 1)} purchases against ${Format.count(holdout.evaluation.actualPurchases)} made (per customer: mean absolute error ${Format.decimal(holdout.evaluation.meanAbsoluteError, 3)}, bias ${holdout.evaluation.bias >= 0 ? '+' : ''}${Format.decimal(holdout.evaluation.bias, 3)}).`
  const body = [
    parameters(analysis),
    ...(holdout === undefined ? [] : [tracking(holdout.split, holdout.evaluation), byFrequency(holdout.evaluation)]),
    pAlive(analysis),
  ].join('')
  const why =
    input.choice === undefined
      ? ''
      : ` Chosen on evidence (as lifeline clv --model auto does), for the ${input.choice}.`
  return Section.make('clv', 'Predictive customer lifetime value', body, fitted + why + degenerate + check)
}
