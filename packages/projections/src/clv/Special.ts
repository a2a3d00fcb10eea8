/**
 * Special functions from stdlib (a maintained numerical library): log-gamma, log-beta and the
 * Gauss hypergeometric function, plus log-sum-exp.
 */
import betalnImpl from '@stdlib/math-base-special-betaln'
import gammalnImpl from '@stdlib/math-base-special-gammaln'
import hyp2f1Impl from '@stdlib/math-base-special-hyp2f1'

/** ln Γ(x). */
export const gammaln: (x: number) => number = gammalnImpl
/** ln B(a, b). */
export const betaln: (a: number, b: number) => number = betalnImpl
/** The Gauss hypergeometric function ₂F₁(a, b; c; z). */
export const hyp2f1: (a: number, b: number, c: number, z: number) => number = hyp2f1Impl

/** ln(e^a + e^b), without overflow. */
export const logAddExp = (a: number, b: number): number => {
  if (a === Number.NEGATIVE_INFINITY) return b
  if (b === Number.NEGATIVE_INFINITY) return a
  const m = Math.max(a, b)
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m))
}

/** ln(e^a - e^b) for a >= b. */
export const logSubExp = (a: number, b: number): number =>
  b === Number.NEGATIVE_INFINITY ? a : a + Math.log1p(-Math.exp(b - a))
