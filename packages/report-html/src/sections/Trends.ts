/**
 * Monthly trends: leads and conversions, new and active customers, churn rate, and revenue and net
 * revenue (one chart per currency: money is never summed across currencies).
 */
import * as Plot from '@observablehq/plot'
import * as Axis from '../Axis.js'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import type { Input, TrendMonth } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Room for money ticks (`40,000`) on the left and two-line month ticks below. */
const MONTHLY = { marginLeft: 60, marginBottom: 40 } as const

const COLORS = {
  leads: '#9ecae1',
  converted: '#08519c',
  new: '#74c476',
  active: '#08519c',
  gross: '#9ecae1',
  net: '#08519c',
}

/** The x axis of a monthly chart: one band per month, readable ticks. */
const monthAxis = (months: readonly string[]) => ({
  type: 'band' as const,
  domain: [...months],
  ticks: Axis.monthTicks(months),
  tickFormat: Axis.monthTick(months),
  label: null,
  padding: 0.15,
})

/** The currencies of the trends' money, in code order. */
export const currencies = (trends: readonly TrendMonth[]): string[] =>
  [...new Set(trends.flatMap((t) => [...Object.keys(t.revenueCents), ...Object.keys(t.netRevenueCents)]))].sort()

/** The trends section; null when the report has no trends (an empty log). */
export const section = (report: Input): Section.Section | null => {
  const trends = report.trends
  if (trends.length === 0) return null
  const months = trends.map((t) => t.month)
  const x = monthAxis(months)
  const figures: string[] = []

  figures.push(
    Chart.figure(
      Chart.draw(
        {
          id: 'trend-leads',
          title: 'Leads and conversions by month',
          description:
            'For each month of the period: new leads (first opt-in that month, light bars) and how many of them became customers by the end of the period (dark bars).',
        },
        {
          height: 260,
          ...MONTHLY,
          x,
          y: { grid: true, label: 'Leads' },
          color: { domain: ['new leads', 'converted'], range: [COLORS.leads, COLORS.converted] },
          colorLegend: true,
          marks: [
            Plot.barY(trends, { x: 'month', y: 'newLeads', fill: () => 'new leads', ariaDescription: 'new leads' }),
            Plot.barY(trends, {
              x: 'month',
              y: 'converted',
              fill: () => 'converted',
              // Narrower than the leads' bars while there is room for both to show.
              insetLeft: months.length > 18 ? 1 : 4,
              insetRight: months.length > 18 ? 1 : 4,
              ariaDescription: 'converted',
            }),
            Plot.ruleY([0]),
          ],
        },
      ),
      {
        caption: 'Leads and conversions by month',
        head: ['month', 'new leads', 'converted', 'lead to customer'],
        rows: trends.map((t) => [
          t.month,
          { num: Format.count(t.newLeads) },
          { num: Format.count(t.converted) },
          { num: Format.percent(t.newLeads === 0 ? null : t.converted / t.newLeads) },
        ]),
      },
    ),
  )

  figures.push(
    Chart.figure(
      Chart.draw(
        {
          id: 'trend-customers',
          title: 'New and active customers by month',
          description:
            'Bars: customers whose first purchase fell in the month. Line: customers active at the end of the month (their latest purchase or churn is a purchase).',
        },
        {
          height: 260,
          ...MONTHLY,
          x,
          y: { grid: true, label: 'Customers' },
          color: { domain: ['new customers', 'active at month end'], range: [COLORS.new, COLORS.active] },
          colorLegend: true,
          marks: [
            Plot.barY(trends, {
              x: 'month',
              y: 'newCustomers',
              fill: () => 'new customers',
              ariaDescription: 'new customers',
            }),
            Plot.line(trends, { x: 'month', y: 'activeAtEnd', stroke: () => 'active at month end', strokeWidth: 2 }),
            Plot.dot(trends, {
              x: 'month',
              y: 'activeAtEnd',
              fill: () => 'active at month end',
              r: 3,
              ariaDescription: 'active at month end',
            }),
            Plot.ruleY([0]),
          ],
        },
      ),
      {
        caption: 'New and active customers by month',
        head: ['month', 'new customers', 'active at month end'],
        rows: trends.map((t) => [t.month, { num: Format.count(t.newCustomers) }, { num: Format.count(t.activeAtEnd) }]),
      },
    ),
  )

  const rated = trends.filter((t) => t.churnRate !== null)
  figures.push(
    Chart.figure(
      Chart.draw(
        {
          id: 'trend-churn',
          title: 'Churn rate by month',
          description:
            'Share of the customers active at the start of each month who churned during it, in percent. A month with no active customer at its start has no rate and no bar.',
        },
        {
          height: 220,
          ...MONTHLY,
          x,
          y: { grid: true, percent: true, label: 'Churn rate (%)' },
          marks: [
            Plot.barY(rated, { x: 'month', y: 'churnRate', fill: '#cb181d', ariaDescription: 'churn rate' }),
            Plot.ruleY([0]),
          ],
        },
      ),
      {
        caption: 'Churn by month',
        head: ['month', 'churned', 'churn rate'],
        rows: trends.map((t) => [t.month, { num: Format.count(t.churned) }, { num: Format.percent(t.churnRate) }]),
      },
    ),
  )

  for (const currency of currencies(trends)) {
    const rows = trends.map((t) => ({
      month: t.month,
      gross: t.revenueCents[currency] === undefined ? null : Format.major(t.revenueCents[currency], currency),
      net: t.netRevenueCents[currency] === undefined ? null : Format.major(t.netRevenueCents[currency], currency),
    }))
    figures.push(
      Chart.figure(
        Chart.draw(
          {
            id: `trend-revenue-${currency.toLowerCase()}`,
            title: `Revenue and net revenue by month (${currency})`,
            description: `Bars: revenue of the purchases in each month, in ${currency}. Line: net revenue, that revenue minus the refunds made in the month (it can be negative).`,
          },
          {
            height: 260,
            ...MONTHLY,
            x,
            y: { grid: true, label: Axis.moneyLabel('Revenue', currency) },
            color: { domain: ['revenue', 'net revenue'], range: [COLORS.gross, COLORS.net] },
            colorLegend: true,
            marks: [
              Plot.barY(
                rows.filter((r) => r.gross !== null),
                { x: 'month', y: 'gross', fill: () => 'revenue', ariaDescription: 'revenue' },
              ),
              Plot.line(
                rows.filter((r) => r.net !== null),
                { x: 'month', y: 'net', stroke: () => 'net revenue', strokeWidth: 2 },
              ),
              Plot.dot(
                rows.filter((r) => r.net !== null),
                { x: 'month', y: 'net', fill: () => 'net revenue', r: 3, ariaDescription: 'net revenue' },
              ),
              Plot.ruleY([0]),
            ],
          },
        ),
        {
          caption: `Revenue by month (${currency})`,
          head: ['month', 'revenue', 'net revenue'],
          rows: trends.map((t) => [
            t.month,
            { num: Format.money(t.revenueCents[currency] ?? null, currency) },
            { num: Format.money(t.netRevenueCents[currency] ?? null, currency) },
          ]),
        },
      ),
    )
  }
  return Section.make(
    'trends',
    'Trends by month',
    figures.join(''),
    'Each month of the period, clipped to the period at its ends (a month the period starts or ends in counts only its part inside).',
  )
}
