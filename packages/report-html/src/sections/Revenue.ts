/**
 * Revenue, refunds and revenue by category: per currency, the period's revenue, what was
 * refunded and the net; and the revenue of the purchases that carry a category, by category.
 */
import * as Plot from '@observablehq/plot'
import * as Axis from '../Axis.js'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The revenue section. */
export const section = (r: Input): Section.Section => {
  const money = r.revenue
  const refunded = money.refundedCents
  const net = money.netCents
  const byCategory = money.byCategory
  const currencies = [
    ...new Set([...Object.keys(money.totalCents), ...Object.keys(refunded), ...Object.keys(net)]),
  ].sort()
  const figures: string[] = []
  for (const currency of currencies) {
    const bars = [
      { what: 'revenue', cents: money.totalCents[currency] ?? 0 },
      { what: 'refunded', cents: refunded[currency] ?? 0 },
      { what: 'net revenue', cents: net[currency] ?? 0 },
    ].map((b) => ({ ...b, amount: Format.major(b.cents, currency), label: Format.money(b.cents, currency) }))
    figures.push(
      Chart.figure(
        Chart.draw(
          {
            id: `refunds-${currency.toLowerCase()}`,
            title: `Revenue, refunds and net revenue (${currency})`,
            description: `Horizontal bars in ${currency}: the revenue of the period’s purchases, the refunds made in the period (of any order), and the net revenue, the first minus the second.`,
          },
          {
            height: 150,
            marginLeft: 95,
            marginRight: 120,
            x: { grid: true, label: Axis.moneyLabel('Amount', currency) },
            y: { domain: bars.map((b) => b.what), label: null },
            color: { domain: ['revenue', 'refunded', 'net revenue'], range: ['#9ecae1', '#de2d26', '#08519c'] },
            marks: [
              Plot.barX(bars, { y: 'what', x: 'amount', fill: 'what', ariaDescription: 'amounts' }),
              Plot.text(bars, {
                y: 'what',
                x: (b: (typeof bars)[number]) => Math.max(0, b.amount),
                text: 'label',
                textAnchor: 'start',
                dx: 6,
              }),
              Plot.ruleX([0]),
            ],
          },
        ),
        {
          caption: `Revenue and refunds (${currency})`,
          head: ['figure', 'amount'],
          rows: bars.map((b) => [b.what, { num: b.label }]),
        },
      ),
    )
    const categories = Object.entries(byCategory)
      .filter(([, amounts]) => amounts[currency] !== undefined)
      .map(([category, amounts]) => ({
        category,
        amount: Format.major(amounts[currency]!, currency),
        label: Format.money(amounts[currency]!, currency),
      }))
      .sort((a, b) => b.amount - a.amount || (a.category < b.category ? -1 : 1))
    if (categories.length > 0) {
      figures.push(
        Chart.figure(
          Chart.draw(
            {
              id: `categories-${currency.toLowerCase()}`,
              title: `Revenue by category (${currency})`,
              description: `Horizontal bars: the revenue in ${currency} of the period’s purchases that carry each category, largest first (purchases without a category are not shown).`,
            },
            {
              height: 60 + categories.length * 24,
              marginLeft: 120,
              marginRight: 120,
              x: { grid: true, label: Axis.moneyLabel('Revenue', currency) },
              y: { domain: categories.map((c) => c.category), label: null },
              marks: [
                Plot.barX(categories, { y: 'category', x: 'amount', fill: '#6baed6', ariaDescription: 'categories' }),
                Plot.text(categories, { y: 'category', x: 'amount', text: 'label', textAnchor: 'start', dx: 6 }),
                Plot.ruleX([0]),
              ],
            },
          ),
          {
            caption: `Revenue by category (${currency})`,
            head: ['category', 'revenue'],
            rows: categories.map((c) => [c.category, { num: c.label }]),
          },
        ),
      )
    }
  }
  const refunds = r.refunds
  const lead =
    `Average order value ${Format.perCurrency(r.aovCents)}; repeat purchase rate ${Format.percent(r.repeatPurchaseRate)}; historic CLV ${Format.perCurrency(r.clv.historicAverageCents)}; formula CLV ${Format.perCurrency(r.clv.formulaCents)}.` +
    ` ${Format.count(refunds.count)} refunds in the period; ${Format.percent(refunds.orderRate)} of its orders were refunded; cross-sell ${Format.percent(r.crossSell.rate)}, upsell ${Format.percent(r.upsell.rate)}.`
  return Section.make(
    'revenue',
    'Revenue, refunds and categories',
    figures.length === 0 ? '<p class="note">No purchase and no refund in the period.</p>' : figures.join(''),
    lead,
  )
}
