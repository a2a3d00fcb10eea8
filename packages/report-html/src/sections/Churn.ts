/**
 * Churn: the customers active at the start of the period who churned in it, by the reason of
 * their first churn.
 */
import * as Plot from '@observablehq/plot'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The churn section. */
export const section = (r: Input): Section.Section => {
  const byReason = r.churn.byReason
  const labels = {
    id: 'churn-reasons',
    title: 'Churned customers by reason',
    description:
      'Horizontal bars: the customers active at the start of the period who churned in it, by the reason of their first churn in the period (inactive: implicit churn after the inactivity days).',
  }
  const rows = Object.entries(byReason)
    .map(([reason, n]) => ({ reason, n }))
    .sort((a, b) => b.n - a.n || (a.reason < b.reason ? -1 : 1))
  const body =
    rows.length === 0
      ? Chart.empty(labels, 'No customer active at the start of the period churned in it.')
      : Chart.figure(
          Chart.draw(labels, {
            height: 60 + rows.length * 24,
            marginLeft: 120,
            marginRight: 50,
            x: { grid: true, label: 'Customers' },
            y: { domain: rows.map((x) => x.reason), label: null },
            marks: [
              Plot.barX(rows, { y: 'reason', x: 'n', fill: '#de2d26', ariaDescription: 'reasons' }),
              Plot.text(rows, {
                y: 'reason',
                x: 'n',
                text: (x: (typeof rows)[number]) => Format.count(x.n),
                textAnchor: 'start',
                dx: 6,
              }),
              Plot.ruleX([0]),
            ],
          }),
          {
            caption: 'Churn by reason',
            head: ['reason', 'customers'],
            rows: rows.map((x) => [x.reason, { num: Format.count(x.n) }]),
          },
        )
  return Section.make(
    'churn',
    'Churn and retention',
    body,
    `${Format.count(r.churn.count)} of the customers active at the start churned (${Format.percent(r.churn.rate)}); ${Format.percent(r.retention.rate)} were still active at the end.`,
  )
}
