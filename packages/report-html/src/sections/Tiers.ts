/**
 * Client tiers: how many customers are prospects, new, invested, regular or lapsed at the end of
 * the period, where each came from (its tier at the start), and what each tier has paid.
 */
import * as Plot from '@observablehq/plot'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import * as Html from '../Html.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const TIERS = ['prospect', 'new', 'invested', 'regular', 'lapsed'] as const
/** The tiers at the start, `none` named so that Plot does not read it as the colour `none`. */
const FROM = ['no tier', ...TIERS] as const
/** A colour per tier at the start: grey for none, then blues to green, red for lapsed. */
const COLOURS = ['#bdbdbd', '#9ecae1', '#6baed6', '#2171b5', '#31a354', '#de2d26']

/** The client tiers section. */
export const section = (r: Input): Section.Section => {
  const { counts, revenueCents, moves } = r.tiers
  const o = r.options
  const total = TIERS.reduce((n, t) => n + counts[t], 0)
  const movesLabels = {
    id: 'tiers-moves',
    title: 'Client tiers at the end of the period, by tier at the start',
    description: `Horizontal bars: the customers of each tier at the end of the period, each bar split by the tier the same customers were in at its start (no tier: not yet known, or a lead that left). New: first purchase within ${o.newDays} days; regular: ${o.regularPurchases} or more purchases in ${o.regularWindowDays} days; invested: other active buyers; lapsed: bought, then churned.`,
  }
  const into = moves.filter((m) => m.to !== 'none').map((m) => ({ ...m, from: m.from === 'none' ? 'no tier' : m.from }))
  const movesTable = {
    caption: 'Moves between tiers (customers), start to end of the period',
    head: ['tier at the start', 'tier at the end', 'customers'],
    rows: moves.map((m) => [m.from, m.to, { num: Format.count(m.count) }]),
  }
  const movesFigure =
    total === 0
      ? Chart.empty(movesLabels, 'No prospect or customer at the end of the period.')
      : Chart.figure(
          Chart.draw(movesLabels, {
            height: 60 + TIERS.length * 30,
            marginLeft: 80,
            marginRight: 50,
            x: { grid: true, label: 'Customers' },
            y: { domain: [...TIERS], label: null },
            color: { domain: [...FROM], range: COLOURS },
            colorLegend: true,
            marks: [
              Plot.barX(into, {
                y: 'to',
                x: 'count',
                fill: 'from',
                order: [...FROM],
                ariaDescription: 'customers',
              }),
              Plot.text(
                TIERS.map((t) => ({ tier: t, n: counts[t] })),
                { y: 'tier', x: 'n', text: (d: { n: number }) => Format.count(d.n), textAnchor: 'start', dx: 6 },
              ),
              Plot.ruleX([0]),
            ],
          }),
          movesTable,
        )
  const currencies = [...new Set(TIERS.flatMap((t) => Object.keys(revenueCents[t])))].sort()
  const revenueLabels = {
    id: 'tiers-revenue',
    title: 'Net revenue by client tier',
    description:
      'Horizontal bars, one panel per currency: each tier’s share of that currency’s net revenue (purchases minus refunds, all time before the end of the period) from the customers in the tier at the end. The amounts are at the end of the bars and in the table.',
  }
  const revenueRows = currencies.flatMap((currency) => {
    const sum = TIERS.reduce((s, t) => s + Math.max(0, revenueCents[t][currency] ?? 0), 0)
    return TIERS.filter((t) => revenueCents[t][currency] !== undefined).map((t) => {
      const cents = revenueCents[t][currency]!
      return {
        currency,
        tier: t,
        share: sum === 0 ? 0 : Math.max(0, cents) / sum,
        label: Format.money(cents, currency),
      }
    })
  })
  const revenueTable = {
    caption: 'Client tiers at the end of the period',
    head: ['tier', 'customers', ...currencies.map((c) => `net revenue ${c}`), 'NPS'],
    rows: TIERS.map((t) => [
      t,
      { num: Format.count(counts[t]) },
      ...currencies.map((c) => ({ num: Format.money(revenueCents[t][c] ?? null, c) })),
      { num: Format.decimal(r.satisfaction.npsByTier[t]) },
    ]),
  }
  const revenueFigure =
    revenueRows.length === 0
      ? Chart.empty(revenueLabels, 'No customer of a tier has paid anything yet.') + Html.table(revenueTable)
      : Chart.figure(
          Chart.draw(revenueLabels, {
            height: 40 + currencies.length * (TIERS.length * 24 + 20),
            marginLeft: 80,
            marginRight: 110,
            x: { percent: true, domain: [0, 100], grid: true, label: 'Share of the currency’s net revenue (%)' },
            y: { domain: [...TIERS], label: null },
            fy: { domain: currencies, label: null },
            color: { domain: [...TIERS], range: COLOURS.slice(1) },
            marks: [
              Plot.barX(revenueRows, { y: 'tier', x: 'share', fy: 'currency', fill: 'tier', ariaDescription: 'share' }),
              Plot.text(revenueRows, {
                y: 'tier',
                x: 'share',
                fy: 'currency',
                text: 'label',
                textAnchor: 'start',
                dx: 6,
              }),
              Plot.ruleX([0]),
            ],
          }),
          revenueTable,
          { wide: currencies.length > 1 },
        )
  const ready = r.leads.salesReady
  return Section.make(
    'tiers',
    'Client tiers',
    movesFigure + revenueFigure,
    `${Format.count(counts.new)} new, ${Format.count(counts.invested)} invested and ${Format.count(counts.regular)} regular clients, ${Format.count(counts.lapsed)} lapsed and ${Format.count(counts.prospect)} prospects at the end of the period; ${Format.count(ready)} of the period’s ${Format.count(r.leads.new)} new leads became sales-ready (score ${Format.decimal(o.scoring.threshold, 0)} or more).`,
  )
}
