import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LifecycleEvent } from '@lifeline/core'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { main } from './cli.js'
import * as Generator from './Generator.js'
import { run } from './run.fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-customers-'))
const write = (name: string, events: readonly object[]): string => {
  const path = join(dir, name)
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n')
  return path
}

// An id with a comma, a quote, a newline and a carriage return: it must survive CSV.
const odd = 'x,"y\nz\r'
const t = (day: string) => `${day}T00:00:00Z`
const events = [
  // a: webinar, a call on 1 January; two purchases (USD, EUR): invested, an advocate (refers b).
  { type: 'OptedIn', customerId: 'a', occurredAt: t('2025-01-01'), channel: 'webinar', campaign: 'spring' },
  { type: 'Nurtured', customerId: 'a', occurredAt: t('2025-01-01'), touch: 'call' },
  {
    type: 'Purchased',
    customerId: 'a',
    occurredAt: t('2025-02-01'),
    orderId: 'a1',
    amountCents: 1000,
    currency: 'USD',
  },
  { type: 'Purchased', customerId: 'a', occurredAt: t('2025-03-01'), orderId: 'a2', amountCents: 500, currency: 'EUR' },
  { type: 'Referred', customerId: 'a', occurredAt: t('2025-03-05'), referredCustomerId: 'b' },
  { type: 'SurveyAnswered', customerId: 'a', occurredAt: t('2025-03-10'), survey: 'nps', score: 9 },
  // b: 10 + 15 + 15 = 40 at its opt-in: sales-ready; a lead, a prospect. (Two events of the
  // same content would be one event: their derived ids are the same.)
  { type: 'OptedIn', customerId: 'b', occurredAt: t('2025-03-06'), channel: 'referral', referredBy: 'a' },
  { type: 'Nurtured', customerId: 'b', occurredAt: t('2025-03-06'), touch: 'event', campaign: 'expo' },
  { type: 'Nurtured', customerId: 'b', occurredAt: t('2025-03-06'), touch: 'event', campaign: 'meetup' },
  // c: a direct buyer of June, refunded in part: a customer, new.
  {
    type: 'Purchased',
    customerId: 'c',
    occurredAt: t('2025-06-01'),
    orderId: 'c1',
    amountCents: 2000,
    currency: 'USD',
  },
  { type: 'Refunded', customerId: 'c', occurredAt: t('2025-06-02'), orderId: 'c1', amountCents: 500, currency: 'USD' },
  // d: a lead that churned: churned, none.
  { type: 'OptedIn', customerId: 'd', occurredAt: t('2025-01-05'), channel: 'seo' },
  { type: 'Churned', customerId: 'd', occurredAt: t('2025-02-01') },
  // The odd id: bought and churned in 2024: churned, lapsed.
  { type: 'Purchased', customerId: odd, occurredAt: t('2024-01-01'), orderId: 'o1', amountCents: 300, currency: 'USD' },
  { type: 'Churned', customerId: odd, occurredAt: t('2024-06-01') },
]
const file = write('customers.jsonl', events)
const to = ['--to', '2025-07-01']

const jsonl = (stdout: string): Record<string, unknown>[] =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
const ids = async (args: string[]): Promise<string[]> =>
  jsonl((await run(['customers', '--events', file, ...to, '--format', 'jsonl', ...args])).stdout).map(
    (r) => r['customerId'] as string,
  )

/** The CSV's records as the JSON Lines' objects: empty is null, numbers are numbers, money nested. */
const fromCsv = (text: string): Record<string, unknown>[] => {
  const parsed: string[][] = parse(text)
  const [header, ...records] = parsed
  const numeric = new Set(['score', 'purchases', 'nps', 'csat', 'pAlive', 'expectedPurchases', 'clvCents'])
  return records.map((record) => {
    const row: Record<string, unknown> = {}
    const money: Record<string, number> = {}
    header!.forEach((name, k) => {
      const value = record[k]!
      if (name.startsWith('netRevenueCents.')) {
        if (value !== '') money[name.slice('netRevenueCents.'.length)] = Number(value)
        return
      }
      if (name === 'nps') row['netRevenueCents'] = money
      row[name] = value === '' ? null : numeric.has(name) ? Number(value) : value
    })
    return row
  })
}

describe('lifeline customers', () => {
  it('lists every customer once with its stage, tier, score and money, as JSON Lines', async () => {
    const { status, stdout, stderr } = await run(['customers', '--events', file, ...to, '--format', 'jsonl'])
    expect(status).toBe(0)
    expect(stderr).toBe('5 customer(s) listed\n')
    const rows = jsonl(stdout)
    // In the order they first appear in time (the file's events are put in time order first;
    // b appears when a refers it).
    expect(rows.map((r) => [r['customerId'], r['stage'], r['tier']])).toEqual([
      [odd, 'churned', 'lapsed'],
      ['a', 'advocate', 'invested'],
      ['d', 'churned', 'none'],
      ['b', 'lead', 'prospect'],
      ['c', 'customer', 'new'],
    ])
    // b: 10 + 30 decayed over the 117 days from 6 March to 1 July, half-life 30.
    expect(rows[3]).toMatchObject({ score: 10 + 30 * 0.5 ** (117 / 30), salesReadyAt: '2025-03-06T00:00:00.000Z' })
    expect(rows[1]).toMatchObject({ netRevenueCents: { EUR: 500, USD: 1000 }, nps: 9, purchases: 2 })
    expect(rows[4]).toMatchObject({ netRevenueCents: { USD: 1500 }, score: null, channel: null })
  })

  it('writes RFC 4180 CSV that a CSV parser reads back equal to the JSON Lines', async () => {
    const csv = await run(['customers', '--events', file, ...to, '--format', 'csv'])
    const lines = await run(['customers', '--events', file, ...to, '--format', 'jsonl'])
    expect(csv.stdout.startsWith('customerId,stage,tier,score,salesReadyAt,channel,campaign,')).toBe(true)
    // Records end in CRLF; the odd id is quoted, its quote doubled.
    expect(csv.stdout).toContain('\r\n"x,""y\nz\r",churned,lapsed,')
    expect(fromCsv(csv.stdout)).toEqual(jsonl(lines.stdout))
  })

  it('filters by tier, stage and sales-readiness, and limits', async () => {
    expect(await ids(['--tier', 'prospect,new'])).toEqual(['b', 'c'])
    expect(await ids(['--stage', 'churned'])).toEqual([odd, 'd'])
    expect(await ids(['--sales-ready'])).toEqual(['b'])
    expect(await ids(['--stage', 'churned', '--tier', 'lapsed'])).toEqual([odd])
    expect(await ids(['--limit', '2'])).toEqual([odd, 'a'])
    // Purchases, most first; ties in the order of appearance.
    expect(await ids(['--sort', 'purchases'])).toEqual(['a', odd, 'c', 'd', 'b'])
    expect(await ids(['--sort', 'purchases:asc'])).toEqual(['d', 'b', odd, 'c', 'a'])
    expect(await ids(['--sort', 'customerId:desc', '--limit', '3'])).toEqual([odd, 'd', 'c'])
  })

  it('prints a table with the columns the issue names', async () => {
    const { stdout } = await run(['customers', '--events', file, ...to])
    const [header, , , first] = stdout.split('\n')
    expect(header).toMatch(/^customer +stage +tier +score +sales-ready +channel +purch\. +last purchase +net revenue$/)
    // a: 10 + 15 * 0.5 ^ (181 / 30) = 10.23 at to.
    expect(first).toMatch(/^a +advocate +invested +10\.2 +— +webinar +2 +2025-03-01 +5\.00 EUR, 10\.00 USD$/)
    // The newline of the odd id is shown escaped: one row, one line.
    expect(stdout.split('\n').filter((l) => l.startsWith('x,')).length).toBe(1)
  })

  it('answers bad flags with one line and exit status 2', async () => {
    expect((await run(['customers', '--events', file, '--tier', 'gold'])).stderr).toBe(
      'lifeline customers: --tier: "gold" is not one of none, prospect, new, invested, regular, lapsed\n',
    )
    expect((await run(['customers', '--events', file, '--format', 'xml'])).stderr).toBe(
      'lifeline customers: --format: "xml" is not one of table, csv, jsonl\n',
    )
    expect((await run(['customers', '--events', file, '--at-risk', '2'])).stderr).toBe(
      'lifeline customers: --at-risk: "2" is not a probability in (0, 1]\n',
    )
    expect((await run(['customers', '--events', file, '--sort', 'pAlive'])).stderr).toMatch(
      /^lifeline customers: --sort: "pAlive" is not a field to sort by .*with --clv\)\n$/,
    )
    expect((await run(['customers', '--events', file, '--clv'])).stderr).toMatch(
      /^lifeline customers: --clv: too few repeat buyers to fit the CLV model: 1 of 3 customers/,
    )
    expect((await run(['customers'])).status).toBe(2)
  })

  it('reads a log (--db), resuming the report checkpoint, and gives what the events file gives', async () => {
    const db = join(dir, 'customers.db')
    expect((await run(['import', file, '--db', db])).status).toBe(0)
    const fromFile = await run(['customers', '--events', file, ...to, '--format', 'jsonl'])
    const first = await run(['customers', '--db', db, ...to, '--format', 'jsonl'])
    const again = await run(['customers', '--db', db, ...to, '--format', 'jsonl'])
    // The same rows. In another order: the file lists customers as they first appear in time,
    // the log as they were written, and the import writes customer by customer (by id).
    const lines = (text: string) => text.trimEnd().split('\n')
    expect(lines(first.stdout).sort()).toEqual(lines(fromFile.stdout).sort())
    expect(lines(first.stdout)).toHaveLength(5)
    const ids = jsonl(first.stdout).map((r) => r['customerId'] as string)
    expect(ids).toEqual([...ids].sort())
    expect(again.stdout).toBe(first.stdout)
  })
})

describe('lifeline customers --clv and --at-risk (a generated year of 300 customers)', () => {
  const generated = write(
    'generated.jsonl',
    [...Generator.generate({ customers: 300, start: Date.UTC(2025, 0, 1), days: 365, seed: 7 })].map((e) =>
      LifecycleEvent.encode(e),
    ),
  )
  const asOf = ['--to', '2026-01-01']

  it('lists the invested and regular customers whose P(alive) is below P, by CLV, as lifeline clv predicts', async () => {
    const clv = JSON.parse((await run(['clv', '--events', generated, ...asOf, '--json'])).stdout) as {
      customers: {
        customerId: string
        pAlive: number
        clvCents: number | null
        intervals?: { pAlive: { lower: number; upper: number }; clvCents: { lower: number; upper: number } | null }
      }[]
    }
    const all = jsonl((await run(['customers', '--events', generated, ...asOf, '--format', 'jsonl', '--clv'])).stdout)
    const risky = jsonl(
      (await run(['customers', '--events', generated, ...asOf, '--format', 'jsonl', '--at-risk', '0.5'])).stdout,
    )
    // Every customer's P(alive) and CLV are lifeline clv's.
    const predicted = new Map(clv.customers.map((c) => [c.customerId, c]))
    for (const row of all) {
      const p = predicted.get(row['customerId'] as string)
      expect([row['customerId'], row['pAlive'], row['clvCents']]).toEqual([
        row['customerId'],
        p?.pAlive ?? null,
        p?.clvCents ?? null,
      ])
      // And their 90% intervals: the same seeded draws as lifeline clv's defaults.
      expect([row['pAliveLower'], row['pAliveUpper'], row['clvCentsLower'], row['clvCentsUpper']]).toEqual([
        p?.intervals?.pAlive.lower ?? null,
        p?.intervals?.pAlive.upper ?? null,
        p?.intervals?.clvCents?.lower ?? null,
        p?.intervals?.clvCents?.upper ?? null,
      ])
    }
    expect(all.some((r) => typeof r['pAliveLower'] === 'number')).toBe(true)
    // At risk: exactly the invested and regular ones below 0.5, most valuable first.
    const expected = all
      .filter((r) => (r['tier'] === 'invested' || r['tier'] === 'regular') && (r['pAlive'] as number) < 0.5)
      .map((r) => r['customerId'])
    expect(expected.length).toBeGreaterThan(0)
    expect(risky.map((r) => r['customerId']).sort()).toEqual([...expected].sort())
    const values = risky.map((r) => (r['clvCents'] as number | null) ?? Number.NEGATIVE_INFINITY)
    expect(values).toEqual([...values].sort((x, y) => y - x))
  })

  it('streams: a long list is written in pieces, never as one text', async () => {
    const big = write(
      'big.jsonl',
      [...Generator.generate({ customers: 2500, start: Date.UTC(2025, 0, 1), days: 365, seed: 8 })].map((e) =>
        LifecycleEvent.encode(e),
      ),
    )
    const pieces: string[] = []
    const status = await main(['customers', '--events', big, '--format', 'csv'], {
      stdout: (text) => pieces.push(text),
      stderr: () => undefined,
      isTty: false,
    })
    expect(status).toBe(0)
    const rows = pieces.join('').split('\r\n').length - 2 // the header, and the empty string after the last CRLF
    expect(rows).toBeGreaterThan(2000)
    // One piece per 1,000 rows at most: the list is never held as text.
    expect(pieces.length).toBe(Math.ceil(rows / 1000))
    for (const piece of pieces) expect(piece.split('\r\n').length).toBeLessThanOrEqual(1002)
  })
})
