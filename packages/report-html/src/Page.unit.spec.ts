import { Fixtures } from '@lifeline/core/testing'
import { Fold, Report } from '@lifeline/projections'
import { parseHTML } from 'linkedom'
import { describe, expect, it } from 'vitest'
import * as Page from './Page.js'
import * as Section from './Section.js'

const { optedIn, purchased, refunded, surveyed } = Fixtures

// Period [2025-01-01, 2025-03-15T12:00Z): it ends in the middle of March.
//  ann: lead via the channel `<b>seo</b>` (a name to escape), buys books in January (10.00 USD) and
//       something in February (5.00 USD), 2.00 USD of which is refunded; answers NPS 9.
//  bob: lead via ads (cost 3.00), buys in February (20.00 EUR); answers NPS 3.
//  cat: lead via ads (cost 5.00), never buys; answers CSAT 5.
const events = [
  optedIn('ann', '2025-01-05T10:00:00Z', { channel: '<b>seo</b>' }),
  purchased('ann', '2025-01-10T10:00:00Z', 'a1', 1000, 'USD', 'books'),
  optedIn('bob', '2025-01-20T10:00:00Z', { channel: 'ads', acquisitionCostCents: 300 }),
  purchased('ann', '2025-02-03T10:00:00Z', 'a2', 500),
  optedIn('cat', '2025-02-01T10:00:00Z', { channel: 'ads', acquisitionCostCents: 500 }),
  purchased('bob', '2025-02-10T10:00:00Z', 'b1', 2000, 'EUR'),
  refunded('ann', '2025-02-20T10:00:00Z', 'a2', 200),
  surveyed('ann', '2025-03-01T10:00:00Z', 'nps', 9),
  surveyed('bob', '2025-03-02T10:00:00Z', 'nps', 3),
  surveyed('cat', '2025-03-03T10:00:00Z', 'csat', 5),
]
const report = Fold.run(Report.fold({ from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 2, 15, 12) }), events)
const html = Page.render(report)
const { document } = parseHTML(html)
const chart = (id: string) => document.querySelector(`figure[data-chart="${id}"]`)
const marks = (id: string, description: string, element = 'rect'): number =>
  chart(id)?.querySelectorAll(`g[aria-description="${description}"] > ${element}`).length ?? -1

describe('the report page', () => {
  it('shows the key figures of the report, formatted, each naming its field', () => {
    const figure = (field: string) => document.querySelector(`dd[data-figure="${field}"]`)?.textContent
    expect(figure('leads.new')).toBe('3')
    expect(figure('conversion.leadToCustomer')).toBe('66.7%') // ann and bob of 3 leads
    expect(figure('customers.active')).toBe('2')
    expect(figure('customers.new')).toBe('2')
    expect(figure('churn.rate')).toBe('—') // nobody active at `from`: no base
    expect(figure('retention.rate')).toBe('—')
    // Net revenue, one tile per currency, never summed: 10.00 + 5.00 - 2.00 USD and 20.00 EUR.
    const revenue = [...document.querySelectorAll('dd[data-figure^="revenue."]')].map((d) => [
      d.getAttribute('data-figure'),
      d.textContent,
    ])
    expect(revenue).toEqual([
      ['revenue.netCents.EUR', '20.00 EUR'],
      ['revenue.netCents.USD', '13.00 USD'],
    ])
    // NPS: one promoter (ann, 9) and one detractor (bob, 3) of two: 100 * (1 - 1) / 2 = 0.
    expect(figure('satisfaction.nps.score')).toBe('0.0')
  })

  it('draws a heatmap cell per cohort month and outlines the month cut short by the period’s end', () => {
    // Cohort 2025-01 (ann): January, February, March = 3 cells; cohort 2025-02 (bob): 2 cells.
    expect(marks('cohort-retention', 'retention cells')).toBe(5)
    // The period ends on 15 March at noon: each cohort's March cell is incomplete.
    expect(marks('cohort-retention', 'incomplete months')).toBe(2)
    expect(chart('cohort-retention')?.querySelector('.note')?.textContent).toContain('2025-03-15T12:00:00.000Z')
  })

  it('draws the lifecycle parts that are not zero, and the quick ratio where some buyer went dormant', () => {
    // January: 1 new. February: 1 new (bob), 1 returning (ann). March: 2 dormant. Four bars.
    expect(marks('lifecycle', 'lifecycle bars')).toBe(4)
    // Quick ratio: January and February have no dormant buyer (no ratio); March (0 + 0) / 2 = 0.
    expect(marks('quick-ratio', 'quick ratio', 'circle')).toBe(1)
  })

  it('draws the funnel, the channels and the one ROI that exists', () => {
    expect(marks('funnel', 'funnel steps')).toBe(5)
    expect(marks('channels-leads', 'leads')).toBe(2)
    expect(marks('channels-leads', 'converted')).toBe(2)
    // ads: cost 3.00 + 5.00 = 8.00, revenue 20.00 EUR: ROI (2000 - 800) / 800 = 150%. seo has no cost.
    expect(marks('channels-roi', 'roi')).toBe(1)
    const roi = [...document.querySelectorAll('#channels-leads tbody tr')].map((tr) => tr.lastElementChild?.textContent)
    expect(roi).toEqual(['150%', '—'])
  })

  it('draws a bar per month of the trends, and the churn rate only where it has a base', () => {
    // January to March: three months, a bar for each even when it is zero.
    expect(marks('trend-leads', 'new leads')).toBe(3)
    expect(marks('trend-leads', 'converted')).toBe(3)
    // January has no base (nobody active at `from`); February's base is ann, March's ann and bob.
    expect(marks('trend-churn', 'churn rate')).toBe(2)
    // USD in January and February; EUR in February only: one bar per month with a purchase.
    expect(marks('trend-revenue-usd', 'revenue')).toBe(2)
    expect(marks('trend-revenue-eur', 'revenue')).toBe(1)
  })

  it('draws the refunds, the categories, the value curves and the answers of the report', () => {
    // Per currency: revenue, refunded, net revenue.
    expect(marks('refunds-usd', 'amounts')).toBe(3)
    // Only ann's January order carries a category: one bar, in USD; none in EUR.
    expect(marks('categories-usd', 'categories')).toBe(1)
    expect(chart('categories-eur')).toBeNull()
    // A value curve per cohort that paid in the currency: January in USD, February in EUR.
    expect(marks('cohort-ltv-usd', 'value curves', 'path')).toBe(1)
    expect(marks('cohort-ltv-eur', 'value curves', 'path')).toBe(1)
    // NPS detractors and promoters (no passive), CSAT satisfied (no one unsatisfied): 3 parts.
    expect(marks('satisfaction', 'answers')).toBe(3)
  })

  it('draws the client tiers by tier at the start, and their net revenue per currency', () => {
    // At the end (15 March): ann and bob are new (first purchases 10 January, 10 February, within
    // 90 days); cat a prospect. At the start (1 January) nobody was known: none -> new 2,
    // none -> prospect 1: two bar parts.
    expect(marks('tiers-moves', 'customers')).toBe(2)
    const moves = [...chart('tiers-moves')!.querySelectorAll('tbody tr')].map((tr) => tr.textContent)
    expect(moves).toEqual(['noneprospect1', 'nonenew2'])
    // Net revenue: one bar for new in each currency (EUR 20.00 from bob; USD 10 + 5 - 2 from ann).
    // (A panel per currency: the bars are in a group per panel.)
    expect(chart('tiers-revenue')?.querySelectorAll('g[aria-description="share"] rect').length).toBe(2)
    const rows = [...chart('tiers-revenue')!.querySelectorAll('tbody tr')].map((tr) => tr.textContent)
    // NPS of the new: ann 9 (promoter), bob 3 (detractor): 0.
    expect(rows).toContain('new220.00 EUR13.00 USD0.0')
    expect(rows).toContain('prospect1———')
  })

  it('gives every chart an accessible name and description', () => {
    const svgs = [...document.querySelectorAll('figure.chart svg[role="img"]')]
    // Trends: leads, customers, churn, revenue in EUR and in USD (5); funnel; heatmap and the
    // lifetime value in EUR and in USD (3); lifecycle and quick ratio (2); channel leads and ROI
    // (2); refunds in EUR and in USD, categories in USD (3); satisfaction (1); client tiers and their
    // revenue (2): 19. No campaign and no churn: their figures say so, without a chart.
    expect(svgs.length).toBe(19)
    expect(document.querySelectorAll('figure.chart:not(.empty)').length).toBe(19)
    expect(chart('churn-reasons')?.classList.contains('empty')).toBe(true)
    expect(chart('campaigns-leads')?.classList.contains('empty')).toBe(true)
    for (const svg of svgs) {
      expect(svg.querySelector('title')?.textContent).toBe(svg.getAttribute('aria-label'))
      expect(svg.querySelector('desc')?.textContent?.length).toBeGreaterThan(40)
    }
  })

  it('escapes names from the events everywhere and embeds the report as JSON', () => {
    expect(html).not.toContain('<b>seo</b>')
    // ads has 2 leads, <b>seo</b> 1: the second row.
    expect(document.querySelectorAll('#channels-leads tbody th')[1]?.textContent).toBe('<b>seo</b>')
    const embedded = document.querySelector('script#lifeline-report')
    expect(embedded?.getAttribute('type')).toBe('application/json')
    expect(JSON.parse(embedded!.textContent)).toEqual(JSON.parse(JSON.stringify(report)))
  })

  it('loads nothing: no script to run, no external URL, and a policy that forbids requests', () => {
    expect(document.querySelectorAll('script:not([type="application/json"])').length).toBe(0)
    expect(html).not.toMatch(/(src|href)="(?!#)/)
    expect(html).not.toMatch(/url\(/)
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')
    expect(csp).toContain("default-src 'none'")
  })

  it('places a caller’s section after the built-in section it names, or at the end', () => {
    const clv = Section.make('clv', 'Predictive CLV', '<p>fit</p>')
    const last = Section.make('notes', 'Notes', '<p>n</p>')
    const ids = Page.sections(report, {
      sections: [{ after: 'revenue', section: clv }, { section: last }],
    }).map((s) => s.id)
    expect(ids.indexOf('clv')).toBe(ids.indexOf('revenue') + 1)
    expect(ids.at(-1)).toBe('notes')
  })
})

describe('the page of an empty log', () => {
  it('says there is nothing to draw instead of drawing empty charts', () => {
    const empty = parseHTML(Page.render(Fold.run(Report.fold(), []))).document
    expect(empty.querySelectorAll('svg[role="img"]').length).toBe(0)
    expect(empty.querySelector('dd[data-figure="leads.new"]')?.textContent).toBe('0')
    expect(empty.querySelector('#funnel .note')?.textContent).toBe('No new leads in the period.')
    expect(empty.querySelector('#cohort-retention .note')?.textContent).toBe(
      'No purchase before the end of the period.',
    )
    expect(empty.querySelector('.period')?.textContent).toBe('Period — to — (UTC, the end excluded)')
  })
})
