/**
 * How numbers read on the page: counts with thousands separators, rates as percents, money in
 * its own currency (never summed across currencies), and "—" for a null (a rate with no base).
 */

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** What a missing value (null) shows. */
export const NONE = '—'

/**
 * `x` with exactly `digits` decimals and thousands separators, `-1,234.50`. Written out rather
 * than with Intl: the first Intl formatter of a process costs tens of milliseconds (ICU's data),
 * a good part of what a page may cost.
 */
export const fixed = (x: number, digits: number): string => {
  const [whole = '0', fraction] = Math.abs(x).toFixed(digits).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const sign = x < 0 && Number(`${whole}.${fraction ?? ''}`) !== 0 ? '-' : ''
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`
}

/** A count: `1,234`. */
export const count = (n: number | null): string => (n === null ? NONE : fixed(n, 0))

/** A rate as a percent with one decimal: `12.5%`. */
export const percent = (rate: number | null): string => (rate === null ? NONE : `${(rate * 100).toFixed(1)}%`)

/** A plain number with `digits` decimals. */
export const decimal = (x: number | null, digits = 1): string => (x === null ? NONE : fixed(x, digits))

/** ISO 4217 currencies whose minor unit is not the hundredth: no decimals, or three. */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
}

/** The number of minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD; 2 for others). */
export const minorDigits = (currency: string): number => MINOR_DIGITS[currency] ?? 2

/** Minor units (cents) as major units of the currency: 129900 USD is 1299. */
export const major = (cents: number, currency: string): number => cents / 10 ** minorDigits(currency)

/** Minor units as `1,299.00 USD`, the code after the amount (as the text report writes it). */
export const money = (cents: number | null, currency: string): string => {
  if (cents === null) return NONE
  return `${fixed(major(cents, currency), minorDigits(currency))} ${currency}`
}

/** Money per currency, one amount per currency in code order, or "—" when there is none. */
export const perCurrency = (values: Readonly<Record<string, number | null>>): string => {
  const entries = Object.entries(values)
  return entries.length === 0 ? NONE : entries.map(([c, v]) => money(v, c)).join(', ')
}

/** Acquisition costs: plain minor units (METRICS.md takes them in the selling currency) as `12.50`. */
export const plainCents = (cents: number | null): string => (cents === null ? NONE : fixed(cents / 100, 2))

/** A ratio such as ROI as a percent without decimals: `240%`. */
export const roi = (x: number | null): string => (x === null ? NONE : `${(x * 100).toFixed(0)}%`)
