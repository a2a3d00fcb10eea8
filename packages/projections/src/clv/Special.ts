/**
 * Special functions the CLV models need: log-gamma, log-beta, the Gauss hypergeometric function
 * ₂F₁, and log-sum-exp. Written here (no dependency) to double precision; the unit tests compare
 * them with reference values computed by mpmath at 40 significant digits.
 *
 * - `gammaln`: Taylor series of ln Γ about 1 and 2 (coefficients from ζ(k)), the recurrence
 *   between them and Stirling's series from 10 up; the reflection formula below 0.
 * - `betaln`: for large arguments, the Stirling corrections are combined before the logarithms
 *   (as R's `lbeta` does), so ln B(1, 10⁹) keeps its digits instead of cancelling two values of
 *   2·10¹⁰.
 * - `hyp2f1`: the power series (after Euler's transformation when c − a − b ≤ −1), and, when it
 *   does not converge in 10,000 terms near z = 1, the transformation to 1 − z (Abramowitz and
 *   Stegun 15.3.6, and 15.3.10–11 with ψ when c − a − b is an integer). Negative z goes through
 *   Pfaff's transformation. The same plan as Cephes' `hyp2f1` (Moshier 1984).
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Half the distance from 1 to the next double: the relative rounding error of one operation. */
const EPS = Number.EPSILON / 2
/** ln √(2π). */
const LN_SQRT_2PI = 0.9189385332046727
/** Euler–Mascheroni γ. */
const EULER = 0.5772156649015329

/** ζ(k) − 1 for k = 2, 3, ..., 57 (mpmath, 40 digits): the Taylor coefficients of ln Γ about 1 and 2. */
const ZETA_MINUS_ONE = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993, 0.01734306198444914,
  0.008349277381922827, 0.00407735619794434, 0.0020083928260822143, 0.0009945751278180853, 0.0004941886041194645,
  0.0002460865533080483, 0.00012271334757848915, 6.124813505870483e-5, 3.058823630702049e-5, 1.528225940865187e-5,
  7.637197637899763e-6, 3.81729326499984e-6, 1.908212716553939e-6, 9.539620338727962e-7, 4.769329867878064e-7,
  2.38450502727733e-7, 1.1921992596531106e-7, 5.960818905125948e-8, 2.980350351465228e-8, 1.4901554828365043e-8,
  7.45071178983543e-9, 3.725334024788457e-9, 1.862659723513049e-9, 9.313274324196682e-10, 4.656629065033784e-10,
  2.3283118336765053e-10, 1.164155017270052e-10, 5.820772087902701e-11, 2.9103850444971e-11, 1.4551921891041985e-11,
  7.275959835057482e-12, 3.637979547378651e-12, 1.818989650307066e-12, 9.094947840263888e-13, 4.547473783042154e-13,
  2.2737368458246524e-13, 1.136868407680228e-13, 5.684341987627585e-14, 2.842170976889302e-14, 1.4210854828031608e-14,
  7.105427395210853e-15, 3.552713691337114e-15, 1.7763568435791204e-15, 8.881784210930816e-16, 4.440892103143813e-16,
  2.220446050798042e-16, 1.1102230251410661e-16, 5.551115124845481e-17, 2.775557562136124e-17, 1.3877787809725232e-17,
  6.938893904544153e-18,
]

/** B₂ₖ / (2k(2k − 1)) for k = 1..11: the coefficients of Stirling's series in 1/x. */
const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
  43867 / 244188,
  -174611 / 125400,
  77683 / 5796,
]

/** B₂ₖ / (2k) for k = 1..8: the coefficients of the asymptotic series of ψ in 1/x². */
const DIGAMMA = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160]

/** Terms of a power series before it is given up for a transformation (as Cephes). */
const MAX_TERMS = 10_000

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const isNonPositiveInteger = (x: number): boolean => x <= 0 && Number.isInteger(x)

/** sin(πx), exact at the integers and accurate near them. */
const sinPi = (x: number): number => {
  let r = x % 2
  if (r > 1) r -= 2
  else if (r < -1) r += 2
  if (r > 0.5) r = 1 - r
  else if (r < -0.5) r = -1 - r
  return Math.sin(Math.PI * r)
}

/** cos(πx), exact at the half-integers. */
const cosPi = (x: number): number => sinPi(x + 0.5)

/** The sign of Γ(x) (x not a pole). */
const gammaSign = (x: number): number => (x > 0 || Math.floor(x) % 2 === 0 ? 1 : -1)

/** Σₖ coefficients[k] · x^(k + 2), by Horner's rule. */
const taylorFrom2 = (coefficients: readonly number[], x: number): number => {
  let sum = 0
  for (let k = coefficients.length - 1; k >= 0; k--) sum = sum * x + coefficients[k]!
  return sum * x * x
}

const ZETA_TERMS = ZETA_MINUS_ONE.map((z, i) => ((i % 2 === 0 ? 1 : -1) * (1 + z)) / (i + 2))
const ZETA_MINUS_ONE_TERMS = ZETA_MINUS_ONE.slice(0, 40).map((z, i) => ((i % 2 === 0 ? 1 : -1) * z) / (i + 2))

/** ln Γ(1 + e) for |e| <= 0.5: −γe + Σ (−e)ᵏ ζ(k)/k. */
const lnGamma1p = (e: number): number => -EULER * e + taylorFrom2(ZETA_TERMS, e)

/** ln Γ(2 + e) for |e| <= 0.5: (1 − γ)e + Σ (−e)ᵏ (ζ(k) − 1)/k. */
const lnGamma2p = (e: number): number => (1 - EULER) * e + taylorFrom2(ZETA_MINUS_ONE_TERMS, e)

/** ln Γ(x) − ((x − ½) ln x − x + ln √(2π)) for x >= 10: Stirling's series. */
const stirlingCorrection = (x: number): number => {
  const y = 1 / (x * x)
  let sum = 0
  for (let k = STIRLING.length - 1; k >= 0; k--) sum = sum * y + STIRLING[k]!
  return sum / x
}

/** ψ(x), the digamma function (used by ₂F₁ when c − a − b is an integer). */
const digamma = (x: number): number => {
  if (isNonPositiveInteger(x)) return Number.NaN
  if (x < 0) return digamma(1 - x) - (Math.PI * cosPi(x)) / sinPi(x)
  let shift = 0
  while (x < 10) {
    shift += 1 / x
    x += 1
  }
  const y = 1 / (x * x)
  let sum = 0
  for (let k = DIGAMMA.length - 1; k >= 0; k--) sum = sum * y + DIGAMMA[k]!
  return Math.log(x) - 0.5 / x - sum * y - shift
}

// -------------------------------------------------------------------------------------
// gamma and beta
// -------------------------------------------------------------------------------------

/** ln |Γ(x)|: +Infinity at the poles (0, −1, −2, ...), NaN for NaN. */
export const gammaln = (x: number): number => {
  if (Number.isNaN(x)) return Number.NaN
  if (!Number.isFinite(x) || isNonPositiveInteger(x)) return Number.POSITIVE_INFINITY
  if (x < 0) return Math.log(Math.PI / Math.abs(sinPi(x))) - gammaln(1 - x)
  if (x < 0.5) return lnGamma1p(x) - Math.log(x)
  if (x < 1.5) return lnGamma1p(x - 1)
  if (x < 2.5) return lnGamma2p(x - 2)
  if (x < 10) {
    // ln Γ(x) = ln Γ(x − n) + ln((x − 1)(x − 2)...(x − n)), with x − n in [1.5, 2.5).
    let product = 1
    while (x >= 2.5) {
      x -= 1
      product *= x
    }
    return lnGamma2p(x - 2) + Math.log(product)
  }
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x)
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0, accurate also when a and b are
 * large or far apart. NaN outside a, b > 0 (B is not defined there as a real logarithm).
 */
export const betaln = (a: number, b: number): number => {
  if (Number.isNaN(a) || Number.isNaN(b) || a < 0 || b < 0) return Number.NaN
  const p = Math.min(a, b)
  const q = Math.max(a, b)
  if (p === 0) return Number.POSITIVE_INFINITY
  if (q === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY
  const n = Number.isInteger(p) && p < 10 ? p : Number.isInteger(q) && q < 10 ? q : 0
  if (n > 0) {
    // B(n, x) = (n − 1)! / (x (x + 1) ... (x + n − 1)): exact for n = 1 (ln B(1, x) = −ln x).
    const x = n === p ? q : p
    let sum = 0
    for (let k = 0; k < n; k++) sum += Math.log(x + k)
    return gammaln(n) - sum
  }
  if (p >= 10) {
    // Both large: the Stirling parts of the three log-gammas cancel analytically.
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
    return (
      -0.5 * Math.log(q) + LN_SQRT_2PI + correction + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q))
    )
  }
  if (q >= 10) {
    // One large: Γ(q) / Γ(p + q) by Stirling, Γ(p) as it is.
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q)
    return gammaln(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q))
  }
  return gammaln(p) + gammaln(q) - gammaln(p + q)
}

// -------------------------------------------------------------------------------------
// the Gauss hypergeometric function
// -------------------------------------------------------------------------------------

interface Sum {
  readonly value: number
  /** An estimate of the relative error; Infinity when the series did not converge. */
  readonly error: number
}

/**
 * Σₖ (a)ₖ (b)ₖ / ((c)ₖ k!) zᵏ, summed until the rest is below the rounding of the sum: the
 * terms' ratio tends to z monotonically, so after the current term the rest is at most
 * term · R / (1 − R) with R the larger of the last ratio and |z|.
 */
const series = (a: number, b: number, c: number, z: number, maxTerms = MAX_TERMS): Sum => {
  let sum = 1
  let term = 1
  let largest = 1
  for (let k = 0; k < maxTerms; k++) {
    const step = ((a + k) * (b + k) * z) / ((c + k) * (k + 1))
    term *= step
    sum += term
    const size = Math.abs(term)
    if (size > largest) largest = size
    const ratio = Math.max(Math.abs(step), Math.abs(z))
    if (size === 0 || (ratio < 1 && (size * ratio) / (1 - ratio) <= EPS * Math.abs(sum))) {
      return { value: sum, error: (EPS * largest) / Math.abs(sum) + EPS * (k + 1) }
    }
  }
  return { value: sum, error: Number.POSITIVE_INFINITY }
}

/** The terminating series when a (or b) is 0, −1, −2, ...: a polynomial in z. */
const polynomial = (a: number, b: number, c: number, z: number): number => {
  const degree = -Math.max(isNonPositiveInteger(a) ? a : -Infinity, isNonPositiveInteger(b) ? b : -Infinity)
  let sum = 1
  let term = 1
  for (let k = 0; k < degree; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1))
    sum += term
  }
  return sum
}

/** sign · e^(ln Γ(x₁) + ... − ln Γ(y₁) − ...), finite when the arguments are not poles. */
const gammaRatio = (over: readonly number[], under: readonly number[], extraLog = 0): number => {
  let log = extraLog
  let sign = 1
  for (const x of over) {
    log += gammaln(x)
    sign *= gammaSign(x)
  }
  for (const y of under) {
    if (isNonPositiveInteger(y)) return 0
    log -= gammaln(y)
    sign *= gammaSign(y)
  }
  return sign * Math.exp(log)
}

/**
 * ₂F₁ near z = 1 through 1 − z (A&S 15.3.6): two series in 1 − z, weighted by gamma ratios.
 * When d = c − a − b is an integer m >= 0 the two weights have poles that cancel, and the limit
 * (A&S 15.3.10 for m = 0, 15.3.11 for m >= 1) has ψ in its terms.
 */
const nearOne = (a: number, b: number, c: number, z: number): number => {
  const d = c - a - b
  const w = 1 - z
  if (!Number.isInteger(d)) {
    const first = series(a, b, 1 - d, w).value * gammaRatio([c, d], [c - a, c - b])
    const second = series(c - a, c - b, d + 1, w).value * gammaRatio([c, -d], [a, b], d * Math.log(w))
    return first + second
  }
  const m = d
  const lnW = Math.log(w)
  let finite = 0
  if (m > 0) {
    let term = 1
    let sum = 1
    for (let n = 0; n < m - 1; n++) {
      term *= ((a + n) * (b + n) * w) / ((n + 1) * (n + 1 - m))
      sum += term
    }
    finite = sum * gammaRatio([m, c], [a + m, b + m])
  }
  // Σₙ (a + m)ₙ (b + m)ₙ / (n! (n + m)!) wⁿ [ln w − ψ(n + 1) − ψ(n + m + 1) + ψ(a + n + m) + ψ(b + n + m)]
  let psi1 = -EULER
  let psiM = digamma(m + 1)
  let psiA = digamma(a + m)
  let psiB = digamma(b + m)
  let term = Math.exp(-gammaln(m + 1))
  let sum = 0
  for (let n = 0; n < MAX_TERMS; n++) {
    const part = term * (lnW - psi1 - psiM + psiA + psiB)
    sum += part
    if (n > 0 && Math.abs(part) <= EPS * Math.abs(sum) && Math.abs(term) <= EPS * Math.abs(sum)) break
    term *= ((a + m + n) * (b + m + n) * w) / ((n + 1) * (n + m + 1))
    psi1 += 1 / (n + 1)
    psiM += 1 / (n + m + 1)
    psiA += 1 / (a + m + n)
    psiB += 1 / (b + m + n)
  }
  const sign = m % 2 === 0 ? 1 : -1
  return finite - sign * sum * gammaRatio([c], [a, b], m * lnW)
}

/** ₂F₁ for 0 < z < 1 when neither a, b, c − a nor c − b is a non-positive integer. */
const unitInterval = (a: number, b: number, c: number, z: number): number => {
  const d = c - a - b
  // Euler: ₂F₁(a, b; c; z) = (1 − z)^d ₂F₁(c − a, c − b; c; z). When d <= −1 that series
  // converges at z = 1 too, and its terms keep one sign unless c − a or c − b is below −1 and
  // the other is positive (then the terms alternate for a while and may cancel).
  const eulerFirst = d <= -1 && (Math.min(c - a, c - b) > -1 || Math.max(c - a, c - b) < 0)
  const attempts = eulerFirst ? [true, false] : [false, true]
  let fallback = Number.NaN
  for (const euler of attempts) {
    if (euler && d > -1) continue
    const sum = euler ? series(c - a, c - b, c, z) : series(a, b, c, z)
    const value = euler ? Math.pow(1 - z, d) * sum.value : sum.value
    if (sum.error < 1e-12) return value
    if (Number.isNaN(fallback) && Number.isFinite(sum.error)) fallback = value
  }
  return z > 0.5 ? nearOne(a, b, c, z) : fallback
}

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) = Σₖ (a)ₖ (b)ₖ / ((c)ₖ k!) zᵏ for real
 * arguments and z <= 1 (analytically continued for z < −1). +Infinity where it diverges (c a
 * non-positive integer without an earlier terminating a or b; z = 1 with c − a − b <= 0);
 * NaN for z > 1, where it is complex.
 */
export const hyp2f1 = (a: number, b: number, c: number, z: number): number => {
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(c) || Number.isNaN(z)) return Number.NaN
  if (z === 0) return 1
  const terminatesA = isNonPositiveInteger(a)
  const terminatesB = isNonPositiveInteger(b)
  if (isNonPositiveInteger(c)) {
    // (c)ₖ reaches 0 at k = −c: finite only if the series stops before.
    if ((terminatesA && a > c) || (terminatesB && b > c)) return polynomial(a, b, c, z)
    return Number.POSITIVE_INFINITY
  }
  if (terminatesA || terminatesB) return polynomial(a, b, c, z)
  if (z > 1) return Number.NaN
  const d = c - a - b
  if (z === 1) {
    // Gauss: Γ(c) Γ(c − a − b) / (Γ(c − a) Γ(c − b)).
    if (d <= 0) return Number.POSITIVE_INFINITY
    return gammaRatio([c, d], [c - a, c - b])
  }
  if (b === c) return Math.pow(1 - z, -a)
  if (a === c) return Math.pow(1 - z, -b)
  if (z < 0) {
    // Pfaff: ₂F₁(a, b; c; z) = (1 − z)^(−a) ₂F₁(a, c − b; c; w) = (1 − z)^(−b) ₂F₁(c − a, b; c; w)
    // with w = z / (z − 1) in (0, 1). Of these series and the direct one (|z| < 1), the first
    // that converges without cancellation; else the one with the smallest error estimate.
    const w = z / (z - 1)
    const candidates: Array<{ readonly sum: Sum; readonly scale: number }> = []
    if (z > -1) candidates.push({ sum: series(a, b, c, z), scale: 1 })
    candidates.push({ sum: series(a, c - b, c, w), scale: Math.pow(1 - z, -a) })
    candidates.push({ sum: series(c - a, b, c, w), scale: Math.pow(1 - z, -b) })
    const best = candidates.reduce((x, y) => (y.sum.error < x.sum.error ? y : x))
    if (best.sum.error < 1e-12 || w <= 0.5) return best.scale * best.sum.value
    return b > a ? Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, w) : Math.pow(1 - z, -b) * hyp2f1(c - a, b, c, w)
  }
  // Euler's transformation when it ends the series: (1 − z)^d times a polynomial.
  if (isNonPositiveInteger(c - a) || isNonPositiveInteger(c - b)) {
    return Math.pow(1 - z, d) * polynomial(c - a, c - b, c, z)
  }
  return unitInterval(a, b, c, z)
}

// -------------------------------------------------------------------------------------
// log-sum-exp
// -------------------------------------------------------------------------------------

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
