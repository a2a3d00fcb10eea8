/**
 * How numbers read on the page: counts with thousands separators, rates as percents, money in
 * its own currency (never summed across currencies), and "—" for a null (a rate with no base).
 */

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** What a missing value (null) shows. */
export const NONE = '—'

const formats = new Map<number, Intl.NumberFormat>()
/** A number formatter with exactly `digits` decimals and thousands separators (made once per digits). */
const fixed = (digits: number): Intl.NumberFormat => {
  let f = formats.get(digits)
  if (f === undefined) {
    f = new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    formats.set(digits, f)
  }
  return f
}

/** A count: `1,234`. */
export const count = (n: number | null): string => (n === null ? NONE : fixed(0).format(n))

/** A rate as a percent with one decimal: `12.5%`. */
export const percent = (rate: number | null): string => (rate === null ? NONE : `${(rate * 100).toFixed(1)}%`)

/** A plain number with `digits` decimals. */
export const decimal = (x: number | null, digits = 1): string => (x === null ? NONE : fixed(digits).format(x))

const fractionDigits = new Map<string, number>()

/** The number of minor-unit digits of a currency (2 for USD, 0 for JPY); 2 for an unknown code. */
export const minorDigits = (currency: string): number => {
  let d = fractionDigits.get(currency)
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      d = 2
    }
    fractionDigits.set(currency, d)
  }
  return d
}

/** Minor units (cents) as major units of the currency: 129900 USD is 1299. */
export const major = (cents: number, currency: string): number => cents / 10 ** minorDigits(currency)

/** Minor units as `1,299.00 USD`, the code after the amount (as the text report writes it). */
export const money = (cents: number | null, currency: string): string => {
  if (cents === null) return NONE
  return `${fixed(minorDigits(currency)).format(major(cents, currency))} ${currency}`
}

/** Money per currency, one amount per currency in code order, or "—" when there is none. */
export const perCurrency = (values: Readonly<Record<string, number | null>>): string => {
  const entries = Object.entries(values)
  return entries.length === 0 ? NONE : entries.map(([c, v]) => money(v, c)).join(', ')
}

/** Acquisition costs: plain minor units (METRICS.md takes them in the selling currency) as `12.50`. */
export const plainCents = (cents: number | null): string => (cents === null ? NONE : fixed(2).format(cents / 100))

/** A ratio such as ROI as a percent without decimals: `240%`. */
export const roi = (x: number | null): string => (x === null ? NONE : `${(x * 100).toFixed(0)}%`)
