/**
 * ₂F₁(a, b; a + 1; z) for a > 0, 0 < b < a + 1 and 0 <= z < 1, on the log scale and with its
 * partial derivatives: the hypergeometric function of the Pareto/NBD likelihood, summed
 * directly. Euler's transformation
 *   ₂F₁(a, b; a+1; z) = (1 - z)^(1-b) ₂F₁(1, a+1-b; a+1; z) = (1 - z)^(1-b) Σ g_n,
 *   g_n = Π_{j<n} (a+1-b+j)/(a+1+j) z^n,
 * gives a series of positive terms that shrink from the first by a ratio below z: no
 * cancellation and no overflow (the power is taken in logarithms), whatever a and b, which run
 * to 10^10 when a mixing distribution collapses. Near z = 1 the terms shrink slowly: after
 * 20,000 terms the rest is estimated as the geometric tail g_N z/(1 - z) (its derivatives are
 * left out), which only the far corners of the parameter space reach.
 */

/** ln ₂F₁(a, b; a+1; z) and its derivatives in a, b and z. */
export interface LogHyp2f1 {
  readonly value: number
  readonly da: number
  readonly db: number
  readonly dz: number
}

const MAX_TERMS = 20_000

/** ln ₂F₁(a, b; a + 1; z), a > 0, 0 < b < a + 1, 0 <= z < 1, with its derivatives when asked. */
export const logHyp2f1Shifted = (a: number, b: number, z: number, withDerivatives = false): LogHyp2f1 => {
  if (z === 0) return { value: 0, da: 0, db: 0, dz: (a * b) / (a + 1) }
  const c = a + 1 - b
  let g = 1
  let sum = 1
  let sumA = 0 // Σ g_n ∂ln g_n/∂a
  let sumB = 0 // Σ g_n ∂ln g_n/∂b
  let sumZ = 0 // Σ n g_n
  let ra = 0 // Σ_{j<n} [1/(c+j) - 1/(a+1+j)]
  let rb = 0 // Σ_{j<n} -1/(c+j)
  let n = 0
  for (; n < MAX_TERMS; n++) {
    g *= ((c + n) / (a + 1 + n)) * z
    sum += g
    if (withDerivatives) {
      ra += 1 / (c + n) - 1 / (a + 1 + n)
      rb -= 1 / (c + n)
      sumA += g * ra
      sumB += g * rb
      sumZ += (n + 1) * g
    }
    if (g <= 1e-17 * sum) break
  }
  if (n === MAX_TERMS) sum += (g * z) / (1 - z)
  const lnOneMinusZ = Math.log1p(-z)
  return {
    value: (1 - b) * lnOneMinusZ + Math.log(sum),
    da: sumA / sum,
    db: -lnOneMinusZ + sumB / sum,
    dz: -(1 - b) / (1 - z) + sumZ / z / sum,
  }
}
