/**
 * Cohorts: the retention heatmap (a cell per cohort and month since the first purchase, the month
 * still under way at the period's end outlined) and the cohorts' lifetime value curves, one chart
 * per currency.
 */
import * as Plot from '@observablehq/plot'
import * as Axis from '../Axis.js'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import * as Html from '../Html.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * True when the last month of the table is cut short by the period's end: `to` is not the first
 * instant of a month, so every cohort's last cell counts only part of that month.
 */
export const lastMonthIncomplete = (to: string | null): boolean => {
  if (to === null) return false
  const d = new Date(to)
  return !(
    d.getUTCDate() === 1 &&
    d.getUTCHours() === 0 &&
    d.getUTCMinutes() === 0 &&
    d.getUTCSeconds() === 0 &&
    d.getUTCMilliseconds() === 0
  )
}

/** The currencies of the cohorts' lifetime value curves, in code order. */
export const currencies = (r: Input): string[] =>
  [...new Set(r.cohorts.flatMap((c) => Object.keys(c.netRevenuePerCustomerCents)))].sort()

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The cohorts section: the heatmap, then the lifetime value curves. */
export const section = (r: Input): Section.Section => {
  const heatLabels = {
    id: 'cohort-retention',
    title: 'Cohort retention',
    description:
      'Heatmap: a row per cohort (customers whose first purchase fell in that month), a column per month since; each cell is the percentage of the cohort that bought in that month, darker for a larger share. Month 0 is 100% by definition.',
  }
  if (r.cohorts.length === 0) {
    return Section.make('cohorts', 'Cohorts', Chart.empty(heatLabels, 'No purchase before the end of the period.'))
  }
  const incomplete = lastMonthIncomplete(r.period.to)
  const cells = r.cohorts.flatMap((c) =>
    c.retention.map((share, k) => ({
      cohort: c.month,
      k,
      share,
      partial: incomplete && k === c.retention.length - 1,
    })),
  )
  const width = Math.max(...r.cohorts.map((c) => c.retention.length))
  const cohortMonths = r.cohorts.map((c) => c.month)
  const dense = width > 14
  /** Pixels per column: room for a percent in each cell, or colour only when the table is dense. */
  const cell = dense ? 24 : 40
  const figures: string[] = []
  figures.push(
    Chart.figure(
      Chart.draw(heatLabels, {
        width: 80 + width * cell,
        height: 50 + r.cohorts.length * (dense ? 18 : 26),
        marginLeft: 80,
        marginTop: 56,
        padding: 0.04,
        x: {
          type: 'band',
          domain: Array.from({ length: width }, (_, k) => k),
          label: 'Months since the first purchase',
          axis: 'top',
          tickFormat: String,
          ...(dense ? { ticks: Array.from({ length: width }, (_, k) => k).filter((k) => k % 3 === 0) } : {}),
        },
        y: { type: 'band', domain: cohortMonths, label: null, tickFormat: Axis.monthLabel },
        // Ten steps of 10% (a stepped scale: its legend is drawn as rectangles, with no canvas).
        color: {
          type: 'threshold',
          domain: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
          scheme: 'blues',
          tickFormat: (d: number) => `${Math.round(d * 100)}%`,
          label: 'Share of the cohort buying',
        },
        colorLegend: true,
        marks: [
          Plot.cell(cells, { x: 'k', y: 'cohort', fill: 'share', ariaDescription: 'retention cells' }),
          Plot.cell(
            cells.filter((c) => c.partial),
            {
              x: 'k',
              y: 'cohort',
              fill: null,
              stroke: '#d94801',
              strokeWidth: 2,
              strokeDasharray: '3,2',
              inset: 1,
              ariaDescription: 'incomplete months',
            },
          ),
          ...(dense
            ? []
            : [
                Plot.text(cells, {
                  x: 'k',
                  y: 'cohort',
                  text: (d: (typeof cells)[number]) => String(Math.round(d.share * 100)),
                  fill: (d: (typeof cells)[number]) => (d.share > 0.55 ? 'white' : 'black'),
                  ariaHidden: 'true',
                }),
              ]),
        ],
      }),
      {
        caption: 'Cohort retention (share buying in month k after the first purchase)',
        head: ['cohort', 'size', ...Array.from({ length: width }, (_, k) => `m${k}`)],
        rows: r.cohorts.map((c) => [
          c.month,
          { num: Format.count(c.size) },
          ...c.retention.map((x, k) => ({
            num: Format.percent(x) + (incomplete && k === c.retention.length - 1 ? '*' : ''),
          })),
        ]),
      },
      {
        wide: true,
        minWidth: (80 + width * cell) * 0.8,
        note: incomplete
          ? `Outlined cells (and * in the table): the month that holds the period’s end (${Html.escape(r.period.to ?? '')}), counted only up to it.`
          : '',
      },
    ),
  )
  for (const currency of currencies(r)) {
    const points = r.cohorts.flatMap((c) =>
      (c.netRevenuePerCustomerCents[currency] ?? []).map((cents, k) => ({
        cohort: c.month,
        start: new Date(`${c.month}-01T00:00:00Z`),
        k,
        value: Format.major(cents, currency),
      })),
    )
    const withCurrency = r.cohorts.filter((c) => c.netRevenuePerCustomerCents[currency] !== undefined)
    const ends = withCurrency.map((c) => points.findLast((p) => p.cohort === c.month)!)
    const labelEvery = Math.max(1, Math.ceil(ends.length / 12))
    figures.push(
      Chart.figure(
        Chart.draw(
          {
            id: `cohort-ltv-${currency.toLowerCase()}`,
            title: `Lifetime value by cohort (${currency})`,
            description: `A line per cohort: its net revenue in ${currency} (purchases minus refunds) from the start of its month to the end of each month since, divided by the cohort’s size. Colour: the cohort’s month, from dark (oldest) to light (newest); the curves are named at their ends.`,
          },
          {
            height: 320,
            marginLeft: 60,
            marginRight: 70,
            x: { label: 'Months since the first purchase', grid: true, domain: [0, Math.max(1, width - 1)] },
            y: { grid: true, label: Axis.moneyLabel('Net revenue per customer', currency) },
            // Viridis without its palest yellows, so that every curve and label reads on white.
            color: { type: 'utc', scheme: 'viridis', range: [0, 0.82], label: 'Cohort' },
            marks: [
              Plot.ruleY([0]),
              Plot.line(points, {
                x: 'k',
                y: 'value',
                z: 'cohort',
                stroke: 'start',
                strokeWidth: 1.5,
                ariaDescription: 'value curves',
              }),
              // Each curve named at its end (every few cohorts when there are many).
              Plot.text(
                ends.filter((_, i) => i % labelEvery === labelEvery - 1 || i === ends.length - 1),
                {
                  x: 'k',
                  y: 'value',
                  text: (p: (typeof ends)[number]) => Axis.monthTick(cohortMonths)(p.cohort).replace('\n', ' '),
                  fontSize: 11,
                  fill: 'start',
                  textAnchor: 'start',
                  dx: 5,
                },
              ),
            ],
          },
        ),
        {
          caption: `Net revenue per customer by cohort, cumulative (${currency})`,
          head: ['cohort', 'size', ...Array.from({ length: width }, (_, k) => `m${k}`)],
          rows: withCurrency.map((c) => [
            c.month,
            { num: Format.count(c.size) },
            ...(c.netRevenuePerCustomerCents[currency] ?? []).map((cents) => ({ num: Format.money(cents, currency) })),
          ]),
        },
        { wide: true },
      ),
    )
  }
  return Section.make(
    'cohorts',
    'Cohorts',
    figures.join(''),
    'Customers grouped by the month of their first purchase, followed month by month up to the end of the period.',
  )
}
