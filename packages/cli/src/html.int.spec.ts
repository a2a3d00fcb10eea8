import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Report } from '@lifeline/projections'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Browser from './Browser.fixture.js'
import { run } from './run.fixture.js'

// The demo's page in headless Chromium: what a person opening it would get.
const dir = mkdtempSync(join(tmpdir(), 'lifeline-html-'))
const page = join(dir, 'demo.html')

/** The value at a dotted path of the report (`revenue.netCents.USD`). */
const at = (report: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((x, key) => (x as Record<string, unknown> | undefined)?.[key], report)

/** How the page writes a key figure, from the JSON value: worked out here, not taken from the page's code. */
const shown = (field: string, value: unknown): string => {
  if (value === null) return '—'
  const n = value as number
  if (field.endsWith('.rate') || field === 'conversion.leadToCustomer') return `${(n * 100).toFixed(1)}%`
  if (field.startsWith('revenue.')) {
    const currency = field.split('.').at(-1)!
    return `${(n / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`
  }
  if (field === 'satisfaction.nps.score')
    return n.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
  return n.toLocaleString('en')
}

describe.runIf(Browser.available())('the demo’s report page in headless Chromium', () => {
  let report: Report.Report
  let browser: Browser.Browser
  let visit: Browser.Visit

  beforeAll(async () => {
    const { status, stdout } = await run(['demo', '--db', join(dir, 'demo.db'), '--json', '--html', page])
    expect(status).toBe(0)
    report = JSON.parse(stdout) as Report.Report
    browser = await Browser.launch()
    visit = await Browser.open(browser, page)
  }, 120_000)
  afterAll(async () => browser?.close())

  it('opens with no console error and asks for nothing but itself', () => {
    expect(visit.errors).toEqual([])
    expect(visit.requests).toEqual([visit.page.url()])
  })

  it('shows the key figures of the JSON report', async () => {
    const figures = await visit.page.$$eval('dd[data-figure]', (dds) =>
      dds.map((dd) => [dd.getAttribute('data-figure')!, dd.textContent] as const),
    )
    expect(figures.map(([field]) => field)).toEqual(
      expect.arrayContaining(['leads.new', 'conversion.leadToCustomer', 'customers.active', 'churn.rate']),
    )
    for (const [field, text] of figures) expect([field, text]).toEqual([field, shown(field, at(report, field))])
  })

  it('draws every chart with a size and the marks its data implies', async () => {
    const sizes = await visit.page.$$eval('figure.chart svg[role="img"]', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect()
        return { chart: svg.closest('figure')!.getAttribute('data-chart'), width: box.width, height: box.height }
      }),
    )
    // Every figure that has data has its chart (a figure without data says so instead; the CLV
    // fit's parameters are a table only).
    expect(sizes.length).toBe(await visit.page.locator('figure.chart:not(.empty):not(.table-only)').count())
    for (const s of sizes) expect(s.width * s.height, JSON.stringify(s)).toBeGreaterThan(100 * 100)
    const count = (chart: string, description: string, element = 'rect') =>
      visit.page.locator(`figure[data-chart="${chart}"] g[aria-description="${description}"] > ${element}`).count()
    // A heatmap cell per cohort and month since.
    expect(await count('cohort-retention', 'retention cells')).toBe(
      report.cohorts.reduce((n, c) => n + c.retention.length, 0),
    )
    // The demo's period ends on 1 January at midnight: no month is cut short.
    expect(await count('cohort-retention', 'incomplete months')).toBe(0)
    // A bar for each non-zero part of each month; a quick-ratio dot for each month with dormant buyers.
    const parts = report.lifecycle
      .flatMap((m) => [m.new, m.returning, m.resurrecting, m.dormant])
      .filter((n) => n !== 0)
    expect(await count('lifecycle', 'lifecycle bars')).toBe(parts.length)
    expect(await count('quick-ratio', 'quick ratio', 'circle')).toBe(
      report.lifecycle.filter((m) => m.dormant !== 0).length,
    )
    expect(await count('funnel', 'funnel steps')).toBe(5)
    expect(await count('channels-leads', 'leads')).toBe(Object.keys(report.channels).length)
    expect(await count('campaigns-leads', 'converted')).toBe(Object.keys(report.campaigns).length)
    const withRoi = Object.values(report.campaigns).filter((c) => c.roi !== null).length
    expect(await count('campaigns-roi', 'roi')).toBe(withRoi)
    for (const currency of Object.keys(report.revenue.totalCents)) {
      expect(await count(`refunds-${currency.toLowerCase()}`, 'amounts')).toBe(3)
      const categories = Object.values(report.revenue.byCategory).filter((c) => c[currency] !== undefined)
      expect(await count(`categories-${currency.toLowerCase()}`, 'categories')).toBe(categories.length)
      // A value curve per cohort that paid in the currency.
      const curves = report.cohorts.filter((c) => c.netRevenuePerCustomerCents[currency] !== undefined)
      expect(await count(`cohort-ltv-${currency.toLowerCase()}`, 'value curves', 'path')).toBe(curves.length)
    }
    // A bar per month of the trends, a churn bar per month with a base.
    expect(await count('trend-leads', 'new leads')).toBe(report.trends.length)
    expect(await count('trend-churn', 'churn rate')).toBe(report.trends.filter((t) => t.churnRate !== null).length)
    // The answers that are not zero: NPS detractors, passives, promoters; CSAT unsatisfied, satisfied.
    const { nps, csat } = report.satisfaction
    const answers = [nps.detractors, nps.passives, nps.promoters, csat.responses - csat.satisfied, csat.satisfied]
    expect(await count('satisfaction', 'answers')).toBe(answers.filter((n) => n > 0).length)
    expect(await count('churn-reasons', 'reasons')).toBe(Object.keys(report.churn.byReason).length)
    // The CLV section: actual and predicted tracking lines with the holdout's start, a bar for
    // each of actual and predicted per calibration frequency (a row of its table each).
    expect(await count('clv-tracking', 'actual', 'path')).toBe(1)
    expect(await count('clv-tracking', 'predicted', 'path')).toBe(1)
    expect(await count('clv-tracking', 'holdout start', 'line')).toBe(1)
    const buckets = await visit.page.locator('figure[data-chart="clv-frequency"] tbody tr').count()
    expect(buckets).toBe(8) // 0 .. 6 and 7+
    expect(await count('clv-frequency', 'bars', 'g > rect')).toBe(2 * buckets) // a facet (g) per frequency
  })

  it('fits a phone: at 390 pixels nothing but the wide tables and the heatmap scrolls sideways', async () => {
    await visit.page.setViewportSize({ width: 390, height: 800 })
    const widest = await visit.page.evaluate(() => document.documentElement.scrollWidth)
    const hidden = await visit.page.$$eval(
      'figure.chart svg[role="img"]',
      (svgs) => svgs.filter((svg) => svg.getBoundingClientRect().width === 0).length,
    )
    await visit.page.setViewportSize({ width: 1280, height: 900 })
    expect(widest).toBeLessThanOrEqual(390)
    expect(hidden).toBe(0)
  })

  it('prints without the navigation and with every chart', async () => {
    await visit.page.emulateMedia({ media: 'print' })
    const nav = await visit.page.$eval('nav', (n) => getComputedStyle(n).display)
    const charts = await visit.page.$$eval(
      'figure.chart svg[role="img"]',
      (svgs) => svgs.filter((svg) => svg.getBoundingClientRect().height > 0).length,
    )
    await visit.page.emulateMedia({ media: 'screen' })
    expect(nav).toBe('none')
    expect(charts).toBe(await visit.page.locator('figure.chart svg[role="img"]').count())
  })

  it('writes screenshots at 1280 and 390 pixels wide (and the README’s, when asked)', async () => {
    const paths = await Browser.screenshots(visit, 'demo')
    for (const path of paths) expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG')
    if (process.env['LIFELINE_DOCS_SCREENSHOT'] === '1') {
      const docs = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'report-demo.png')
      await visit.page.screenshot({
        path: join(dir, 'top.png'),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: 1500 },
      })
      copyFileSync(join(dir, 'top.png'), docs)
    }
  })
})
