/**
 * Selection: the k-th smallest of numbers without sorting them (the medians of the report, the
 * quantiles of CLV intervals).
 */

/**
 * Moves the `k`-th smallest of `xs[from..to]` (k counted from index 0 of `xs`) to index `k`, the
 * smaller ones before it and the larger after (Hoare's selection with median-of-three pivots):
 * linear time on average, where a sort would be `n log n`.
 */
export const select = (xs: Float64Array, k: number, from = 0, to = xs.length - 1): void => {
  let lo = from
  let hi = to
  while (hi > lo) {
    const a = xs[lo]!
    const b = xs[(lo + hi) >> 1]!
    const c = xs[hi]!
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b
    let i = lo
    let j = hi
    while (i <= j) {
      while (xs[i]! < pivot) i++
      while (xs[j]! > pivot) j--
      if (i <= j) {
        const x = xs[i]!
        xs[i++] = xs[j]!
        xs[j--] = x
      }
    }
    // Now xs[lo..j] <= pivot <= xs[i..hi], and every index between j and i holds the pivot.
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return
  }
}
