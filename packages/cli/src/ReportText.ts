/**
 * The report as readable tables for a terminal of 100 columns.
 */
import type { Report } from '@lifeline/projections'

/** The width the text report keeps to. */
export const WIDTH = 100

const pct = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`)

/** A share as a whole percentage (`23%`), for wide tables. */
const wholePct = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 100)}%`)

const digits = new Map<string, number>()
const minorDigits = (currency: string): number => {
  let d = digits.get(currency)
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    digits.set(currency, d)
  }
  return d
}

/** Minor units as an amount in major units (`1,299.00`); `whole` rounds to major units (`1,299`). */
const amount = (cents: number, currency: string, whole = false): string => {
  const d = whole ? 0 : minorDigits(currency)
  return (cents / 10 ** minorDigits(currency)).toLocaleString('en', {
    minimumFractionDigits: d,
    maximumFractionDigits: d,
  })
}

/** Minor units as `1,299.00 USD` (JPY has no minor unit). */
export const money = (cents: number | null, currency: string): string =>
  cents === null ? '—' : `${amount(cents, currency)} ${currency}`

const perCurrency = (values: Readonly<Record<string, number | null>>): string => {
  const entries = Object.entries(values)
  return entries.length === 0 ? '—' : entries.map(([c, v]) => money(v, c)).join(', ')
}

const plainCents = (cents: number | null): string =>
  cents === null ? '—' : (cents / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

const aligned = (rows: readonly (readonly string[])[], rule: boolean): string[] => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  const body = rows.slice(1).map(line)
  return rule ? [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...body] : [line(rows[0]!), ...body]
}

/**
 * Renders rows as an aligned table; the first row is the header. A table wider than `WIDTH` is
 * cut into blocks of columns, one under the other, each repeating the first `keep` columns.
 */
export const table = (rows: readonly (readonly string[])[], keep = 1): string => {
  const whole = aligned(rows, true)
  const columns = rows[0]!.length
  if (Math.max(...whole.map((l) => l.length)) <= WIDTH || columns <= keep + 1) return whole.join('\n')
  const blocks: string[] = []
  let start = keep
  while (start < columns) {
    // As many more columns as fit (at least one).
    let end = start + 1
    while (end < columns) {
      const pick = rows.map((r) => [...r.slice(0, keep), ...r.slice(start, end + 1)])
      if (Math.max(...aligned(pick, true).map((l) => l.length)) > WIDTH) break
      end++
    }
    blocks.push(
      aligned(
        rows.map((r) => [...r.slice(0, keep), ...r.slice(start, end)]),
        true,
      ).join('\n'),
    )
    start = end
  }
  return blocks.join('\n\n')
}

const section = (title: string, body: string): string => `${title}\n${body}\n`

const days = (x: number | null): string => (x === null ? '—' : x.toFixed(1))

/** The tiers at `to`: customers, net revenue and NPS; then the moves since `from` as a matrix. */
const tierSection = (r: Report.Report): string => {
  const { counts, revenueCents, moves } = r.tiers
  const tiers = Object.keys(counts) as (keyof typeof counts)[]
  const o = r.options
  const title =
    `Client tiers at the end of the period (new: first purchase within ${o.newDays} days; regular: ` +
    `${o.regularPurchases}+\npurchases in ${o.regularWindowDays} days; net revenue of all their purchases)`
  const summary = table([
    ['tier', 'customers', 'net revenue', 'NPS'],
    ...tiers.map((t) => {
      const score = r.satisfaction.npsByTier[t]
      return [t, String(counts[t]), perCurrency(revenueCents[t]), score === null ? '—' : score.toFixed(1)]
    }),
  ])
  const order = ['none', ...tiers] as const
  const cell = (from: string, to: string): string =>
    String(moves.find((m) => m.from === from && m.to === to)?.count ?? (from === to && from === 'none' ? '' : '·'))
  const matrix = table([
    ['at start \\ at end', ...order],
    ...order.map((from) => [from, ...order.map((to) => cell(from, to))]),
  ])
  return section(title, `${summary}\n\nMoves between tiers, start to end of the period (customers)\n${matrix}`)
}

const count = (n: number, of: number): string => `${n} (${pct(of === 0 ? null : n / of)})`

/**
 * The cohort table with each cohort's lifetime value curve beside it: under each cohort's
 * retention row, a row per currency of its net revenue per customer to the end of month k.
 * Amounts are in major units with their minor digits when the table fits the width, whole
 * otherwise.
 */
const cohortTable = (cohorts: Report.Report['cohorts']): string => {
  const width = Math.max(...cohorts.map((c) => c.retention.length))
  const rows = (whole: boolean): string[][] => [
    ['cohort', 'size', ...Array.from({ length: width }, (_, k) => `m${k}`)],
    ...cohorts.flatMap((c) => [
      [c.month, String(c.size), ...c.retention.map(wholePct)],
      ...Object.entries(c.netRevenuePerCustomerCents).map(([currency, curve]) => [
        `  LTV ${currency}`,
        '',
        ...curve.map((cents) => amount(cents, currency, whole)),
      ]),
    ]),
  ]
  const exact = rows(false)
  return Math.max(...aligned(exact, true).map((l) => l.length)) <= WIDTH ? table(exact, 2) : table(rows(true), 2)
}

/** The whole report as text. */
export const render = (r: Report.Report): string => {
  const out: string[] = []
  out.push(`Lifeline report  ${r.period.from ?? '—'} .. ${r.period.to ?? '—'}`)
  const notes = [
    ...(r.options.inactivityDays === null ? [] : [`implicit churn after ${r.options.inactivityDays} days`]),
    ...(r.options.conversionWindowDays === null ? [] : [`conversion window ${r.options.conversionWindowDays} days`]),
  ]
  if (notes.length > 0) out.push(`(${notes.join('; ')})`)
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
        ['median days to convert', days(r.conversion.medianDaysToConvert)],
        ['cost per lead', plainCents(r.leads.costPerLeadCents)],
        ['CAC', plainCents(r.leads.cac)],
        [`sales-ready leads (score ${r.options.scoring.threshold}+)`, count(r.leads.salesReady, r.leads.new)],
        ['  median days to sales-ready', days(r.leads.medianDaysToSalesReady)],
        ['  lead to customer, sales-ready', pct(r.conversion.salesReady)],
        ['  lead to customer, not sales-ready', pct(r.conversion.notSalesReady)],
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
        ['cross-sell (2+ categories)', pct(r.crossSell.rate)],
        ['upsell (a larger later order)', pct(r.upsell.rate)],
      ]),
    ),
  )
  const reasons = Object.entries(r.churn.byReason).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
  if (reasons.length > 0) {
    out.push(
      section(
        'Churn by reason (first churn in the period)',
        table([
          ['reason', 'churned', 'share'],
          ...reasons.map(([reason, n]) => [reason, String(n), pct(n / r.churn.count)]),
        ]),
      ),
    )
  }
  out.push(
    section(
      'Revenue, refunds and lifetime value (lifetime values net of refunds)',
      table([
        ['metric', 'value'],
        ['revenue (gross)', perCurrency(r.revenue.totalCents)],
        ['refunded', perCurrency(r.revenue.refundedCents)],
        ['net revenue', perCurrency(r.revenue.netCents)],
        ['refunds', String(r.refunds.count)],
        ['orders refunded', pct(r.refunds.orderRate)],
        ['average order value', perCurrency(r.aovCents)],
        ['historic CLV (average)', perCurrency(r.clv.historicAverageCents)],
        ['formula CLV (ARPA / churn)', perCurrency(r.clv.formulaCents)],
      ]),
    ),
  )
  const categories = Object.entries(r.revenue.byCategory)
  if (categories.length > 0) {
    const currencies = [...new Set(categories.flatMap(([, cents]) => Object.keys(cents)))].sort()
    out.push(
      section(
        'Revenue by category (gross, in the period)',
        table([
          ['category', ...currencies],
          ...categories.map(([category, cents]) => [
            category,
            ...currencies.map((c) => (cents[c] === undefined ? '—' : amount(cents[c], c))),
          ]),
        ]),
      ),
    )
  }
  const { nps, csat } = r.satisfaction
  out.push(
    section(
      'Satisfaction (latest answer of each customer in the period)',
      table([
        ['metric', 'value'],
        ['NPS', nps.score === null ? '—' : `${nps.score > 0 ? '+' : ''}${nps.score.toFixed(1)}`],
        ['  responses', String(nps.responses)],
        ['  promoters (9-10)', count(nps.promoters, nps.responses)],
        ['  passives (7-8)', count(nps.passives, nps.responses)],
        ['  detractors (0-6)', count(nps.detractors, nps.responses)],
        ['CSAT (satisfied: 4-5)', pct(csat.rate)],
        ['  responses', String(csat.responses)],
        ['  satisfied', String(csat.satisfied)],
      ]),
    ),
  )
  out.push(tierSection(r))
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
            ['name', 'leads', 'sales-ready', 'converted', 'rate', 'cost', 'net revenue', 'ROI'],
            ...Object.entries(channels).map(([name, c]) => [
              name,
              String(c.leads),
              String(c.salesReady),
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
    out.push(
      section(
        'Cohorts: share buying in month k after the first purchase, and LTV: net revenue per\n' +
          'customer from the first month to the end of month k',
        cohortTable(r.cohorts),
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
