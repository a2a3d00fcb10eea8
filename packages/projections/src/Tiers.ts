/**
 * Client tiers (METRICS.md, "Client tiers"): each customer's tier at `from` and at `to`, the
 * counts and net revenue of the tiers at `to`, and the moves between the two instants.
 *
 * A tier follows from the ledger's columns: the stage flags, the first purchase, the purchases
 * before `from` in the window (counted in the flags), and the latest purchase with the ring of
 * the ones before it (whether the K-th latest is in the window before `to`), so it costs nothing
 * per event beyond those few columns.
 */
import { Timestamp } from '@lifeline/core'
import * as Ledger from './Ledger.js'
import { sorted, type PerCurrency } from './Money.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Every tier, in the contract's order (the order of `moves`). */
export const ORDER = ['none', 'prospect', 'new', 'invested', 'regular', 'lapsed'] as const

/** A customer's tier at an instant. */
export type Tier = (typeof ORDER)[number]

/** The tiers the report counts (all but `none`), in the contract's order. */
export const REPORTED = ['prospect', 'new', 'invested', 'regular', 'lapsed'] as const

/** A tier the report counts. */
export type ReportedTier = (typeof REPORTED)[number]

/** The tier codes: an index into `ORDER`. */
export const NONE = 0
/** The code of `prospect`. */
export const PROSPECT = 1
/** The code of `new`. */
export const NEW = 2
/** The code of `invested`. */
export const INVESTED = 3
/** The code of `regular`. */
export const REGULAR = 4
/** The code of `lapsed`. */
export const LAPSED = 5

/** Customers who were in tier `from` at `from` and are in tier `to` at `to`. */
export interface Move {
  readonly from: Tier
  readonly to: Tier
  readonly count: number
}

/** `tiers` in the report. */
export interface Tiers {
  /** Customers in each tier at `to`. */
  readonly counts: Readonly<Record<ReportedTier, number>>
  /** Net revenue of all purchases before `to` by the customers of each tier at `to`, per currency. */
  readonly revenueCents: Readonly<Record<ReportedTier, PerCurrency>>
  /** Every pair of tiers (at `from`, at `to`) with customers, `none` to `none` left out, in the contract's order. */
  readonly moves: readonly Move[]
}

/** Reads rows' tiers (codes) at `from` and at `to`, without changing the state. */
export interface Reader {
  /** The tier code of a row at `from` (`NONE` when the report has no `from`). */
  readonly atFrom: (r: number) => number
  /** The tier code of a row at `to`. */
  readonly atTo: (r: number) => number
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** A reader of the tiers of the rows of a ledger state (see METRICS.md for the rules). */
export const reader = (state: Ledger.State): Reader => {
  const c = state.customers
  const period = Ledger.period(state)
  const { newDays, regularPurchases, regularWindowDays } = Ledger.tierSettings(state.options)
  const newMs = newDays * Timestamp.MS_PER_DAY
  const windowMs = regularWindowDays * Timestamp.MS_PER_DAY
  const { optInAt, firstPurchaseAt } = c.numbers
  const { flags, purchases } = c.integers
  const status = Ledger.statusBitsReader(state)
  // Without an explicit `from`, the period starts at the earliest event: nothing is before it.
  const from = state.options.from
  const to = period.to ?? Number.POSITIVE_INFINITY
  const k = regularPurchases
  const atFrom = (r: number): number => {
    if (from === undefined) return NONE
    const f = flags[r]!
    const first = firstPurchaseAt[r]!
    if (first < from) {
      if ((status(r) & Ledger.AT_FROM) === 0) return LAPSED
      if (first >= from - newMs) return NEW
      return Ledger.fromWindowPurchasesOf(c, r) >= k ? REGULAR : INVESTED
    }
    return optInAt[r]! < from && (f & Ledger.OPTED_IN_AT_FROM) !== 0 ? PROSPECT : NONE
  }
  const atTo = (r: number): number => {
    const n = purchases[r]!
    if (n > 0) {
      if ((status(r) & Ledger.AT_TO) === 0) return LAPSED
      if (firstPurchaseAt[r]! >= to - newMs) return NEW
      // The K-th latest purchase is in the window: K purchases are.
      return Ledger.kthLatestPurchaseAt(c, r, k) >= to - windowMs ? REGULAR : INVESTED
    }
    return !Number.isNaN(optInAt[r]!) && (flags[r]! & Ledger.OPTED_IN) !== 0 ? PROSPECT : NONE
  }
  return { atFrom, atTo }
}

/** The name of a tier code. */
export const nameOf = (code: number): Tier => ORDER[code]!

/** `tiers` from the ledger, in one scan of its columns. */
export const tiers = (state: Ledger.State): Tiers => {
  const c = state.customers
  const { atFrom, atTo } = reader(state)
  const { currency } = c.integers
  const { revenueCents } = c.numbers
  const size = ORDER.length
  const counts = new Float64Array(size)
  const moves = new Float64Array(size * size)
  // Revenue by tier and currency index; `paid` marks the currencies some customer of the tier paid in.
  const width = c.strings.length
  const revenue = new Float64Array(size * width)
  const paid = new Uint8Array(size * width)
  const more = ORDER.map(() => new Map<string, number>())
  for (let r = 0; r < c.size; r++) {
    const to = atTo(r)
    counts[to]!++
    moves[atFrom(r) * size + to]!++
    const code = currency[r]!
    if (code === Ledger.NONE || to === NONE) continue
    revenue[to * width + code]! += revenueCents[r]!
    paid[to * width + code] = 1
    const extra = c.moreRevenue.get(r)
    for (const name in extra) more[to]!.set(name, (more[to]!.get(name) ?? 0) + extra[name]!)
  }
  const perCurrency = (tier: number): PerCurrency => {
    const out = new Map<string, number>()
    for (let i = 0; i < width; i++) if (paid[tier * width + i] === 1) out.set(c.strings[i]!, revenue[tier * width + i]!)
    for (const [name, cents] of more[tier]!) out.set(name, (out.get(name) ?? 0) + cents)
    return sorted(out)
  }
  const list: Move[] = []
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const count = moves[a * size + b]!
      if (count > 0 && !(a === NONE && b === NONE)) list.push({ from: nameOf(a), to: nameOf(b), count })
    }
  }
  const byTier = <A>(f: (code: number) => A): Record<ReportedTier, A> =>
    Object.fromEntries(REPORTED.map((name) => [name, f(ORDER.indexOf(name))])) as Record<ReportedTier, A>
  return { counts: byTier((t) => counts[t]!), revenueCents: byTier(perCurrency), moves: list }
}
