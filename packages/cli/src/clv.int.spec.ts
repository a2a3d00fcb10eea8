import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from './run.fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-clv-'))
const write = (name: string, events: readonly object[]): string => {
  const path = join(dir, name)
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n'))
  return path
}
const purchase = (customerId: string, day: string, orderId: string, amountCents: number, currency = 'USD') => ({
  type: 'Purchased',
  customerId,
  occurredAt: `${day}T00:00:00Z`,
  orderId,
  amountCents,
  currency,
})

// The CDNOW sample as JSON Lines of Purchased events.
const cdnow = write(
  'cdnow.jsonl',
  readFileSync(new URL('../../../data/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const [id, , d, , dollars] = l.trim().split(/\s+/)
      return purchase(
        id!,
        `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}`,
        `line-${i + 1}`,
        Math.round(Number(dollars) * 100),
      )
    }),
)

interface Estimate {
  name: string
  value: number
  standardError: number | null
  lower: number | null
  upper: number | null
}
interface Doc {
  model: {
    name: string
    params: Record<string, number>
    estimates: Estimate[]
    logLikelihood: number
    aic: number
    converged: boolean
    hessianCondition: number | null
    degenerate: boolean
    boundaries: { parameters: string[]; directions: string[]; limit: Estimate | null; meaning: string }[]
    customers: number
    repeatBuyers: number
  }
  spend: { currency: string; customers: number; repeatBuyers: number; fit: { params: Record<string, number> } | null }[]
  excluded: { customers: number; reason: string }[]
  intervals: { level: number; draws: number; seed: number; method: string } | null
  selection: { chosen: string; reason: string; candidates: { name: string; aic: number }[] } | null
  holdout: {
    actualPurchases: number
    length: number
    byFrequency: { frequency: string; customers: number; actual: number; predicted: number }[]
    tracking: { start: string }[]
  } | null
  customers: {
    customerId: string
    frequency: number
    monetaryCents: number
    currency: string | null
    pAlive: number
    expectedPurchases: number
    clvCents: number | null
    intervals?: { pAlive: { lower: number; upper: number } }
    holdoutActual?: number
  }[]
}

describe('lifeline clv', () => {
  it('prints the fit with its diagnostics and every customer with intervals as one JSON document', async () => {
    const { status, stdout, stderr } = await run([
      'clv',
      '--events',
      cdnow,
      '--to',
      '1997-10-01',
      '--horizon',
      '39',
      '--json',
    ])
    expect(stderr).toBe('')
    expect(status).toBe(0)
    const doc = JSON.parse(stdout) as Doc
    expect(doc.model.name).toBe('bgnbd')
    expect(Object.values(doc.model.params).map((v) => Number(v.toFixed(3)))).toEqual([0.243, 4.414, 0.793, 2.426])
    expect(Number(doc.model.logLikelihood.toFixed(1))).toBe(-9582.4)
    expect(doc.model.converged).toBe(true)
    expect(doc.model.degenerate).toBe(false)
    expect(doc.model.boundaries).toEqual([])
    expect(doc.model.estimates.map((e) => e.name)).toEqual(['r', 'alpha', 'a', 'b'])
    doc.model.estimates.forEach((e) => {
      expect(e.standardError).toBeGreaterThan(0)
      expect(e.lower!).toBeLessThan(e.value)
      expect(e.upper!).toBeGreaterThan(e.value)
    })
    expect(doc.model.hessianCondition).toBeGreaterThan(1)
    expect([doc.model.customers, doc.model.repeatBuyers]).toEqual([2357, 946])
    expect(doc.spend).toHaveLength(1)
    expect(Number((doc.spend[0]!.fit!.params['gamma']! / 100).toFixed(2))).toBe(15.44)
    expect(doc.excluded).toEqual([])
    expect(doc.intervals!.method).toBe(
      '90% intervals: percentiles of 200 draws of the parameters from their asymptotic normal (seed 1)',
    )
    expect(doc.customers).toHaveLength(2357)
    const c = doc.customers[0]!
    expect(c.intervals!.pAlive.lower).toBeLessThanOrEqual(c.pAlive)
    expect(doc.selection).toBeNull()
    expect(doc.holdout).toBeNull()
  }, 60_000)

  it('prints the fit as text: parameters with standard errors, the spend model, the top customers; Pareto/NBD on request', async () => {
    const { status, stdout } = await run([
      'clv',
      '--events',
      cdnow,
      '--to',
      '1997-10-01',
      '--model',
      'paretonbd',
      '--top',
      '3',
      '--draws',
      '0',
    ])
    expect(status).toBe(0)
    expect(stdout).toContain(
      'Purchase model: Pareto/NBD (weeks), on all 2,357 customers (946 repeat buyers), whatever the currency',
    )
    expect(stdout).toMatch(/\nr +0\.553 +0\.0476 +0\.467 – 0\.655\n/)
    expect(stdout).toMatch(/\nbeta +11\.669 +6\.21 /)
    expect(stdout).toContain('log-likelihood -9595.0, AIC 19198.0 (4 free parameters); converged after')
    expect(stdout).toContain('Spend model: Gamma-Gamma in USD, on 946 repeat buyers of 2,357 customers who paid in USD')
    expect(stdout).toMatch(/\ngamma +15\.44 USD +4\.16 USD /)
    expect(stdout).toContain('Horizon 52 weeks, discount rate 0 per week\n')
    expect(stdout).toContain('Top 3 customers in USD by CLV:')
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^\d{5} /)
  }, 60_000)

  it('checks the models against a holdout period and chooses among them', async () => {
    const { status, stdout } = await run([
      'clv',
      '--events',
      cdnow,
      '--holdout-from',
      '1997-10-01',
      '--to',
      '1998-07-01',
      '--model',
      'auto',
      '--draws',
      '0',
      '--json',
    ])
    expect(status).toBe(0)
    const doc = JSON.parse(stdout) as Doc
    expect(doc.selection!.candidates.map((c) => c.name)).toEqual(['bgnbd', 'mbgnbd', 'paretonbd'])
    expect(doc.model.name).toBe(doc.selection!.chosen)
    expect(doc.holdout!.actualPurchases).toBe(1882)
    expect(doc.holdout!.length).toBe(39)
    expect(doc.holdout!.byFrequency.map((r) => r.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+'])
    expect(doc.holdout!.byFrequency.reduce((s, r) => s + r.customers, 0)).toBe(2357)
    expect(doc.holdout!.tracking).toHaveLength(78)
    expect(doc.customers.reduce((s, c) => s + c.holdoutActual!, 0)).toBe(1882)
    const text = await run([
      'clv',
      '--events',
      cdnow,
      '--holdout-from',
      '1997-10-01',
      '--to',
      '1998-07-01',
      '--draws',
      '0',
    ])
    expect(text.stdout).toContain(
      'Holdout check: fitted on purchases before 1997-10-01, compared with 1997-10-01 .. 1998-06-30 (39.0 weeks), 2,357 customers',
    )
    expect(text.stdout).toContain('holdout purchases: actual 1,882, predicted ')
    expect(text.stdout).toMatch(/\n7\+ +64 +6\.36 /)
  }, 60_000)

  it('writes the report page with the CLV section: the fit, the holdout check and P(alive)', async () => {
    const page = join(dir, 'clv.html')
    const args = ['clv', '--events', cdnow, '--holdout-from', '1997-10-01', '--to', '1998-07-01', '--draws', '0']
    const { status, stdout } = await run([...args, '--html', page])
    expect(status).toBe(0)
    expect(stdout).toContain('Holdout check:') // the text still prints
    const html = readFileSync(page, 'utf8')
    const sections = [...html.matchAll(/<section id="([a-z-]+)"/g)].map((m) => m[1])
    expect(sections.slice(sections.indexOf('revenue'), sections.indexOf('revenue') + 2)).toEqual(['revenue', 'clv'])
    for (const chart of ['clv-parameters', 'clv-tracking', 'clv-frequency', 'clv-palive'])
      expect(html).toContain(`data-chart="${chart}"`)
    // The holdout's 1,882 purchases (counted in the test above), and its 2,357 customers by P(alive).
    expect(html).toContain('against 1,882 made')
    expect(html).toContain('fitted on 2,357 customers')
    // The report of the page is the report of the same events, up to --to.
    const embedded = JSON.parse(
      /<script type="application\/json" id="lifeline-report">(.*?)<\/script>/s.exec(html)![1]!,
    ) as {
      period: { to: string }
    }
    expect(embedded.period.to).toBe('1998-07-01T00:00:00.000Z')
    // `--html -`: the page alone on stdout; with --json it is refused.
    const piped = await run([...args, '--html', '-'])
    expect(piped.stdout.startsWith('<!doctype html>')).toBe(true)
    const both = await run([...args, '--html', '-', '--json'])
    expect(both.status).toBe(2)
  }, 60_000)

  it('says when a fit is degenerate, and reports the limit it reached', async () => {
    // 40 customers with the same history: no mixing distribution can beat a single value.
    const same = write(
      'same.jsonl',
      Array.from({ length: 40 }, (_, i) => [
        purchase(`s${i}`, '2025-01-01', 'o1', 1000),
        purchase(`s${i}`, '2025-02-05', 'o2', 1000 + 10 * i),
        purchase(`s${i}`, '2025-03-12', 'o3', 1200 + 10 * i),
      ]).flat(),
    )
    const { status, stdout } = await run(['clv', '--events', same, '--to', '2025-10-08', '--top', '0'])
    expect(status).toBe(0)
    expect(stdout).toContain(
      'DEGENERATE FIT: the likelihood is highest at a boundary of the parameter space, not inside it.',
    )
    expect(stdout).toMatch(/- r → ∞, alpha → ∞: every customer buys at the same rate while alive: lambda = /)
    expect(stdout).toMatch(/- a → ∞, b → ∞: dropout is the same for every customer: p = /)
    const doc = JSON.parse((await run(['clv', '--events', same, '--to', '2025-10-08', '--json'])).stdout) as Doc
    expect(doc.model.degenerate).toBe(true)
    expect(doc.model.boundaries.map((b) => b.limit!.name)).toEqual(['lambda', 'p'])
  }, 60_000)

  it('counts every currency in the purchase model, values each in its own, and says who is left out', async () => {
    const events = [
      ...Array.from({ length: 8 }, (_, i) => [
        purchase(`u${i}`, '2025-01-02', 'o1', 1000 + 100 * i),
        purchase(`u${i}`, `2025-02-${String(10 + i).padStart(2, '0')}`, 'o2', 900 + 150 * i),
        purchase(`u${i}`, `2025-04-${String(10 + i).padStart(2, '0')}`, 'o3', 800 + 120 * i),
      ]).flat(),
      ...Array.from({ length: 6 }, (_, i) => [
        purchase(`e${i}`, '2025-01-05', 'o1', 2000, 'EUR'),
        purchase(`e${i}`, `2025-03-${String(1 + 3 * i).padStart(2, '0')}`, 'o2', 1000 + 400 * i, 'EUR'),
      ]).flat(),
      purchase('both', '2025-01-03', 'o1', 500),
      purchase('both', '2025-01-20', 'o2', 700, 'EUR'),
      { ...purchase('u0', '2025-04-11', 'r1', 0), type: 'Refunded', orderId: 'o3', amountCents: 800 },
    ]
    const file = write('currencies.jsonl', events)
    const doc = JSON.parse(
      (await run(['clv', '--events', file, '--to', '2025-06-01', '--json', '--draws', '0'])).stdout,
    ) as Doc
    expect(doc.model.customers).toBe(15)
    expect(doc.spend.map((s) => [s.currency, s.customers, s.repeatBuyers])).toEqual([
      ['USD', 8, 8],
      ['EUR', 6, 6],
    ])
    expect(doc.excluded).toEqual([{ customers: 1, reason: 'paid in several currencies (CLV is per currency)' }])
    // u0's third order (800) was refunded in full: its mean repeat spend is (900 + 0) / 2.
    expect(doc.customers.find((c) => c.customerId === 'u0')!.monetaryCents).toBe(450)
    const eur = await run([
      'clv',
      '--events',
      file,
      '--to',
      '2025-06-01',
      '--currency',
      'EUR',
      '--draws',
      '0',
      '--top',
      '2',
    ])
    expect(eur.stdout).toContain(
      'Customers: 15 in the purchase model; 6 valued; without a CLV: 1 paid in several currencies (CLV is per currency); 8 paid in USD (only EUR was asked for)',
    )
    expect(eur.stdout).toContain('Top 2 customers in EUR by CLV:')
  }, 60_000)

  it('fits BG/BB on calendar years', async () => {
    const gifts = readFileSync(new URL('../../../data/donations/donations.csv', import.meta.url), 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .flatMap((line, row) => {
        const [x, tx, , people] = line.split(',').map(Number) as [number, number, number, number]
        // 10 people per pattern suffice here; the published fit is checked on all 11,104 in projections.
        return Array.from({ length: Math.min(people, 10) }, (_, i) => {
          const id = `d${row}-${i}`
          const years = [
            1995,
            ...Array.from({ length: Math.max(0, x - 1) }, (_, k) => 1996 + k),
            ...(x > 0 ? [1995 + tx] : []),
          ]
          return years.map((y) => purchase(id, `${y}-06-01`, String(y), 2500))
        }).flat()
      })
    const file = write('gifts.jsonl', gifts)
    const doc = JSON.parse(
      (await run(['clv', '--events', file, '--unit', 'year', '--to', '2002-01-01', '--json', '--draws', '0'])).stdout,
    ) as Doc
    expect(doc.model.name).toBe('bgbb')
    expect(doc.model.customers).toBe(220)
    expect(Object.keys(doc.model.params)).toEqual(['alpha', 'beta', 'gamma', 'delta'])
    expect(doc.model.converged).toBe(true)
  }, 60_000)

  it('names a bad flag value in one line', async () => {
    const err = async (...args: string[]) => (await run(['clv', '--events', cdnow, ...args])).stderr
    expect(await err('--unit', 'fortnight')).toBe(
      'lifeline clv: --unit: "fortnight" is not one of day, week, month, quarter, year\n',
    )
    expect(await err('--model', 'bg')).toBe(
      'lifeline clv: --model: "bg" is not one of bgnbd, mbgnbd, paretonbd, bgbb, auto\n',
    )
    expect(await err('--model', 'bgbb')).toBe(
      'lifeline clv: --model bgbb needs a calendar --unit (month, quarter or year), not week\n',
    )
    expect(await err('--level', '90')).toBe('lifeline clv: --level: "90" is not a number between 0 and 1\n')
    expect(await err('--draws', '1')).toBe('lifeline clv: --draws: "1" is not a whole number >= 2 (or 0)\n')
    expect(await err('--holdout-from', '1997-10-01T12:00:00Z')).toBe(
      'lifeline clv: --holdout-from: the holdout must start at the beginning of a UTC day\n',
    )
    expect(await err('--holdout-from', '1997-10-01', '--to', '1997-09-01')).toBe(
      'lifeline clv: --to must be later than --holdout-from (1997-10-01 .. 1997-09-01)\n',
    )
  })
})
