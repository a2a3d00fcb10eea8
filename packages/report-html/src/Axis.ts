/**
 * Axis helpers shared by the charts: month labels that stay readable for three years of months,
 * and the label of a money axis.
 */
import * as Format from './Format.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** At most `max` of the months, evenly spaced and always including the first: the axis ticks. */
export const monthTicks = (months: readonly string[], max = 12): string[] => {
  const step = Math.max(1, Math.ceil(months.length / max))
  return months.filter((_, i) => i % step === 0)
}

const NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `2025-03` as `Mar 2025`. */
export const monthLabel = (month: string): string => {
  const [year, m] = month.split('-')
  return `${NAMES[Number(m) - 1] ?? m} ${year}`
}

/** `2025-03` as `Mar` with the year under January and under the first month: compact ticks. */
export const monthTick =
  (months: readonly string[]) =>
  (month: string): string => {
    const [year, m] = month.split('-')
    const name = NAMES[Number(m) - 1] ?? String(m)
    return month === months[0] || m === '01' ? `${name}\n${year}` : name
  }

/**
 * A tick of a quantitative axis: `1,200`, `2.5`, `-40`; as many decimals as it has, at most three.
 * (Given to every such axis: Plot's default format builds an Intl formatter, slow to start.)
 */
export const number = (d: number): string => {
  const rounded = Number(d.toFixed(3))
  const decimals = Number.isInteger(rounded) ? 0 : (String(rounded).split('.')[1]?.length ?? 0)
  return Format.fixed(rounded, decimals)
}

/** A money axis label: `Revenue (USD)`. */
export const moneyLabel = (what: string, currency: string): string => `${what} (${currency})`
