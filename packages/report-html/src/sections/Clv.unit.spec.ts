import { Fixtures } from '@lifeline/core/testing'
import { Fold, PurchaseHistory, Report } from '@lifeline/projections'
import { parseHTML } from 'linkedom'
import { describe, expect, it } from 'vitest'
import * as Page from '../Page.js'
import * as Clv from './Clv.js'

const { purchased } = Fixtures
const DAY = 86_400_000
const START = Date.UTC(2025, 0, 1)
const HOLDOUT = Date.UTC(2025, 6, 1) // calibration: the first half of 2025
const END = Date.UTC(2025, 9, 1) // holdout: July to September

// 60 customers: customer i first buys on day i (of 2025), then every 10 + (i mod 7) * 6 days while
// it is "alive", for (i mod 5) * 3 + 1 purchases in all: some buy once, some a dozen times.
const plan = Array.from({ length: 60 }, (_, i) => ({
  id: `c${i}`,
  days: Array.from({ length: (i % 5) * 3 + 1 }, (_, k) => i + k * (10 + (i % 7) * 6)),
}))
const events = plan
  .flatMap((c) => c.days.map((d, k) => ({ c, at: START + d * DAY + 12 * 3_600_000, k })))
  .filter((p) => p.at < END)
  .sort((a, b) => a.at - b.at)
  .map((p) => purchased(p.c.id, new Date(p.at).toISOString(), `${p.c.id}-${p.k}`, 1_000 + 100 * p.k))
const history = Fold.run(PurchaseHistory.fold, events)
const input = Clv.analyze(history, { holdoutFrom: HOLDOUT, to: END })

describe('the CLV section', () => {
  it('bins P(alive) in tenths, one-time and repeat buyers apart, 1 in the last bin', () => {
    const customers = [
      { pAlive: 0, frequency: 0 },
      { pAlive: 0.05, frequency: 2 },
      { pAlive: 0.1, frequency: 0 }, // the lower edge belongs to its bin
      { pAlive: 0.999, frequency: 1 },
      { pAlive: 1, frequency: 0 }, // the last bin includes 1
    ] as unknown as Parameters<typeof Clv.pAliveBins>[0]
    const bins = Clv.pAliveBins(customers)
    expect(bins).toHaveLength(10)
    expect(bins[0]).toEqual({ from: 0, to: 0.1, oneTime: 1, repeat: 1 })
    expect(bins[1]).toEqual({ from: 0.1, to: 0.2, oneTime: 1, repeat: 0 })
    expect(bins[9]).toEqual({ from: 0.9, to: 1, oneTime: 1, repeat: 1 })
    expect(bins.slice(2, 9).every((b) => b.oneTime + b.repeat === 0)).toBe(true)
  })

  it('checks the fit against the holdout the plan implies', () => {
    // Calibration customers: all 60 first buy in January or February. Their purchases from July
    // to September, counted here from the plan, not from the code.
    const holdoutPurchases = plan.reduce(
      (n, c) => n + c.days.filter((d) => START + d * DAY + 12 * 3_600_000 >= HOLDOUT && START + d * DAY < END).length,
      0,
    )
    const e = input.holdout!.evaluation
    expect(e.customers).toBe(60)
    expect(e.actualPurchases).toBe(holdoutPurchases)
    // One-time buyers: i mod 5 = 0, 12 of 60; by calibration frequency the buckets sum to 60.
    expect(e.byFrequency.find((r) => r.frequency === '0')?.customers).toBe(12)
    expect(e.byFrequency.reduce((n, r) => n + r.customers, 0)).toBe(60)
    expect(input.choice).toMatch(/lowest mean absolute error/)
  })

  it('draws the fit, the holdout tracking, the frequency comparison and P(alive), each with its table', () => {
    const section = Clv.section(input)
    const { document } = parseHTML(`<main>${section.body}</main>`)
    const chart = (id: string) => document.querySelector(`figure[data-chart="${id}"]`)
    const e = input.holdout!.evaluation
    // Tracking: two lines (actual, predicted) and the holdout's start as a rule.
    const tracking = chart('clv-tracking')
    expect(tracking?.querySelectorAll('g[aria-description="actual"] path').length).toBe(1)
    expect(tracking?.querySelectorAll('g[aria-description="predicted"] path').length).toBe(1)
    expect(tracking?.querySelectorAll('g[aria-description="holdout start"] line').length).toBe(1)
    expect(chart('clv-tracking')?.querySelectorAll('tbody tr').length).toBe(e.tracking.length)
    expect(chart('clv-tracking')?.querySelectorAll('tbody tr th')[e.tracking.length - 1]?.textContent).toMatch(/ \*$/)
    // Frequency: an actual and a predicted bar per bucket.
    expect(chart('clv-frequency')?.querySelectorAll('g[aria-description="bars"] rect').length).toBe(
      2 * e.byFrequency.length,
    )
    // P(alive): the table's counts add up to every customer fitted.
    const all = [...(chart('clv-palive')?.querySelectorAll('tbody tr') ?? [])].map((tr) =>
      Number(tr.querySelectorAll('td')[2]?.textContent),
    )
    expect(all.reduce((a, b) => a + b, 0)).toBe(60)
    expect(chart('clv-parameters')?.querySelectorAll('tbody tr').length).toBe(
      input.analysis.model.estimate.parameters.length,
    )
    // The lead names the model, the customers and the holdout's error.
    expect(section.lead).toContain(`${input.analysis.model.label} fitted on 60 customers`)
    expect(section.lead).toContain(`against ${e.actualPurchases} made`)
  })

  it('without a holdout, says how to get one and still shows the fit and P(alive)', () => {
    const section = Clv.section({ analysis: input.analysis })
    expect(section.lead).toContain('No holdout check')
    const { document } = parseHTML(`<main>${section.body}</main>`)
    const ids = [...document.querySelectorAll('figure[data-chart]')].map((f) => f.getAttribute('data-chart'))
    expect(ids).toEqual(['clv-parameters', 'clv-palive'])
  })

  it('goes on the page where it is placed', () => {
    const report = Fold.run(Report.fold({ from: START, to: END }), events)
    const html = Page.render(report, { sections: [{ after: 'revenue', section: Clv.section(input) }] })
    const { document } = parseHTML(html)
    const ids = [...document.querySelectorAll('main section')].map((s) => s.id)
    expect(ids.slice(ids.indexOf('revenue'), ids.indexOf('revenue') + 2)).toEqual(['revenue', 'clv'])
  })
})
