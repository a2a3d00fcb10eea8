/**
 * `lifeline customers`: the customer list (one row per customer as of --to: stage, tier, lead
 * score, what it bought, its latest survey answers, and with --clv its predicted value),
 * filtered and sorted, as a table, CSV (RFC 4180) or JSON Lines, streamed as it is made.
 */
import { parseArgs } from 'node:util'
import { EventLog } from '@lifeline/core'
import { CustomerList, Fold, Ledger, PurchaseHistory, Tiers } from '@lifeline/projections'
import { stringify } from 'csv-stringify/sync'
import * as E from 'fp-ts/lib/Either.js'
import { openLog } from './Database.js'
import { readHistory } from '@lifeline/pipeline'
import { EXIT, UsageError, type Io } from './Io.js'
import { count, reportFlags, reportOptions, tierHelp } from './Options.js'
import { ledgerFromDatabase } from './report.js'
import { money } from './ReportText.js'

/** The command's help text. */
export const help = `Usage: lifeline customers (--db PATH|URL | --events FILE) [options]

Lists the customers as of --to, one row each: customerId, stage, tier, lead score, salesReadyAt,
channel and campaign of the first opt-in, first and last purchase, purchases, net revenue per
currency, and the latest NPS and CSAT answers; with --clv also P(alive), expected purchases and
CLV. The rows are printed as they are made (a long list starts at once), as a table, as CSV
(RFC 4180, for a CRM or a mailing tool) or as JSON Lines.

Options:
  --db PATH|URL                  the SQLite file or PostgreSQL URL (resumes the report's checkpoint)
  --events FILE                  an events file (JSON Lines, or CSV when it ends in .csv)
  --to ISO                       the instant the list is as of, exclusive (default: just after
                                 the latest event)
  --from ISO                     start of the period of the survey answers (default: the
                                 earliest event)
  --tier T,...                   only these tiers: prospect, new, invested, regular, lapsed, none
  --stage S,...                  only these stages: lead, customer, repeat, advocate, churned
  --sales-ready                  only the period's sales-ready leads (those leads.salesReady
                                 counts: new leads since --from, ready before buying)
  --clv                          add P(alive), expected purchases (52 weeks) and CLV, from the
                                 BG/NBD and Gamma-Gamma fit of lifeline clv (its defaults), each
                                 with its 90% interval (200 seeded draws of the parameters)
  --at-risk P                    the invested and regular customers whose P(alive) is below P,
                                 most valuable (CLV) first: the clients to check in with
  --sort FIELD[:asc|:desc]       order by a field of the row (names A to Z, numbers and instants
                                 largest first, unless :asc or :desc says); missing values last;
                                 default: the order customers appeared in the log
  --limit N                      at most N rows
  --format F                     table (default), csv or jsonl
  --inactivity-days D            implicit churn after D days without a purchase (default: off)
  --conversion-window-days W     a lead converts only within W days (default: no limit)
${tierHelp.trimEnd()}
  -h, --help                     this help
`

const FORMATS = ['table', 'csv', 'jsonl'] as const
const CLV_FIELDS = ['pAlive', 'expectedPurchases', 'clvCents'] as const
/** The CSV's CLV columns: the values, the currency and the 90% intervals' bounds. */
const CLV_COLUMNS = [
  'pAlive',
  'pAliveLower',
  'pAliveUpper',
  'expectedPurchases',
  'expectedPurchasesLower',
  'expectedPurchasesUpper',
  'clvCents',
  'clvCentsLower',
  'clvCentsUpper',
  'clvCurrency',
] as const
/** Fields sorted A to Z by default; every other one largest first. */
const NAME_FIELDS = new Set(['customerId', 'stage', 'tier', 'channel', 'campaign'])

const list = <A extends string>(flag: string, value: string | undefined, allowed: readonly A[]): A[] | undefined => {
  if (value === undefined) return undefined
  const items = value.split(',').map((s) => s.trim())
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UsageError(`--${flag}: ${JSON.stringify(item)} is not one of ${allowed.join(', ')}`)
    }
  }
  return items as A[]
}

/** One row of the list with its CLV columns when asked for. */
type Row = CustomerList.Row & {
  readonly pAlive?: number | null
  readonly expectedPurchases?: number | null
  readonly clvCents?: number | null
  readonly clvCurrency?: string | null
  readonly pAliveLower?: number | null
  readonly pAliveUpper?: number | null
  readonly expectedPurchasesLower?: number | null
  readonly expectedPurchasesUpper?: number | null
  readonly clvCentsLower?: number | null
  readonly clvCentsUpper?: number | null
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x)

/** A cell of the table: control characters (a newline in an id) escaped, cut to `width`. */
const cell = (text: string, width: number): string => {
  // eslint-disable-next-line no-control-regex
  const shown = /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text).slice(1, -1) : text
  return shown.length > width ? `${shown.slice(0, width - 1)}…` : shown
}

/** Runs `lifeline customers` with its arguments (after the command name). */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string' },
      db: { type: 'string' },
      ...reportFlags,
      tier: { type: 'string' },
      stage: { type: 'string' },
      'sales-ready': { type: 'boolean', default: false },
      clv: { type: 'boolean', default: false },
      'at-risk': { type: 'string' },
      sort: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string', default: 'table' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) {
    io.stdout(help)
    return EXIT.ok
  }
  if ((values.events === undefined) === (values.db === undefined)) {
    throw new UsageError('customers needs either --db PATH or --events FILE (see lifeline customers --help)')
  }
  const options = reportOptions(values)
  const tiers = list('tier', values.tier, Tiers.ORDER)
  const stages = list('stage', values.stage, CustomerList.STAGES)
  const format = list('format', values.format, FORMATS)![0]!
  const limit = values.limit === undefined ? undefined : count('limit', values.limit)
  let atRisk: number | undefined
  if (values['at-risk'] !== undefined) {
    atRisk = Number(values['at-risk'])
    if (values['at-risk'].trim() === '' || !(atRisk > 0 && atRisk <= 1)) {
      throw new UsageError(`--at-risk: ${JSON.stringify(values['at-risk'])} is not a probability in (0, 1]`)
    }
  }
  const withClv = values.clv || atRisk !== undefined
  const fields = [...CustomerList.SORT_FIELDS, ...(withClv ? CLV_FIELDS : [])]
  let sort: { field: string; descending: boolean } | undefined
  if (values.sort !== undefined) {
    const [field = '', direction] = values.sort.split(':')
    if (!(fields as readonly string[]).includes(field)) {
      throw new UsageError(
        `--sort: ${JSON.stringify(field)} is not a field to sort by (${fields.join(', ')}${withClv ? '' : '; pAlive, expectedPurchases and clvCents with --clv'})`,
      )
    }
    if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
      throw new UsageError(`--sort: ${JSON.stringify(direction)} is not asc or desc`)
    }
    sort = { field, descending: direction === undefined ? !NAME_FIELDS.has(field) : direction === 'desc' }
  }

  // The ledger (resumed from the report's checkpoint in a log), and the purchases for --clv.
  let status: number = EXIT.ok
  let state: Ledger.State
  let history: PurchaseHistory.History | null = null
  if (values.db !== undefined) {
    state = await ledgerFromDatabase(values.db, options)
    if (withClv) {
      const log = await openLog(values.db)
      try {
        history = await Fold.runAsync(PurchaseHistory.fold, EventLog.readAll(log, { pageSize: 5_000 }))
      } finally {
        await log.close()
      }
    }
  } else {
    const file = await readHistory(values.events!, io.stderr)
    if (file.rejected > 0) status = EXIT.rejected
    state = Fold.run(Ledger.fold(options), file.events)
    if (withClv) history = Fold.run(PurchaseHistory.fold, file.events)
  }
  let clv: CustomerList.ClvColumns | null = null
  if (history !== null) {
    const predicted = CustomerList.predictValue(state, history)
    if (E.isLeft(predicted)) throw new UsageError(`--clv: ${predicted.left}`)
    clv = predicted.right
  }

  const rows = CustomerList.rowsOf(state)
  const keyOf = (field: string): CustomerList.Key => {
    if (clv !== null && (CLV_FIELDS as readonly string[]).includes(field)) {
      const column = clv[field as (typeof CLV_FIELDS)[number]]
      return (r) => column[r]!
    }
    return rows.key(field as CustomerList.SortField)
  }
  const riskTiers = new Set<string>(['invested', 'regular'])
  const query: CustomerList.Query = {
    ...(tiers === undefined ? {} : { tiers }),
    ...(stages === undefined ? {} : { stages }),
    ...(values['sales-ready'] ? { salesReady: true } : {}),
    ...(atRisk === undefined || clv === null
      ? {}
      : { where: (r: number) => riskTiers.has(rows.tier(r)) && clv.pAlive[r]! < atRisk }),
    ...(sort !== undefined
      ? { sort: { key: keyOf(sort.field), descending: sort.descending } }
      : atRisk !== undefined
        ? { sort: { key: keyOf('clvCents'), descending: true } }
        : {}),
    ...(limit === undefined ? {} : { limit }),
  }
  const make = (r: number): Row => {
    const row = rows.row(r)
    if (clv === null) return row
    return {
      ...row,
      pAlive: orNull(clv.pAlive[r]!),
      expectedPurchases: orNull(clv.expectedPurchases[r]!),
      clvCents: orNull(clv.clvCents[r]!),
      clvCurrency: clv.currency[r] ?? null,
      ...(clv.intervals === null
        ? {}
        : {
            pAliveLower: orNull(clv.intervals.pAlive[0][r]!),
            pAliveUpper: orNull(clv.intervals.pAlive[1][r]!),
            expectedPurchasesLower: orNull(clv.intervals.expectedPurchases[0][r]!),
            expectedPurchasesUpper: orNull(clv.intervals.expectedPurchases[1][r]!),
            clvCentsLower: orNull(clv.intervals.clvCents[0][r]!),
            clvCentsUpper: orNull(clv.intervals.clvCents[1][r]!),
          }),
    }
  }

  // Every currency paid in before `to`: the CSV's net revenue columns.
  const currencies = [...state.sales.keys()].sort()
  const render = renderer(format, currencies, clv !== null, state)
  // Rows go out in pieces of 1,000 (one CSV writer call each), waiting for stdout to drain.
  let batch: Row[] = []
  let header = render.header
  let n = 0
  for (const r of CustomerList.select(state, query, rows)) {
    batch.push(make(r))
    n++
    if (batch.length === 1_000) {
      io.stdout(header + render.rows(batch))
      header = ''
      batch = []
      await io.drained?.()
    }
  }
  if (batch.length > 0 || header !== '') io.stdout(header + render.rows(batch))
  io.stderr(`${n.toLocaleString('en')} customer(s) listed\n`)
  return status
}

/** The text of the header and of a piece of rows in a format. */
const renderer = (
  format: (typeof FORMATS)[number],
  currencies: readonly string[],
  withClv: boolean,
  state: Ledger.State,
): { readonly header: string; readonly rows: (rows: readonly Row[]) => string } => {
  if (format === 'jsonl') return { header: '', rows: (rows) => rows.map((row) => `${JSON.stringify(row)}\n`).join('') }
  if (format === 'csv') {
    const columns = [
      'customerId',
      'stage',
      'tier',
      'score',
      'salesReadyAt',
      'channel',
      'campaign',
      'firstPurchaseAt',
      'lastPurchaseAt',
      'purchases',
      ...currencies.map((c) => `netRevenueCents.${c}`),
      'nps',
      'csat',
      ...(withClv ? CLV_COLUMNS : []),
    ]
    const csv = (records: unknown[][]): string => stringify(records, { record_delimiter: 'windows' })
    return {
      header: csv([columns]),
      rows: (rows) =>
        csv(
          rows.map((row) => [
            row.customerId,
            row.stage,
            row.tier,
            row.score,
            row.salesReadyAt,
            row.channel,
            row.campaign,
            row.firstPurchaseAt,
            row.lastPurchaseAt,
            row.purchases,
            ...currencies.map((c) => row.netRevenueCents[c]),
            row.nps,
            row.csat,
            ...(withClv ? CLV_COLUMNS.map((c) => row[c]) : []),
          ]),
        ),
    }
  }
  // A table of fixed widths, so that it streams: the ids' width is the longest id's (at most 30).
  let idWidth = 8
  for (const id of state.customers.ids) if (id.length > idWidth) idWidth = Math.min(30, id.length)
  const date = (iso: string | null): string => (iso === null ? '—' : iso.slice(0, 10))
  const num = (x: number | null | undefined, digits: number): string => (x == null ? '—' : x.toFixed(digits))
  const range = (lower: number | null | undefined, upper: number | null | undefined, f: (x: number) => string) =>
    lower == null || upper == null ? '' : ` [${f(lower)}–${f(upper)}]`
  const amount = (cents: number, currency: string): string => money(cents, currency).replace(` ${currency}`, '')
  const columns: [string, number, (row: Row) => string][] = [
    ['customer', idWidth, (r) => r.customerId],
    ['stage', 8, (r) => r.stage],
    ['tier', 8, (r) => r.tier],
    ['score', 6, (r) => num(r.score, 1)],
    ['sales-ready', 11, (r) => date(r.salesReadyAt)],
    ['channel', 12, (r) => r.channel ?? '—'],
    ['purch.', 6, (r) => String(r.purchases)],
    ['last purchase', 13, (r) => date(r.lastPurchaseAt)],
    ...(withClv
      ? ([
          ['P(alive) [90%]', 19, (r) => num(r.pAlive, 3) + range(r.pAliveLower, r.pAliveUpper, (x) => x.toFixed(3))],
          [
            'CLV [90%]',
            34,
            (r) =>
              (r.clvCents == null || r.clvCurrency == null ? '—' : money(r.clvCents, r.clvCurrency)) +
              range(r.clvCentsLower, r.clvCentsUpper, (x) => amount(x, r.clvCurrency ?? '')),
          ],
        ] as [string, number, (row: Row) => string][])
      : []),
    [
      'net revenue',
      0,
      (r) => {
        const entries = Object.entries(r.netRevenueCents)
        return entries.length === 0 ? '—' : entries.map(([c, cents]) => money(cents, c)).join(', ')
      },
    ],
  ]
  const numeric = new Set(['score', 'purch.', 'P(alive)', 'CLV'])
  const line = (cells: string[]): string =>
    `${cells
      .map((text, k) => {
        const [name, width] = columns[k]!
        if (width === 0) return text
        const shown = cell(text, width)
        return numeric.has(name) ? shown.padStart(width) : shown.padEnd(width)
      })
      .join('  ')
      .trimEnd()}\n`
  return {
    header:
      line(columns.map(([name]) => name)) +
      line(columns.map(([name, width]) => '─'.repeat(width === 0 ? name.length : width))),
    rows: (rows) => rows.map((row) => line(columns.map(([, , f]) => f(row)))).join(''),
  }
}
