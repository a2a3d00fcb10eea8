/**
 * The monthly lifecycle on purchase activity: new, returning and resurrecting buyers as stacked
 * bars above zero, dormant ones below, and the quick ratio (new + resurrecting) / dormant.
 */
import * as Plot from '@observablehq/plot'
import * as Axis from '../Axis.js'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The quick ratio of a month: (new + resurrecting) / |dormant|, null when no buyer went dormant
 * (dormant is reported as a negative number; the ratio divides by how many there were).
 */
export const quickRatio = (m: Input['lifecycle'][number]): number | null =>
  m.dormant === 0 ? null : (m.new + m.resurrecting) / -m.dormant

/** Room for the ticks on the left and two-line month ticks below. */
const MONTHLY = { marginLeft: 50, marginBottom: 40 } as const

const KINDS = ['new', 'returning', 'resurrecting', 'dormant'] as const

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The lifecycle section. */
export const section = (r: Input): Section.Section => {
  const labels = {
    id: 'lifecycle',
    title: 'Buyers by month: new, returning, resurrecting and dormant',
    description:
      'Stacked bars per month: buyers whose first purchase fell in the month (new), who bought in the month before too (returning), who came back after a gap (resurrecting); below zero, those who bought the month before but not in this one (dormant).',
  }
  if (r.lifecycle.length === 0) {
    return Section.make('lifecycle', 'Lifecycle', Chart.empty(labels, 'No purchase before the end of the period.'))
  }
  const months = r.lifecycle.map((m) => m.month)
  const x = {
    type: 'band' as const,
    domain: months,
    ticks: Axis.monthTicks(months),
    tickFormat: Axis.monthTick(months),
    label: null,
    padding: 0.15,
  }
  // Zero counts draw nothing: only the non-zero parts of each month are bars.
  const parts = r.lifecycle.flatMap((m) =>
    KINDS.filter((kind) => m[kind] !== 0).map((kind) => ({ month: m.month, kind, buyers: m[kind] })),
  )
  const ratios = r.lifecycle.flatMap((m) => {
    const q = quickRatio(m)
    return q === null ? [] : [{ month: m.month, ratio: q }]
  })
  const bars = Chart.figure(
    Chart.draw(labels, {
      height: 300,
      ...MONTHLY,
      x,
      y: { grid: true, label: 'Buyers' },
      color: { domain: [...KINDS], range: ['#31a354', '#3182bd', '#fd8d3c', '#de2d26'] },
      colorLegend: true,
      marks: [
        Plot.barY(parts, {
          x: 'month',
          y: 'buyers',
          fill: 'kind',
          order: [...KINDS],
          ariaDescription: 'lifecycle bars',
        }),
        Plot.ruleY([0]),
      ],
    }),
    {
      caption: 'Buyers by month',
      head: ['month', 'new', 'returning', 'resurrecting', 'dormant', 'quick ratio'],
      rows: r.lifecycle.map((m) => [
        m.month,
        { num: Format.count(m.new) },
        { num: Format.count(m.returning) },
        { num: Format.count(m.resurrecting) },
        { num: Format.count(m.dormant) },
        { num: Format.decimal(quickRatio(m), 2) },
      ]),
    },
    { wide: true },
  )
  const quick = Chart.figure(
    Chart.draw(
      {
        id: 'quick-ratio',
        title: 'Quick ratio by month',
        description:
          'Dots: (new + resurrecting buyers) / dormant buyers in each month. Above the line at 1 the buyer base grows; a month with no dormant buyer has no ratio.',
      },
      {
        height: 220,
        ...MONTHLY,
        x,
        y: { grid: true, label: 'Quick ratio', zero: true },
        marks: [
          Plot.ruleY([1], { stroke: '#888', strokeDasharray: '4,3' }),
          Plot.line(ratios, { x: 'month', y: 'ratio', stroke: '#756bb1' }),
          Plot.dot(ratios, { x: 'month', y: 'ratio', fill: '#756bb1', r: 3, ariaDescription: 'quick ratio' }),
        ],
      },
    ),
    null,
    { note: 'The numbers are in the last column of the table above.' },
  )
  return Section.make(
    'lifecycle',
    'Lifecycle',
    bars + quick,
    'Purchase activity month by month, from the earliest purchase to the month of the period’s end.',
  )
}
