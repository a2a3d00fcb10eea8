/**
 * ₂F₁(a, b; a + 1; z) for a, b > 0 and 0 <= z < 1, on the log scale and with its partial
 * derivatives: the hypergeometric function of the Pareto/NBD likelihood, summed directly. For
 * z <= 0.4 Pfaff's transformation ₂F₁(a, b; a+1; z) = (1 - z)^-b ₂F₁(1, b; a+1; z/(z-1))
 * gives a series whose terms shrink at least as fast as (2/3)^n when b <= a + 1; up to z = 0.8
 * the plain series has positive terms only; beyond that, or when the plain series would need
 * too many terms, the general ₂F₁ of Special.ts answers (derivatives by central differences).
 * A Pareto/NBD likelihood evaluation calls it twice per customer pattern: on the CDNOW data,
 * where z stays below 0.25, this is several times faster than the general function.
 */
import { hyp2f1 } from './Special.js'

/** ln ₂F₁(a, b; a+1; z) and its derivatives in a, b and z. */
export interface LogHyp2f1 {
  readonly value: number
  readonly da: number
  readonly db: number
  readonly dz: number
}

const general = (a: number, b: number, z: number, withDerivatives: boolean): LogHyp2f1 => {
  const f = (aa: number, bb: number, zz: number) => Math.log(hyp2f1(aa, bb, aa + 1, zz))
  const value = f(a, b, z)
  if (!withDerivatives) return { value, da: Number.NaN, db: Number.NaN, dz: Number.NaN }
  const ha = 1e-6 * Math.max(1, a)
  const hb = 1e-6 * Math.max(1, b)
  const hz = 1e-7 * Math.min(z, 1 - z)
  return {
    value,
    da: (f(a + ha, b, z) - f(a - ha, b, z)) / (2 * ha),
    db: (f(a, b + hb, z) - f(a, b - hb, z)) / (2 * hb),
    dz: (f(a, b, z + hz) - f(a, b, z - hz)) / (2 * hz),
  }
}

/** ln ₂F₁(a, b; a + 1; z), a > 0, b > 0, 0 <= z < 1, with its derivatives when asked. */
export const logHyp2f1Shifted = (a: number, b: number, z: number, withDerivatives = false): LogHyp2f1 => {
  if (z === 0) return { value: 0, da: 0, db: 0, dz: (a * b) / (a + 1) }
  if (z <= 0.4) {
    // G = Σ g_n with g_n = (b)_n / (a+1)_n w^n, w = z / (z - 1): alternating.
    const w = z / (z - 1)
    let g = 1
    let sum = 1
    let sumA = 0 // Σ g_n ∂ln g_n/∂a
    let sumB = 0
    let sumW = 0 // Σ n g_n
    let ra = 0 // Σ_{j<n} 1/(a+1+j)
    let rb = 0
    for (let n = 0; n < 2_000; n++) {
      g *= ((b + n) / (a + 1 + n)) * w
      sum += g
      if (withDerivatives) {
        ra += 1 / (a + 1 + n)
        rb += 1 / (b + n)
        sumA -= g * ra
        sumB += g * rb
        sumW += (n + 1) * g
      }
      if (Math.abs(g) <= 1e-17 * Math.abs(sum)) {
        const lnG = Math.log(sum)
        const dlnGdw = sumW / w / sum
        return {
          value: -b * Math.log1p(-z) + lnG,
          da: sumA / sum,
          db: -Math.log1p(-z) + sumB / sum,
          // dw/dz = -1 / (1 - z)^2
          dz: b / (1 - z) - dlnGdw / ((1 - z) * (1 - z)),
        }
      }
    }
  } else if (z <= 0.8 && b * -Math.log1p(-z) < 600 && (b * z) / (1 - z) < 2_000) {
    // F = Σ c_n with c_n = a/(a+n) (b)_n/n! z^n: positive terms, which grow while (b+n) z > n + 1.
    let pochhammer = 1
    let sum = 1
    let sumA = 0
    let sumB = 0
    let sumZ = 0
    let rb = 0
    for (let n = 1; n < 20_000; n++) {
      pochhammer *= ((b + n - 1) / n) * z
      const c = (pochhammer * a) / (a + n)
      sum += c
      if (withDerivatives) {
        rb += 1 / (b + n - 1)
        sumA += c * (1 / a - 1 / (a + n))
        sumB += c * rb
        sumZ += (n * c) / z
      }
      if (c <= 1e-17 * sum && (b + n) * z < n + 1) {
        return { value: Math.log(sum), da: sumA / sum, db: sumB / sum, dz: sumZ / sum }
      }
    }
  }
  return general(a, b, z, withDerivatives)
}
