/**
 * Checkpoints of the ledger: a full snapshot, and a delta holding only the customers changed
 * since a snapshot.
 *
 * Both are plain data (typed arrays, arrays, Maps): a structured-clone serializer (`v8.serialize`)
 * copies their typed arrays as blocks of memory, and `Fold.serialize` writes them as JSON. A
 * snapshot of 100,000 customers is some megabytes; writing it after every 1,000 new events would
 * cost more than folding them, so a store can keep one snapshot and, after it, a delta of the
 * rows changed since (which grows with the changes, not with the customer base), and write a new
 * snapshot when the delta has grown large. `restore(snapshot, delta)` equals the state the delta
 * was taken from (a property test checks it).
 *
 * Both carry a format `version` (`VERSION`). A checkpoint of another version (written by an
 * older Lifeline, whose state lacks facts this one keeps) is recognised by it (`isCurrent`,
 * `versionOf`) and must be refolded from the start; `restore` refuses it.
 */
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The ledger's columns of floating-point values, one row per customer. */
export type NumberColumns = Ledger.Customers['numbers']
/** The ledger's columns of whole numbers, one row per customer. */
export type IntegerColumns = Ledger.Customers['integers']
/** Everything of a ledger state but its options and its customers: the running totals. */
export type Aggregates = Omit<Ledger.State, 'options' | 'customers'>
/** The orders refunded so far, by customer row. */
export type RefundOrders = ReadonlyMap<number, ReadonlySet<string>>

/**
 * The format version of snapshots and deltas. 6: smaller rows (the fit derived from the channel,
 * the cohort and the month of the latest purchase from their instants, a ring of K - 1 purchases
 * beside `lastPurchaseAt`, the purchases before `from` in `flags`, the nps and csat scores in one
 * column `surveys`, the count of purchases an integer column, a lead's first touch, engagement,
 * its instant and `salesReadyAt` side by side in one column `nurture`); 5: client tiers and lead scoring (the ring of the
 * latest purchases, the decayed touches, `salesReadyAt`, the purchases before `from`); 4: the period's sales and refunds by month and the
 * churns of the month holding `from` (trends); 3: refunds, surveys and categories (issue 10);
 * 2: the columnar ledger.
 */
export const VERSION = 6

/** Every customer of a ledger state, as columns of exactly one row per customer. */
export interface Snapshot {
  readonly version: typeof VERSION
  readonly options: Ledger.Options
  readonly ids: readonly string[]
  readonly strings: readonly string[]
  readonly numbers: NumberColumns
  readonly integers: IntegerColumns
  /** The ring of the latest purchase instants (`Ledger.Customers.recent`). */
  readonly recent: readonly Float64Array[]
  /** The nurturing of the rows, `Ledger.NURTURE` numbers a row (`Ledger.Customers.nurture`). */
  readonly nurture: Float64Array
  readonly moreRevenue: ReadonlyMap<number, Readonly<Record<string, number>>>
  readonly refundOrders: RefundOrders
  readonly aggregates: Aggregates
}

/**
 * The customers changed since a snapshot, and everything else of the state (the aggregates and
 * the dictionary are small). Row `rows[k]` takes the `k`-th value of each column; rows at or
 * past the snapshot's size are new customers, named in `newIds` in row order.
 */
export interface Delta {
  readonly version: typeof VERSION
  /** The number of customers of the snapshot it applies to. */
  readonly baseSize: number
  readonly size: number
  readonly rows: Uint32Array
  readonly newIds: readonly string[]
  readonly strings: readonly string[]
  readonly numbers: NumberColumns
  readonly integers: IntegerColumns
  /** The ring of the latest purchase instants (`Ledger.Customers.recent`). */
  readonly recent: readonly Float64Array[]
  /** The nurturing of the rows, `Ledger.NURTURE` numbers a row (`Ledger.Customers.nurture`). */
  readonly nurture: Float64Array
  readonly moreRevenue: ReadonlyMap<number, Readonly<Record<string, number>>>
  /** The order ids of the changed rows that have some (a changed row without is cleared). */
  readonly refundOrders: RefundOrders
  readonly aggregates: Aggregates
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const aggregatesOf = (state: Ledger.State): Aggregates => {
  const { options: _options, customers: _customers, ...aggregates } = state
  return aggregates
}

const mapColumns = <C extends Record<string, Float64Array | Int32Array>>(
  columns: C,
  f: <T extends Float64Array | Int32Array>(column: T) => T,
): C => Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, f(column)])) as C

/** The `Ledger.NURTURE` numbers a row of `Ledger.Customers.nurture`, for the given rows in their order. */
const blocks = (column: Float64Array, rows: Uint32Array): Float64Array => {
  const out = new Float64Array(Ledger.NURTURE * rows.length)
  for (let k = 0; k < rows.length; k++) {
    for (let j = 0; j < Ledger.NURTURE; j++) out[Ledger.NURTURE * k + j] = column[Ledger.NURTURE * rows[k]! + j]!
  }
  return out
}

/** A full snapshot of the state (copies: the state may go on changing). */
export const snapshot = (state: Ledger.State): Snapshot => {
  const c = state.customers
  return {
    version: VERSION,
    options: state.options,
    ids: c.ids.slice(),
    strings: c.strings.slice(),
    numbers: mapColumns(c.numbers, (column) => column.slice(0, c.size) as typeof column),
    integers: mapColumns(c.integers, (column) => column.slice(0, c.size) as typeof column),
    recent: c.recent.map((column) => column.slice(0, c.size)),
    nurture: c.nurture.slice(0, Ledger.NURTURE * c.size),
    moreRevenue: structuredClone(c.moreRevenue),
    refundOrders: structuredClone(c.refundOrders),
    aggregates: structuredClone(aggregatesOf(state)),
  }
}

/** How many customers changed since the last `markSaved` (all of them if it was never called). */
export const changedRows = (state: Ledger.State): number => {
  const { touched, size } = state.customers
  let n = 0
  for (let r = 0; r < size; r++) n += touched[r]!
  return n
}

/**
 * Records that a snapshot of the state is stored: later deltas hold only the customers changed
 * from now on.
 */
export const markSaved = (state: Ledger.State): void => {
  state.customers.touched.fill(0)
}

/** The customers changed since the last `markSaved`, against a snapshot of `baseSize` customers. */
export const delta = (state: Ledger.State, baseSize: number): Delta => {
  const c = state.customers
  const rows = new Uint32Array(changedRows(state))
  let k = 0
  for (let r = 0; r < c.size; r++) if (c.touched[r] === 1) rows[k++] = r
  const pick = <T extends Float64Array | Int32Array>(column: T): T => {
    const out = new (column.constructor as new (n: number) => T)(rows.length)
    for (let j = 0; j < rows.length; j++) out[j] = column[rows[j]!]!
    return out
  }
  const moreRevenue = new Map<number, Record<string, number>>()
  const refundOrders = new Map<number, Set<string>>()
  for (const r of rows) {
    const more = c.moreRevenue.get(r)
    if (more !== undefined) moreRevenue.set(r, { ...more })
    const orders = c.refundOrders.get(r)
    if (orders !== undefined) refundOrders.set(r, new Set(orders))
  }
  return {
    version: VERSION,
    baseSize,
    size: c.size,
    rows,
    newIds: c.ids.slice(baseSize),
    strings: c.strings.slice(),
    numbers: mapColumns(c.numbers, pick),
    integers: mapColumns(c.integers, pick),
    recent: c.recent.map(pick),
    nurture: blocks(c.nurture, rows),
    moreRevenue,
    refundOrders,
    aggregates: structuredClone(aggregatesOf(state)),
  }
}

/**
 * The state of a snapshot, with a delta taken after it applied; it takes ownership of both.
 * The rows of the delta count as changed since the snapshot, so the next delta holds them too.
 */
export const restore = (base: Snapshot, change?: Delta): Ledger.State => {
  for (const checkpoint of change === undefined ? [base] : [base, change]) {
    if (!isCurrent(checkpoint)) {
      throw new RangeError(`a ledger checkpoint of version ${versionOf(checkpoint)}, not ${VERSION}: fold again`)
    }
  }
  if (change !== undefined && change.baseSize !== base.ids.length) {
    throw new RangeError(`the delta is for a snapshot of ${change.baseSize} customers, not ${base.ids.length}`)
  }
  const size = change?.size ?? base.ids.length
  const ids = base.ids as string[]
  const baseSize = ids.length
  for (const id of change?.newIds ?? []) ids.push(id)
  const customers: Ledger.Customers = {
    size,
    ids,
    numbers: { ...base.numbers },
    integers: { ...base.integers },
    touched: new Uint8Array(baseSize),
    recent: [...base.recent],
    nurture: base.nurture,
    moreRevenue: base.moreRevenue as Map<number, Record<string, number>>,
    refundOrders: base.refundOrders as Map<number, Set<string>>,
    strings: [...(change?.strings ?? base.strings)],
    index: null,
    stringIndex: null,
  }
  const aggregates = change?.aggregates ?? base.aggregates
  if (change !== undefined) {
    // The snapshot's columns are exactly its size: grow them to hold the new customers.
    Ledger.reserve(customers, size)
    const { rows } = change
    for (const name of Ledger.NUMBER_FACTS) {
      const column = customers.numbers[name]
      const values = change.numbers[name]
      for (let k = 0; k < rows.length; k++) column[rows[k]!] = values[k]!
    }
    for (const name of Ledger.INTEGER_FACTS) {
      const column = customers.integers[name]
      const values = change.integers[name]
      for (let k = 0; k < rows.length; k++) column[rows[k]!] = values[k]!
    }
    for (let k = 0; k < rows.length; k++) {
      const at = Ledger.NURTURE * rows[k]!
      for (let j = 0; j < Ledger.NURTURE; j++) customers.nurture[at + j] = change.nurture[Ledger.NURTURE * k + j]!
    }
    customers.recent.forEach((column, j) => {
      const values = change.recent[j]!
      for (let k = 0; k < rows.length; k++) column[rows[k]!] = values[k]!
    })
    for (const r of rows) customers.touched[r] = 1
    for (const [r, more] of change.moreRevenue) customers.moreRevenue.set(r, more)
    for (const r of rows) {
      const orders = change.refundOrders.get(r)
      if (orders === undefined) customers.refundOrders.delete(r)
      else customers.refundOrders.set(r, orders as Set<string>)
    }
  }
  return { options: base.options, customers, ...aggregates }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The format version of a stored snapshot or delta, read without trusting its shape: a number,
 * or null when it carries none (not a ledger checkpoint).
 */
export const versionOf = (stored: unknown): number | null =>
  typeof stored === 'object' && stored !== null && 'version' in stored && typeof stored.version === 'number'
    ? stored.version
    : null

/** True when a stored snapshot or delta is of this version of the format (`VERSION`). */
export const isCurrent = <A extends Snapshot | Delta>(stored: unknown): stored is A => versionOf(stored) === VERSION

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** A snapshot of the state as JSON text (typed arrays as base64), for stores that keep text. */
export const serialize = (state: Ledger.State): string => Fold.serialize(snapshot(state))

/** The state back from `serialize`'s text. */
export const deserialize = (text: string): Ledger.State => restore(Fold.deserialize<Snapshot>(text))
