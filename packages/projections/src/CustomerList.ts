/**
 * The customer list: one row per customer of a folded ledger state, as of its `to`, with its
 * stage, tier, lead score and what it bought, filtered and sorted, produced lazily. The lists
 * marketing acts on (the new clients to welcome, the sales-ready leads, the regulars at risk)
 * are filters of it.
 *
 * Rows are made one at a time from the ledger's columns: nothing but the state (and, when
 * sorted, one array of row numbers) is held, whatever the number of customers.
 */
import { Timestamp } from '@lifeline/core'
import * as E from 'fp-ts/lib/Either.js'
import * as Clv from './clv/Clv.js'
import type * as Intervals from './clv/Intervals.js'
import type * as PurchaseHistory from './clv/PurchaseHistory.js'
import * as Rfm from './clv/Rfm.js'
import * as Leads from './Leads.js'
import * as Ledger from './Ledger.js'
import { sorted, type PerCurrency } from './Money.js'
import * as Tiers from './Tiers.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The stages of EVENTS.md a listed customer can be in (a stranger has no events to list). */
export const STAGES = ['lead', 'customer', 'repeat', 'advocate', 'churned'] as const

/** A customer's stage at `to`. */
export type Stage = (typeof STAGES)[number]

/** One customer as of `to`. Instants are RFC 3339 (UTC); null is "never" or "none". */
export interface Row {
  readonly customerId: string
  readonly stage: Stage
  readonly tier: Tiers.Tier
  /** The lead score at `to` (fit plus decayed touches); null when it never opted in. */
  readonly score: number | null
  readonly salesReadyAt: string | null
  /** The channel and campaign of the first opt-in. */
  readonly channel: string | null
  readonly campaign: string | null
  readonly firstPurchaseAt: string | null
  readonly lastPurchaseAt: string | null
  /** Purchases before `to`. */
  readonly purchases: number
  /** Net revenue (purchases minus refunds) before `to`, per currency; `{}` when it never bought. */
  readonly netRevenueCents: PerCurrency
  /** Its latest NPS and CSAT answers in the period. */
  readonly nps: number | null
  readonly csat: number | null
}

/** The fields a list can be sorted by. */
export const SORT_FIELDS = [
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
  'nps',
  'csat',
] as const

/** A field a list can be sorted by. */
export type SortField = (typeof SORT_FIELDS)[number]

/** A sort key of a row: a number or a string; null (or NaN) sorts last in either direction. */
export type Key = (r: number) => number | string | null

/** What to list. Every filter given must hold; left out, it lets every customer through. */
export interface Query {
  /** Only customers in one of these tiers at `to`. */
  readonly tiers?: readonly Tiers.Tier[]
  /** Only customers in one of these stages at `to`. */
  readonly stages?: readonly Stage[]
  /**
   * Only the customers who are (true) or are not (false) in SR, the sales-ready leads of the
   * period that `leads.salesReady` counts (new leads of [from, to), sales-ready before `to`, not
   * after converting; `conversionWindowDays` applies).
   */
  readonly salesReady?: boolean
  /** Any other condition on a row (a ledger row number). */
  readonly where?: (r: number) => boolean
  /** The order (default: the order customers first appeared in the log); ties keep that order. */
  readonly sort?: { readonly key: Key; readonly descending: boolean }
  /** A cursor: start after the customer with this id (the last one of the previous page). */
  readonly after?: string
  /** At most this many rows. */
  readonly limit?: number
}

/** A customer's predicted value (`lifeline clv`'s BG/NBD and Gamma-Gamma fit), by ledger row. */
export interface ClvColumns {
  /** P(alive) at the end of the calibration; NaN for a customer the fit did not see. */
  readonly pAlive: Float64Array
  /** Expected purchases over the horizon; NaN when unknown. */
  readonly expectedPurchases: Float64Array
  /** Discounted CLV over the horizon, in `currency`'s minor units; NaN without a spend model. */
  readonly clvCents: Float64Array
  /** The currency of the CLV (the customer's first), by row; null when none. */
  readonly currency: (string | null)[]
  /**
   * The intervals of each value (`Clv.analyze`'s, from draws of the parameters) at `level`:
   * lower and upper by row, NaN when unknown; null when the analysis made none.
   */
  readonly intervals: {
    readonly level: number
    readonly pAlive: readonly [Float64Array, Float64Array]
    readonly expectedPurchases: readonly [Float64Array, Float64Array]
    readonly clvCents: readonly [Float64Array, Float64Array]
  } | null
}

/** Reads a state's customers by ledger row number (see `rowsOf`). */
export interface Rows {
  /** Whether the row is a customer with events of its own (one only named as referred is not). */
  readonly listed: (r: number) => boolean
  /** Its stage at `to`. */
  readonly stage: (r: number) => Stage
  /** Its tier at `to`. */
  readonly tier: (r: number) => Tiers.Tier
  /** Whether it is in SR, the sales-ready leads `leads.salesReady` counts (`Leads.salesReadyReader`). */
  readonly salesReady: (r: number) => boolean
  /** Its lead score at `to`, or null. */
  readonly score: (r: number) => number | null
  /** The whole row. */
  readonly row: (r: number) => Row
  /** The sort key of a field. */
  readonly key: (field: SortField) => Key
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Makes the rows of a state: the readers of tiers and status are set up once. */
export const rowsOf = (state: Ledger.State): Rows => {
  const c = state.customers
  const n = c.numbers
  const i = c.integers
  const to = Ledger.period(state).to ?? Number.POSITIVE_INFINITY
  const tiers = Tiers.reader(state)
  const status = Ledger.statusBitsReader(state)
  const iso = (ms: number): string | null => (Number.isNaN(ms) ? null : Timestamp.format(ms))
  /** A customer with events of its own (a row made only by being referred has none). */
  const listed = (r: number): boolean => !Number.isNaN(n.optInAt[r]!) || i.purchases[r]! > 0
  const stage = (r: number): Stage => {
    const flags = i.flags[r]!
    // A pending implicit churn due before `to` has happened (nothing of the customer came after it).
    if ((flags & Ledger.LAST_CHURNED) !== 0 || n.pendingChurnAt[r]! < to) return 'churned'
    if ((status(r) & Ledger.AT_TO) !== 0) {
      if (!Number.isNaN(n.firstReferralAt[r]!)) return 'advocate'
      return i.purchases[r]! >= 2 ? 'repeat' : 'customer'
    }
    return 'lead'
  }
  const salesReady = Leads.salesReadyReader(state)
  /** A row's latest answer to a survey, or null. */
  const some = (x: number): number | null => (x === Ledger.NONE ? null : x)
  const nps = (r: number): number | null => some(Ledger.npsOf(c, r))
  const csat = (r: number): number | null => some(Ledger.csatOf(c, r))
  const score = (r: number): number | null => Ledger.scoreAt(state, r, to)
  const row = (r: number): Row => {
    const revenue = Ledger.revenueOf(c, r)
    return {
      customerId: c.ids[r]!,
      stage: stage(r),
      tier: Tiers.nameOf(tiers.atTo(r)),
      score: score(r),
      salesReadyAt: iso(Ledger.salesReadyAtOf(c, r)),
      channel: Ledger.stringAt(c, i.channel[r]!),
      campaign: Ledger.stringAt(c, i.campaign[r]!),
      firstPurchaseAt: iso(n.firstPurchaseAt[r]!),
      lastPurchaseAt: iso(n.lastPurchaseAt[r]!),
      purchases: i.purchases[r]!,
      netRevenueCents: revenue === null ? {} : sorted(Object.entries(revenue)),
      nps: nps(r),
      csat: csat(r),
    }
  }
  const key = (field: SortField): Key => {
    switch (field) {
      case 'customerId':
        return (r) => c.ids[r]!
      case 'stage':
        return (r) => STAGES.indexOf(stage(r))
      case 'tier':
        return (r) => tiers.atTo(r)
      case 'score':
        return score
      case 'salesReadyAt':
        return (r) => Ledger.salesReadyAtOf(c, r)
      case 'channel':
        return (r) => Ledger.stringAt(c, i.channel[r]!)
      case 'campaign':
        return (r) => Ledger.stringAt(c, i.campaign[r]!)
      case 'firstPurchaseAt':
        return (r) => n.firstPurchaseAt[r]!
      case 'lastPurchaseAt':
        return (r) => n.lastPurchaseAt[r]!
      case 'purchases':
        return (r) => i.purchases[r]!
      case 'nps':
        return nps
      case 'csat':
        return csat
    }
  }
  return { listed, stage, tier: (r: number) => Tiers.nameOf(tiers.atTo(r)), salesReady, score, row, key }
}

const isMissing = (x: number | string | null): boolean => x === null || (typeof x === 'number' && Number.isNaN(x))

/** Compares two keys; missing ones last. */
const compare = (a: number | string | null, b: number | string | null, descending: boolean): number => {
  const ma = isMissing(a)
  const mb = isMissing(b)
  if (ma || mb) return ma === mb ? 0 : ma ? 1 : -1
  const order = a! < b! ? -1 : a! > b! ? 1 : 0
  return descending ? -order : order
}

/**
 * The ledger row numbers of the customers a query lists, in its order, lazily. Unsorted, the
 * rows are scanned in place; sorted, the matching row numbers are sorted (one 4-byte number per
 * customer listed), never the rows themselves.
 */
export function* select(state: Ledger.State, query: Query = {}, rows: Rows = rowsOf(state)): Generator<number> {
  const c = state.customers
  const tiers = query.tiers === undefined ? null : new Set<string>(query.tiers)
  const stages = query.stages === undefined ? null : new Set<string>(query.stages)
  const keep = (r: number): boolean =>
    rows.listed(r) &&
    (tiers === null || tiers.has(rows.tier(r))) &&
    (stages === null || stages.has(rows.stage(r))) &&
    (query.salesReady === undefined || rows.salesReady(r) === query.salesReady) &&
    (query.where === undefined || query.where(r))
  let left = query.limit ?? Number.POSITIVE_INFINITY
  if (left <= 0) return
  if (query.sort === undefined) {
    // Row order: the cursor's row is found by its id.
    let start = 0
    if (query.after !== undefined) {
      const r = Ledger.rowOf(c, query.after)
      if (r === undefined) return
      start = r + 1
    }
    for (let r = start; r < c.size; r++) {
      if (!keep(r)) continue
      yield r
      if (--left === 0) return
    }
    return
  }
  let matching = new Uint32Array(Math.min(c.size, 1024))
  let m = 0
  for (let r = 0; r < c.size; r++) {
    if (!keep(r)) continue
    if (m === matching.length) {
      const bigger = new Uint32Array(Math.min(c.size, matching.length * 2))
      bigger.set(matching)
      matching = bigger
    }
    matching[m++] = r
  }
  const { key, descending } = query.sort
  // Keys read once per row (a score is a power; a stage a few comparisons).
  const keys = new Array<number | string | null>(c.size)
  for (let k = 0; k < m; k++) keys[matching[k]!] = key(matching[k]!)
  const order = matching.subarray(0, m).sort((a, b) => compare(keys[a]!, keys[b]!, descending) || a - b)
  let k = 0
  if (query.after !== undefined) {
    const r = Ledger.rowOf(c, query.after)
    const at = r === undefined ? -1 : order.indexOf(r)
    if (at < 0) return
    k = at + 1
  }
  for (; k < order.length; k++) {
    yield order[k]!
    if (--left === 0) return
  }
}

/** The customers a query lists, as rows, lazily (see `select`). */
export function* list(state: Ledger.State, query: Query = {}): Generator<Row> {
  const rows = rowsOf(state)
  for (const r of select(state, query, rows)) yield rows.row(r)
}

/**
 * Each customer's predicted value from a CLV analysis (`Clv.analyze`, as `lifeline clv` makes
 * it), as columns by ledger row, so that a list can show, filter and sort by it.
 */
export const clvColumns = (state: Ledger.State, analysis: Clv.Analysis): ClvColumns => {
  const c = state.customers
  const pAlive = new Float64Array(c.size).fill(Number.NaN)
  const expectedPurchases = new Float64Array(c.size).fill(Number.NaN)
  const clvCents = new Float64Array(c.size).fill(Number.NaN)
  const currency = new Array<string | null>(c.size).fill(null)
  const withIntervals = analysis.intervals !== null && analysis.intervals.unavailable === null
  const pair = (): [Float64Array, Float64Array] => [
    new Float64Array(withIntervals ? c.size : 0).fill(Number.NaN),
    new Float64Array(withIntervals ? c.size : 0).fill(Number.NaN),
  ]
  const bounds = { pAlive: pair(), expectedPurchases: pair(), clvCents: pair() }
  for (const customer of analysis.customers) {
    const r = Ledger.rowOf(c, customer.customerId)
    if (r === undefined) continue
    pAlive[r] = customer.pAlive
    expectedPurchases[r] = customer.expectedPurchases
    clvCents[r] = customer.clvCents ?? Number.NaN
    currency[r] = customer.currency
    const own = customer.intervals
    if (withIntervals && own !== undefined) {
      ;[bounds.pAlive[0][r], bounds.pAlive[1][r]] = [own.pAlive.lower, own.pAlive.upper]
      ;[bounds.expectedPurchases[0][r], bounds.expectedPurchases[1][r]] = [
        own.expectedPurchases.lower,
        own.expectedPurchases.upper,
      ]
      if (own.clvCents !== null)
        [bounds.clvCents[0][r], bounds.clvCents[1][r]] = [own.clvCents.lower, own.clvCents.upper]
    }
  }
  const intervals = withIntervals ? { level: analysis.intervals.level, ...bounds } : null
  return { pAlive, expectedPurchases, clvCents, currency, intervals }
}

/**
 * The defaults of `lifeline clv`: weeks, BG/NBD, 52 weeks ahead, no discount, 90% intervals from
 * 200 seeded draws of the parameters.
 */
export const CLV_DEFAULTS = {
  unit: 'week',
  model: 'bgnbd',
  horizonWeeks: 52,
  discountRate: 0,
  intervals: { level: 0.9, draws: 200, seed: 1 },
} as const

/**
 * Each customer's P(alive), expected purchases and CLV as `lifeline clv` predicts them with its
 * defaults (BG/NBD and Gamma-Gamma by week, 52 weeks ahead, undiscounted), fitted on the
 * purchases of `history` before the state's `to`, with `intervals` (default: 90% from 200 draws,
 * seed 1, as `lifeline clv`; null or 0 draws for none); an error when there are too few repeat
 * buyers to fit (fewer than 2).
 */
export const predictValue = (
  state: Ledger.State,
  history: PurchaseHistory.History,
  intervals: Intervals.Options | null = CLV_DEFAULTS.intervals,
): E.Either<string, ClvColumns> => {
  const to = Ledger.period(state).to
  const summary = Rfm.summarize(history, { unit: CLV_DEFAULTS.unit, ...(to === null ? {} : { to }) })
  const repeat = summary.customers.filter((c) => c.frequency > 0).length
  if (repeat < 2) {
    return E.left(
      `too few repeat buyers to fit the CLV model: ${repeat} of ${summary.customers.length} customers bought in two days or more (at least 2 needed)`,
    )
  }
  const analysis = Clv.analyze(summary, {
    model: CLV_DEFAULTS.model,
    horizon: { n: CLV_DEFAULTS.horizonWeeks, unit: CLV_DEFAULTS.unit },
    discountRate: CLV_DEFAULTS.discountRate,
    ...(intervals === null || intervals.draws === 0 ? {} : { intervals }),
  })
  return E.right(clvColumns(state, analysis))
}
