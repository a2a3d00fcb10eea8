import { Fixtures } from '@lifeline/core/testing'
import { Fold, Report } from '@lifeline/projections'
import { describe, expect, it } from 'vitest'
import { render, WIDTH } from './ReportText.js'

const { at, purchased, refunded, churned, surveyed } = Fixtures

describe('the text report', () => {
  // Period [10 January, 1 February 2025).
  const events = [
    purchased('a', '2025-01-05T00:00:00Z', 'a1', 10_000, 'USD', 'books'),
    purchased('a', '2025-01-20T00:00:00Z', 'a2', 5000, 'USD', 'courses'),
    refunded('a', '2025-01-25T00:00:00Z', 'a1', 2500),
    surveyed('a', '2025-01-26T00:00:00Z', 'nps', 10),
    purchased('b', '2025-01-06T00:00:00Z', 'b1', 2000, 'EUR', 'books'),
    churned('b', '2025-01-28T00:00:00Z', 'too-expensive'),
    surveyed('b', '2025-01-29T00:00:00Z', 'csat', 2, 'exit'),
  ]
  const text = render(
    Fold.run(Report.fold({ from: at('2025-01-10T00:00:00Z'), to: at('2025-02-01T00:00:00Z') }), events),
  )

  it('shows refunds and net revenue, categories, churn reasons, satisfaction, cross-sell and upsell', () => {
    // In the period: a2 5000 USD (courses); a1's refund of 2500; net 2500; a2 not refunded.
    expect(text).toMatch(/revenue \(gross\) +50\.00 USD\n/)
    expect(text).toMatch(/refunded +25\.00 USD\n/)
    expect(text).toMatch(/net revenue +25\.00 USD\n/)
    expect(text).toMatch(/refunds +1\n/)
    expect(text).toMatch(/orders refunded +0\.0%\n/)
    expect(text).toMatch(/category +USD\n[─ ]+\ncourses +50\.00\n/)
    // S = {a, b}; b left, too expensive.
    expect(text).toMatch(/too-expensive +1 +100\.0%\n/)
    expect(text).toMatch(/NPS +\+100\.0\n/)
    expect(text).toMatch(/promoters \(9-10\) +1 \(100\.0%\)\n/)
    expect(text).toMatch(/CSAT \(satisfied: 4-5\) +0\.0%\n/)
    // a: books then courses (cross-sold); 5000 is not more than its first 10000.
    expect(text).toMatch(/cross-sell \(2\+ categories\) +100\.0%\n/)
    expect(text).toMatch(/upsell \(a larger later order\) +0\.0%\n/)
  })

  it('shows the tiers at the end of the period, their net revenue and NPS, and the moves', () => {
    // At 10 January a and b are new (first purchases 5 and 6 January). At 1 February a is still
    // new (net 100 + 50 - 25 USD, NPS 10: +100); b churned: lapsed (20 EUR, no NPS answer).
    expect(text).toMatch(/\nnew +1 +125\.00 USD +100\.0\n/)
    expect(text).toMatch(/\nlapsed +1 +20\.00 EUR +—\n/)
    expect(text).toMatch(/\nprospect +0 +— +—\n/)
    // The moves: new -> new (a) and new -> lapsed (b); columns none .. lapsed.
    expect(text).toMatch(/\nnew +· +· +1 +· +· +1\n/)
  })

  it("puts each cohort's LTV curve under its retention row", () => {
    // Cohort 2025-01 = {a, b}: USD 10000 + 5000 - 2500 = 12500 / 2 = 62.50; EUR 2000 / 2 = 10.00.
    expect(text).toMatch(/2025-01 +2 +100%\n {2}LTV EUR +10\.00\n {2}LTV USD +62\.50\n/)
  })

  it(`keeps every line within ${WIDTH} columns, cutting a wide cohort table into blocks`, () => {
    // One customer buying 10.00 USD every month for 26 months: 26 cohort columns.
    const monthly = Array.from({ length: 26 }, (_, k) =>
      purchased('m', new Date(Date.UTC(2024, k, 15)).toISOString(), `o${k}`, 1000),
    )
    const wide = render(Fold.run(Report.fold(), monthly))
    for (const line of wide.split('\n')) expect(line.length).toBeLessThanOrEqual(WIDTH)
    // Every block repeats the cohort and its size; the months run to m25 and the curve to 260 USD.
    expect(wide.match(/^cohort +size +m\d+/gm)!.length).toBeGreaterThanOrEqual(2)
    expect(wide).toMatch(/ m25\n/)
    expect(wide).toMatch(/LTV USD +.* 260\n/)
  })
})
