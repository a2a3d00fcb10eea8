import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { run } from './run.fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-cli-'))
const file = (name: string, lines: readonly unknown[]): string => {
  const path = join(dir, name)
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n')
  return path
}

// In file order, not time order: the report must not care.
const good = [
  {
    type: 'Purchased',
    customerId: 'ada',
    occurredAt: '2025-01-10T10:00:00Z',
    orderId: 'A1',
    amountCents: 4900,
    currency: 'EUR',
  },
  {
    type: 'OptedIn',
    customerId: 'ada',
    occurredAt: '2025-01-06T09:00:00Z',
    channel: 'webinar',
    acquisitionCostCents: 1500,
  },
  { type: 'OptedIn', customerId: 'bob', occurredAt: '2025-01-07T09:00:00+01:00', channel: 'seo' },
]

describe('lifeline report --events', () => {
  it('prints exactly one JSON document in the METRICS.md shape with --json', async () => {
    const { status, stdout, stderr } = await run(['report', '--events', file('good.jsonl', good), '--json'])
    expect(stderr).toBe('')
    expect(status).toBe(0)
    const report = JSON.parse(stdout) as Record<string, unknown>
    expect(stdout.trim().split('\n')).toHaveLength(1)
    expect(report).toMatchObject({
      period: { from: '2025-01-06T09:00:00.000Z', to: '2025-01-10T10:00:00.001Z' },
      leads: { new: 2, total: 2, costPerLeadCents: 750, cac: 1500 },
      conversion: { leadToCustomer: 0.5 },
      revenue: { totalCents: { EUR: 4900 } },
      channels: {
        webinar: { leads: 1, converted: 1, costCents: 1500, revenueCents: { EUR: 4900 }, roi: (4900 - 1500) / 1500 },
      },
    })
  })

  it('honours the period and option flags', async () => {
    const { stdout } = await run([
      'report',
      '--events',
      file('period.jsonl', good),
      '--json',
      '--from',
      '2025-01-07',
      '--to',
      '2025-02-01T00:00:00Z',
      '--conversion-window-days',
      '30',
      '--inactivity-days',
      '90',
      '--new-days',
      '0',
      '--regular-purchases',
      '2',
      '--regular-window-days',
      '100',
      '--scoring',
      file('scoring.json', [{ threshold: 20, touchPoints: { call: 30 }, channelPoints: { webinar: 25 } }]),
    ])
    const report = JSON.parse(stdout) as {
      period: unknown
      options: unknown
      leads: { new: number; salesReady: number }
      tiers: { counts: unknown }
    }
    expect(report.period).toEqual({ from: '2025-01-07T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' })
    expect(report.options).toEqual({
      inactivityDays: 90,
      conversionWindowDays: 30,
      newDays: 0,
      regularPurchases: 2,
      regularWindowDays: 100,
      scoring: {
        channelPoints: { webinar: 25 },
        otherChannelPoints: 10,
        touchPoints: { email: 5, sms: 3, call: 30, content: 5, retargeting: 2, event: 15, other: 2 },
        halfLifeDays: 30,
        threshold: 20,
      },
    })
    // newDays 0: ada, one purchase, is invested, not new; bob a prospect.
    expect(report.tiers.counts).toEqual({ prospect: 1, new: 0, invested: 1, regular: 0, lapsed: 0 })
    // bob (seo, 10 points) is below 20: no sales-ready lead (ada opted in before the period).
    expect(report.leads.salesReady).toBe(0)
    expect(report.leads.new).toBe(1) // bob opted in at 08:00 UTC on 7 January; ada before the period
  })

  it('reports each bad line with its number, field and reason, and still reports the valid ones', async () => {
    const path = file('bad.jsonl', [
      ...good,
      {
        type: 'Purchased',
        customerId: 'bob',
        occurredAt: '2025-13-01T00:00:00Z',
        orderId: 'B1',
        amountCents: 12.5,
        currency: 'USD',
      },
      '{not json',
      { type: 'OptedIn', customerId: 'ada', occurredAt: '2025-01-08T09:00:00Z', channel: 'seo' },
      '',
      { type: 'Nurtured', customerId: 'carol', occurredAt: '2025-01-08T09:00:00Z', touch: 'email', color: 'red' },
    ])
    const { status, stdout, stderr } = await run(['report', '--events', path, '--json'])
    expect(status).toBe(1)
    expect(stderr.trim().split('\n')).toEqual([
      'line 4: occurredAt: "2025-13-01T00:00:00Z" is not an RFC 3339 date-time with a zone; amountCents: 12.5 is not an integer >= 0 (money is integer minor units)',
      'line 5: not valid JSON: "{not json"',
      'line 6: AlreadyOptedIn: OptedIn for customer "ada" at 2025-01-08T09:00:00.000Z: the customer has opted in and not churned since',
      'line 8: color: "red" is not a field of Nurtured',
      '4 event(s) rejected; the report covers the 3 valid event(s)',
    ])
    expect((JSON.parse(stdout) as { leads: { new: number } }).leads.new).toBe(2)
  })

  it('prints readable tables by default', async () => {
    const { status, stdout } = await run(['report', '--events', file('text.jsonl', good)])
    expect(status).toBe(0)
    expect(stdout).toContain('Lifeline report  2025-01-06T09:00:00.000Z .. 2025-01-10T10:00:00.001Z')
    expect(stdout).toMatch(/lead to customer\s+50\.0%/)
    expect(stdout).toMatch(/revenue\s+49\.00 EUR/)
  })

  it('answers bad usage with one line and exit status 2', async () => {
    expect(await run(['report'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'lifeline report: report needs either --db PATH or --events FILE (see lifeline report --help)\n',
    })
    expect((await run(['report', '--events', join(dir, 'missing.jsonl')])).stderr).toBe(
      `lifeline report: no such file: ${join(dir, 'missing.jsonl')}\n`,
    )
    expect((await run(['report', '--events', 'x', '--from', 'yesterday'])).stderr).toBe(
      'lifeline report: --from: "yesterday" is not an RFC 3339 date-time (or a YYYY-MM-DD date)\n',
    )
    // A negative value is the flag's value, answered with what the flag takes.
    expect(await run(['report', '--events', 'x', '--inactivity-days', '-3'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'lifeline report: --inactivity-days: "-3" is not a number of days >= 0\n',
    })
    expect((await run(['report', '--events', 'x', '--regular-purchases', '0'])).stderr).toBe(
      'lifeline report: --regular-purchases: "0" is not a whole number >= 1\n',
    )
    expect((await run(['report', '--events', 'x', '--regular-purchases', '101'])).stderr).toBe(
      'lifeline report: report option regularPurchases: 101 is not a whole number from 1 to 100\n',
    )
    expect((await run(['report', '--events', 'x', '--new-days=-3'])).stderr).toBe(
      'lifeline report: --new-days: "-3" is not a number of days >= 0\n',
    )
    const scoring = file('bad-scoring.json', [{ threshold: '40', touchPoints: {} }])
    expect((await run(['report', '--events', 'x', '--scoring', scoring])).stderr).toBe(
      `lifeline report: --scoring ${scoring}: scoring.threshold: "40" is not a number\n`,
    )
    const touch = file('bad-touch.json', [{ touchPoints: { webinar: 5 } }])
    expect((await run(['report', '--events', 'x', '--scoring', touch])).stderr).toMatch(
      /^lifeline report: --scoring .*: scoring\.touchPoints\.webinar: 5 is not a touch \(touches: email, sms, call, content, retargeting, event, other\)\n$/,
    )
    expect((await run(['report', '--bogus'])).stderr).toMatch(
      /^lifeline report: Unknown option '--bogus'.*\(see --help\)\n$/,
    )
    expect(await run(['frobnicate'])).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'lifeline: unknown command "frobnicate" (commands: import, report, clv, customers, export, forget, demo)\n',
    })
  })

  it('prints help for the command and for report', async () => {
    expect((await run(['--help'])).stdout).toContain('Usage: lifeline <command>')
    expect((await run(['report', '--help'])).stdout).toContain(
      'Usage: lifeline report (--db PATH | --events FILE) [options]',
    )
  })

  it('runs as the installed `lifeline` binary (built) and exits with its status', async () => {
    const bin = resolve(import.meta.dirname, '../bin/lifeline.js')
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'report',
      '--events',
      file('bin.jsonl', good),
      '--json',
    ])
    expect((JSON.parse(stdout) as { leads: { new: number } }).leads.new).toBe(2)
    const failed = await promisify(execFile)(process.execPath, [bin, 'report']).catch(
      (e: { code: number; stderr: string }) => e,
    )
    expect(failed).toMatchObject({
      code: 2,
      stderr: 'lifeline report: report needs either --db PATH or --events FILE (see lifeline report --help)\n',
    })
  })

  it('stops quietly with status 0 when the reader of its stdout goes away (export | head -2)', async () => {
    // 3,000 events, about 400 kB of JSON Lines: far more than a pipe holds, so the writer meets
    // the closed pipe while it still has events to write.
    const events = Array.from({ length: 3_000 }, (_, i) => ({
      type: 'OptedIn',
      customerId: `c${i}`,
      occurredAt: '2025-01-06T09:00:00Z',
      channel: 'seo',
      campaign: 'x'.repeat(60),
    }))
    const db = join(dir, 'epipe.db')
    expect((await run(['import', file('epipe.jsonl', events), '--db', db])).status).toBe(0)
    const bin = resolve(import.meta.dirname, '../bin/lifeline.js')
    const child = spawn(process.execPath, [bin, 'export', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const lines = await new Promise<string[]>((done) => {
      let text = ''
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString()
        const got = text.split('\n')
        if (got.length > 2) {
          child.stdout.destroy()
          done(got.slice(0, 2))
        }
      })
    })
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(lines.map((l) => (JSON.parse(l) as { customerId: string }).customerId)).toEqual(['c0', 'c1'])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  })
})

describe('lifeline report --html', () => {
  it('writes the page to a file and still prints the report', async () => {
    const out = join(dir, 'report.html')
    const { status, stdout, stderr } = await run(['report', '--events', file('html.jsonl', good), '--html', out])
    expect(status).toBe(0)
    expect(stdout).toContain('Lifeline report')
    expect(stderr).toMatch(/^wrote the report page to .*report\.html \(\d+ KiB\)\n$/)
    const html = readFileSync(out, 'utf8')
    expect(html.startsWith('<!doctype html>')).toBe(true)
    // Two new leads (ada, bob), one converted: the key figures of the three events above.
    expect(html).toContain('<dd data-figure="leads.new">2</dd>')
    expect(html).toContain('<dd data-figure="conversion.leadToCustomer">50.0%</dd>')
  })

  it('writes the page alone to stdout with --html -', async () => {
    const { status, stdout } = await run(['report', '--events', file('html-.jsonl', good), '--html', '-'])
    expect(status).toBe(0)
    expect(stdout.startsWith('<!doctype html>')).toBe(true)
    expect(stdout.trimEnd().endsWith('</html>')).toBe(true)
  })

  it('writes the page from the installed `lifeline` binary (built), its library loaded from the build', async () => {
    const bin = resolve(import.meta.dirname, '../bin/lifeline.js')
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'report',
      '--events',
      file('html-bin.jsonl', good),
      '--html',
      '-',
    ])
    expect(stdout).toContain('<dd data-figure="leads.new">2</dd>')
    expect(stdout).toContain('<svg')
  })

  it('refuses --html - with --json: both would go to stdout', async () => {
    const { status, stdout, stderr } = await run([
      'report',
      '--events',
      file('html2.jsonl', good),
      '--html',
      '-',
      '--json',
    ])
    expect(status).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('--html - and --json both write to stdout')
  })
})
