/**
 * Customers with the same (frequency, recency, T) have the same likelihood: the count models
 * are fitted on the distinct patterns with their counts, and for whole-number frequencies the
 * log-gamma differences lnΓ(r + x) - lnΓ(r) are running sums of ln(r + k), computed once per
 * likelihood evaluation up to the largest x.
 */

/** One customer's data for a count model, in the model's unit. */
export interface Rfm {
  /** Repeat purchase periods (whole number). */
  readonly frequency: number
  /** From the first to the last purchase. */
  readonly recency: number
  /** From the first purchase to the end of the calibration period. */
  readonly T: number
}

/** A distinct pattern and how many customers share it. */
export interface Pattern extends Rfm {
  readonly n: number
}

/** The distinct patterns of a population. */
export interface Patterns {
  readonly rows: readonly Pattern[]
  /** The rows as columns (x, t_x, T, count), which likelihood loops read fastest. */
  readonly columns: {
    readonly x: Int32Array
    readonly tx: Float64Array
    readonly T: Float64Array
    readonly count: Float64Array
  }
  readonly maxX: number
  readonly customers: number
  readonly repeatBuyers: number
}

/** The patterns of data already grouped: model choice fits several models to one summary. */
const grouped = new WeakMap<readonly Rfm[], Patterns & { readonly rowOf: Int32Array }>()

/**
 * Groups customers by pattern, in the order they first appear; `rowOf[i]` is customer i's row.
 * Frequencies must be whole numbers >= 0. The same array gives the same (cached) result.
 */
export const group = (data: readonly Rfm[]): Patterns & { readonly rowOf: Int32Array } => {
  const cached = grouped.get(data)
  if (cached !== undefined) return cached
  const result = groupOnce(data)
  grouped.set(data, result)
  return result
}

const groupOnce = (data: readonly Rfm[]): Patterns & { readonly rowOf: Int32Array } => {
  const counts = new Map<string, { frequency: number; recency: number; T: number; n: number; row: number }>()
  const rowOf = new Int32Array(data.length)
  let maxX = 0
  let repeatBuyers = 0
  data.forEach((c, i) => {
    if (!(Number.isInteger(c.frequency) && c.frequency >= 0))
      throw new RangeError(`frequency ${c.frequency} is not a whole number >= 0`)
    const key = `${c.frequency}:${c.recency}:${c.T}`
    let row = counts.get(key)
    if (row === undefined)
      counts.set(key, (row = { frequency: c.frequency, recency: c.recency, T: c.T, n: 1, row: counts.size }))
    else row.n++
    rowOf[i] = row.row
    maxX = Math.max(maxX, c.frequency)
    if (c.frequency > 0) repeatBuyers++
  })
  const rows = [...counts.values()].map(({ frequency, recency, T, n }) => ({ frequency, recency, T, n }))
  const columns = {
    x: Int32Array.from(rows, (r) => r.frequency),
    tx: Float64Array.from(rows, (r) => r.recency),
    T: Float64Array.from(rows, (r) => r.T),
    count: Float64Array.from(rows, (r) => r.n),
  }
  return { rows, columns, maxX, customers: data.length, repeatBuyers, rowOf }
}

/** sums[k] = sum of ln(v + j) for j < k, and reciprocals[k] = sum of 1 / (v + j), for k = 0..upTo. */
export const runningLogs = (
  v: number,
  upTo: number,
): { readonly sums: Float64Array; readonly reciprocals: Float64Array } => {
  const sums = new Float64Array(upTo + 1)
  const reciprocals = new Float64Array(upTo + 1)
  for (let k = 0; k < upTo; k++) {
    sums[k + 1] = sums[k]! + Math.log(v + k)
    reciprocals[k + 1] = reciprocals[k]! + 1 / (v + k)
  }
  return { sums, reciprocals }
}
