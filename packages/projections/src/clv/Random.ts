/**
 * Seeded random numbers for the intervals and the simulations: the same seed gives the same
 * draws on every machine, so that reruns print the same intervals.
 */
import { cholesky, type Matrix } from './Linear.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A source of uniform numbers in [0, 1). */
export type Random = () => number

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** mulberry32: a small, fast, seeded generator with good enough statistics for simulation. */
export const seeded = (seed: number): Random => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** A standard normal draw (Box-Muller). */
export const normal = (random: Random): number => {
  const u = 1 - random() // in (0, 1]
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** A gamma(shape, rate) draw (Marsaglia and Tsang; shape < 1 by the boost u^(1/shape)). */
export const gamma = (random: Random, shape: number, rate: number): number => {
  if (shape < 1) return gamma(random, shape + 1, rate) * Math.pow(1 - random(), 1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    const z = normal(random)
    const v = (1 + c * z) ** 3
    if (v <= 0) continue
    const u = 1 - random()
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate
  }
}

/** A beta(a, b) draw. */
export const beta = (random: Random, a: number, b: number): number => {
  const x = gamma(random, a, 1)
  return x / (x + gamma(random, b, 1))
}

/**
 * A sampler of the multivariate normal with this mean and covariance, or null when the
 * covariance is not positive definite.
 */
export const multivariateNormal = (
  mean: readonly number[],
  covariance: Matrix,
): ((random: Random) => number[]) | null => {
  const l = cholesky(covariance)
  if (l === null) return null
  return (random) => {
    const z = mean.map(() => normal(random))
    return mean.map((m, i) => m + l[i]!.reduce((s, lij, j) => s + lij * z[j]!, 0))
  }
}
