/**
 * The report as readable tables for a terminal.
 */
import type { Report } from '@lifeline/projections'

const pct = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`)

const digits = new Map<string, number>()
const minorDigits = (currency: string): number => {
  let d = digits.get(currency)
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    digits.set(currency, d)
  }
  return d
}

/** Minor units as `1,299.00 USD` (JPY has no minor unit). */
export const money = (cents: number | null, currency: string): string => {
  if (cents === null) return '—'
  const d = minorDigits(currency)
  const amount = cents / 10 ** d
  return `${amount.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d })} ${currency}`
}

const perCurrency = (values: Readonly<Record<string, number | null>>): string => {
  const entries = Object.entries(values)
  return entries.length === 0 ? '—' : entries.map(([c, v]) => money(v, c)).join(', ')
}

const plainCents = (cents: number | null): string =>
  cents === null ? '—' : (cents / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** Renders rows as an aligned table; the first row is the header. */
export const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

const section = (title: string, body: string): string => `${title}\n${body}\n`

/** The whole report as text. */
export const render = (r: Report.Report): string => {
  const out: string[] = []
  out.push(
    `Lifeline report  ${r.period.from ?? '—'} .. ${r.period.to ?? '—'}` +
      (r.options.inactivityDays === null ? '' : `  (implicit churn after ${r.options.inactivityDays} days)`) +
      (r.options.conversionWindowDays === null ? '' : `  (conversion window ${r.options.conversionWindowDays} days)`),
  )
  out.push('')
  out.push(
    section(
      'Leads and conversion',
      table([
        ['metric', 'value'],
        ['new leads', String(r.leads.new)],
        ['leads in total', String(r.leads.total)],
        ['lead to customer', pct(r.conversion.leadToCustomer)],
        ['  nurtured', pct(r.conversion.nurtured)],
        ['  not nurtured', pct(r.conversion.unnurtured)],
        [
          'median days to convert',
          r.conversion.medianDaysToConvert === null ? '—' : r.conversion.medianDaysToConvert.toFixed(1),
        ],
        ['cost per lead', plainCents(r.leads.costPerLeadCents)],
        ['CAC', plainCents(r.leads.cac)],
      ]),
    ),
  )
  out.push(
    section(
      'Funnel',
      table([
        ['step', 'count', 'overall', 'relative'],
        ...r.funnel.map((s) => [s.step, String(s.count), pct(s.overall), pct(s.relative)]),
      ]),
    ),
  )
  out.push(
    section(
      'Customers and retention',
      table([
        ['metric', 'value'],
        ['active customers', String(r.customers.active)],
        ['new customers', String(r.customers.new)],
        ['churned', String(r.churn.count)],
        ['churn rate', pct(r.churn.rate)],
        ['retention rate', pct(r.retention.rate)],
        ['repeat purchase rate', pct(r.repeatPurchaseRate)],
      ]),
    ),
  )
  out.push(
    section(
      'Revenue and lifetime value',
      table([
        ['metric', 'value'],
        ['revenue', perCurrency(r.revenue.totalCents)],
        ['average order value', perCurrency(r.aovCents)],
        ['historic CLV (average)', perCurrency(r.clv.historicAverageCents)],
        ['formula CLV (ARPA / churn)', perCurrency(r.clv.formulaCents)],
      ]),
    ),
  )
  out.push(
    section(
      'Referrals',
      table([
        ['metric', 'value'],
        ['referrals sent', String(r.referrals.count)],
        ['customers who referred', pct(r.referrals.rate)],
        ['referred who bought', String(r.referrals.converted)],
      ]),
    ),
  )
  const channelRows = (title: string, channels: Report.Report['channels']) =>
    section(
      title,
      Object.keys(channels).length === 0
        ? '(none)'
        : table([
            ['name', 'leads', 'converted', 'rate', 'cost', 'revenue', 'ROI'],
            ...Object.entries(channels).map(([name, c]) => [
              name,
              String(c.leads),
              String(c.converted),
              pct(c.leadToCustomer),
              plainCents(c.costCents),
              perCurrency(c.revenueCents),
              c.roi === null ? '—' : `${(c.roi * 100).toFixed(0)}%`,
            ]),
          ]),
    )
  out.push(channelRows('Channels', r.channels))
  out.push(channelRows('Campaigns', r.campaigns))
  if (r.cohorts.length > 0) {
    const width = Math.max(...r.cohorts.map((c) => c.retention.length))
    out.push(
      section(
        'Cohort retention (share buying in month k after the first purchase)',
        table([
          ['cohort', 'size', ...Array.from({ length: width }, (_, k) => `m${k}`)],
          ...r.cohorts.map((c) => [c.month, String(c.size), ...c.retention.map((x) => pct(x))]),
        ]),
      ),
    )
  }
  if (r.trends.length > 0) {
    const currencies = [...new Set(r.trends.flatMap((t) => Object.keys(t.netRevenueCents)))].sort()
    const cents = (x: number | undefined, currency: string) => (x === undefined ? '—' : money(x, currency))
    out.push(
      section(
        'Trends by month (each month clipped to the period)',
        table([
          [
            'month',
            'leads',
            'converted',
            'new cust.',
            'active',
            'churned',
            'churn',
            ...currencies.map((c) => `net ${c}`),
          ],
          ...r.trends.map((t) => [
            t.month,
            String(t.newLeads),
            String(t.converted),
            String(t.newCustomers),
            String(t.activeAtEnd),
            String(t.churned),
            pct(t.churnRate),
            ...currencies.map((c) => cents(t.netRevenueCents[c], c)),
          ]),
        ]),
      ),
    )
  }
  if (r.lifecycle.length > 0) {
    out.push(
      section(
        'Lifecycle by month',
        table([
          ['month', 'new', 'returning', 'resurrecting', 'dormant'],
          ...r.lifecycle.map((m) => [
            m.month,
            String(m.new),
            String(m.returning),
            String(m.resurrecting),
            String(m.dormant),
          ]),
        ]),
      ),
    )
  }
  return out.join('\n')
}
