import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from './run.fixture.js'

// The CDNOW sample as JSON Lines of Purchased events.
const dir = mkdtempSync(join(tmpdir(), 'lifeline-clv-'))
const events = join(dir, 'cdnow.jsonl')
writeFileSync(
  events,
  readFileSync(new URL('../../../data/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const [id, , d, , dollars] = l.trim().split(/\s+/)
      return JSON.stringify({
        type: 'Purchased',
        customerId: id,
        occurredAt: `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}T00:00:00Z`,
        orderId: `line-${i + 1}`,
        amountCents: Math.round(Number(dollars) * 100),
        currency: 'USD',
      })
    })
    .join('\n'),
)

describe('lifeline clv', () => {
  it('prints the fit and every customer as one JSON document', async () => {
    const { status, stdout, stderr } = await run([
      'clv',
      '--events',
      events,
      '--to',
      '1997-10-01',
      '--unit',
      'week',
      '--horizon',
      '39',
      '--json',
    ])
    expect(stderr).toBe('')
    expect(status).toBe(0)
    const doc = JSON.parse(stdout) as {
      model: { name: string; params: Record<string, number>; logLikelihood: number }
      spend: { params: Record<string, number>; logLikelihood: number }
      customers: {
        customerId: string
        frequency: number
        recency: number
        T: number
        monetaryCents: number
        pAlive: number
        expectedPurchases: number
        expectedAverageSpendCents: number
        clvCents: number
      }[]
    }
    expect(doc.model.name).toBe('bgnbd')
    expect(Object.values(doc.model.params).map((v) => Number(v.toFixed(3)))).toEqual([0.243, 4.414, 0.793, 2.426])
    expect(Number(doc.model.logLikelihood.toFixed(1))).toBe(-9582.4)
    expect(Number((doc.spend.params['gamma']! / 100).toFixed(2))).toBe(15.44)
    expect(doc.customers).toHaveLength(2357)
    expect(Object.keys(doc.customers[0]!)).toEqual([
      'customerId',
      'frequency',
      'recency',
      'T',
      'monetaryCents',
      'pAlive',
      'expectedPurchases',
      'expectedAverageSpendCents',
      'clvCents',
    ])
  }, 60_000)

  it('prints the fit and the top customers as text, and fits Pareto/NBD on request', async () => {
    const { status, stdout } = await run([
      'clv',
      '--events',
      events,
      '--to',
      '1997-10-01',
      '--model',
      'paretonbd',
      '--top',
      '3',
    ])
    expect(status).toBe(0)
    expect(stdout).toContain(
      'Purchase model paretonbd (weeks): r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669; log-likelihood -9595.0',
    )
    expect(stdout).toContain('Horizon 52 weeks, discount rate 0 per week')
    expect(stdout.trim().split('\n')).toHaveLength(4 + 2 + 3)
  }, 60_000)

  it('names a bad unit or model in one line', async () => {
    expect((await run(['clv', '--events', events, '--unit', 'month'])).stderr).toBe(
      'lifeline clv: --unit: "month" is not day or week\n',
    )
    expect((await run(['clv', '--events', events, '--model', 'bg'])).stderr).toBe(
      'lifeline clv: --model: "bg" is not bgnbd or paretonbd\n',
    )
  })
})
