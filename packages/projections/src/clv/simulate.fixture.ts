/**
 * Test fixture: customers simulated from the BG/NBD and Pareto/NBD stories with known
 * parameters, in continuous time, for coverage and Monte Carlo checks.
 */
import type { Rfm } from './Patterns.js'
import { beta, gamma, type Random } from './Random.js'

/** One simulated customer: its data up to T, its hidden rate and dropout, and its purchases in (T, T + holdout]. */
export interface Simulated extends Rfm {
  readonly lambda: number
  readonly p: number
  readonly aliveAtT: boolean
  readonly holdout: number
}

const exponential = (random: Random, rate: number): number => -Math.log(1 - random()) / rate

/**
 * A BG/NBD customer observed for T after its first purchase: purchases at rate lambda; after
 * each repeat purchase (or, with `mbg`, after every purchase, the first included) it drops out
 * with probability p.
 */
export const bgnbdCustomer = (
  random: Random,
  { r, alpha, a, b }: { r: number; alpha: number; a: number; b: number },
  T: number,
  holdout = 0,
  mbg = false,
): Simulated => {
  const lambda = gamma(random, r, alpha)
  const p = beta(random, a, b)
  // The instant of dropout: at the first purchase (MBG/NBD only) or at a later one; none yet.
  let droppedAt = mbg && random() < p ? 0 : Number.POSITIVE_INFINITY
  let t = 0
  let x = 0
  let tx = 0
  let later = 0
  while (droppedAt === Number.POSITIVE_INFINITY) {
    t += exponential(random, lambda)
    if (t > T + holdout) break
    if (t <= T) {
      x++
      tx = t
    } else later++
    if (random() < p) droppedAt = t
  }
  return { frequency: x, recency: tx, T, lambda, p, aliveAtT: droppedAt > T, holdout: later }
}

/** A Pareto/NBD customer: purchases at rate lambda, an exponential lifetime of rate mu. */
export const paretoCustomer = (
  random: Random,
  { r, alpha, s, beta: b }: { r: number; alpha: number; s: number; beta: number },
  T: number,
  holdout = 0,
): Simulated => {
  const lambda = gamma(random, r, alpha)
  const mu = gamma(random, s, b)
  const lifetime = exponential(random, mu)
  let t = 0
  let x = 0
  let tx = 0
  let later = 0
  for (;;) {
    t += exponential(random, lambda)
    if (t > Math.min(lifetime, T + holdout)) break
    if (t <= T) {
      x++
      tx = t
    } else later++
  }
  return { frequency: x, recency: tx, T, lambda, p: mu, aliveAtT: lifetime > T, holdout: later }
}
