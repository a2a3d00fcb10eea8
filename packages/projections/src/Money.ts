/**
 * Money per currency: integer minor units keyed by ISO 4217 code, never summed across currencies.
 */

/** Amounts by currency, e.g. `{ "USD": 129900 }`. Keys are sorted in results. */
export type PerCurrency<A = number> = Readonly<Record<string, A>>

/** A record with its keys in sorted order (stable JSON). */
export const sorted = <A>(entries: Iterable<readonly [string, A]>): Readonly<Record<string, A>> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
