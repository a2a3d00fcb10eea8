/**
 * ln Γ(q + a) - ln Γ(q), accurate when q is huge (a mixing distribution collapsing to one value
 * drives a shape parameter to 10^10, where the difference of two log-gammas of 2·10^11 would
 * lose five digits).
 */
import { gammaln } from './Special.js'

/** ln Γ(q + a) - ln Γ(q) for q > 0, q + a > 0. */
export const logGammaRatio = (q: number, a: number): number => {
  if (q < 1e5 || Math.abs(a) > 1e-3 * q) return gammaln(q + a) - gammaln(q)
  // Stirling: ln Γ(z) = (z - 1/2) ln z - z + ln(2π)/2 + 1/(12 z) - 1/(360 z^3) + O(z^-5).
  const z = q + a
  return (q - 0.5) * Math.log1p(a / q) + a * Math.log(z) - a + (1 / z - 1 / q) / 12 - (1 / z ** 3 - 1 / q ** 3) / 360
}
