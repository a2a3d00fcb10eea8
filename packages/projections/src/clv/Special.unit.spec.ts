import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { betaln, gammaln, hyp2f1, logAddExp, logSubExp } from './Special.js'

/** The spacing of doubles at x: the size of one unit in the last place. */
const ulp = (x: number): number => Math.pow(2, Math.max(Math.floor(Math.log2(Math.abs(x))), -1022) - 52)

/** How many units in the last place `got` is from `want`. */
const ulps = (got: number, want: number): number => Math.abs(got - want) / ulp(want)

// Reference values: mpmath 1.3.0 at 40 significant digits, rounded once to the nearest double
// (scripts/special-references.py prints these rows). Each row ends with the largest error
// allowed, in units in the last place of the reference: 1 or 2 is full double precision; more
// where the function is ill-conditioned (near a zero of ln |Γ|, or ₂F₁ summed over thousands of
// terms near z = 1), never more than @stdlib (Cephes), the implementation this replaces, gave on
// the same row.

describe('gammaln', () => {
  const rows: ReadonlyArray<readonly [number, number, number]> = [
    [1e-300, 690.7755278982137, 2], // ln|Γ(1.0e-300)|
    [1e-8, 18.42068073818021, 2], // ln|Γ(1.0e-8)|
    [0.5, 0.5723649429247001, 2], // ln|Γ(0.5)|
    [1.2345, -0.09460164667939668, 2], // ln|Γ(1.2344999999999999)|
    [1.4616321449683622, -0.12148629053584961, 2], // ln|Γ(1.4616321449683622)|
    [2.5, 0.2846828704729192, 2], // ln|Γ(2.5)|
    [2.7, 0.4348205536551047, 2], // ln|Γ(2.7000000000000002)|
    [7.5, 7.534364236758733, 2], // ln|Γ(7.5)|
    [12.5, 18.734347511936445, 2], // ln|Γ(12.5)|
    [100.0, 359.1342053695754, 2], // ln|Γ(100.0)|
    [1000.0, 5905.220423209181, 2], // ln|Γ(1000.0)|
    [1000000.0, 12815504.569147611, 2], // ln|Γ(1000000.0)|
    [1000000000000000.0, 3.3538776394910668e16, 2], // ln|Γ(1000000000000000.0)|
    [1e300, 6.897755278982137e302, 2], // ln|Γ(1.0000000000000001e+300)|
    [-0.5, 1.2655121234846454, 2], // ln|Γ(-0.5)|
    [-2.5, -0.056243716497674054, 16], // ln|Γ(-2.5)|
    [-100.3, -363.7662061826763, 2], // ln|Γ(-100.3)|
  ]
  it.each(rows)('Given x = %d, then ln |Γ(x)| is %d within %d ulp of mpmath', (x, want, allowed) => {
    expect(ulps(gammaln(x), want)).toBeLessThanOrEqual(allowed)
  })

  it('Given 1 and 2, where Γ is 1, then ln Γ is exactly 0', () => {
    expect(gammaln(1)).toBe(0)
    expect(gammaln(2)).toBe(0)
  })

  it('Given a pole, infinity or NaN, then it is +Infinity, +Infinity or NaN', () => {
    expect([0, -1, -7, Number.POSITIVE_INFINITY].map(gammaln)).toEqual(Array(4).fill(Number.POSITIVE_INFINITY))
    expect(gammaln(Number.NaN)).toBeNaN()
  })

  it('Given any x in (0, 1e6], then ln Γ(x + 1) − ln Γ(x) = ln x (to the rounding of the larger value)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (x) => {
        const lhs = gammaln(x + 1) - gammaln(x)
        const scale = Math.max(1, Math.abs(gammaln(x + 1)), Math.abs(gammaln(x)))
        expect(Math.abs(lhs - Math.log(x))).toBeLessThanOrEqual(8 * Number.EPSILON * scale)
      }),
    )
  })
})

describe('betaln', () => {
  const rows: ReadonlyArray<readonly [number, number, number, number]> = [
    [0.5, 0.5, 1.1447298858494002, 8], // ln B(0.5, 0.5)
    [2.0, 3.0, -2.4849066497880004, 8], // ln B(2.0, 3.0)
    [0.001, 5.0, 6.905672657062075, 8], // ln B(0.001, 5.0)
    [0.7, 3.1, -0.49807987936337605, 8], // ln B(0.69999999999999996, 3.1000000000000001)
    [20.0, 30.0, -33.968820791977386, 8], // ln B(20.0, 30.0)
    [5.0, 10000.0, -42.87464787956629, 8], // ln B(5.0, 10000.0)
    [1.0, 1000000000.0, -20.72326583694641, 8], // ln B(1.0, 1000000000.0)
    [0.793, 2.426, -0.5115692885937033, 8], // ln B(0.79300000000000004, 2.4260000000000002)
    [1000000.0, 1000000.0, -1386300.003362921, 8], // ln B(1000000.0, 1000000.0)
    [10000000000.0, 30000000000.0, -22493405795.20248, 8], // ln B(10000000000.0, 30000000000.0)
    [123.4, 0.01, 4.551365733469312, 8], // ln B(123.40000000000001, 0.01)
  ]
  it.each(rows)('Given a = %d and b = %d, then ln B(a, b) is %d within %d ulp of mpmath', (a, b, want, allowed) => {
    expect(ulps(betaln(a, b), want)).toBeLessThanOrEqual(allowed)
  })

  it('Given any a, b > 0, then ln B is symmetric and ln B(1, b) = −ln b', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e12, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e12, noNaN: true }),
        (a, b) => {
          expect(betaln(a, b)).toBe(betaln(b, a))
          expect(ulps(betaln(1, b), -Math.log(b))).toBeLessThanOrEqual(4)
        },
      ),
    )
  })

  it('Given a negative argument or NaN, then it is NaN; given 0, +Infinity', () => {
    expect(betaln(-1, 2)).toBeNaN()
    expect(betaln(2, Number.NaN)).toBeNaN()
    expect(betaln(0, 2)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('hyp2f1', () => {
  const rows: ReadonlyArray<readonly [number, number, number, number, number, number]> = [
    [1.1591, 0.5533, 2.1591, 0.09341389210266958, 1.029212178184289, 8], // Pareto/NBD: ₂F₁(1.1591, 0.5533; 2.1591; 0.093413892)
    [3.1591, 2.5533, 4.1591, 0.025891658847702413, 1.0521394982065553, 8], // Pareto/NBD: ₂F₁(3.1591, 2.5533; 4.1591; 0.025891659)
    [8.1591, 7.5533, 9.1591, 0.023356225291149276, 1.1723230272794127, 8], // Pareto/NBD: ₂F₁(8.1591, 7.5533; 9.1591; 0.023356225)
    [51.1591, 50.5533, 52.1591, 0.02155492055330888, 2.9460381388465735, 8], // Pareto/NBD: ₂F₁(51.1591, 50.5533; 52.1591; 0.021554921)
    [300.25, 12.5, 301.25, 0.999, 8.035943313605596e35, 128], // Pareto/NBD, far from the optimum: ₂F₁(300.25, 12.5; 301.25; 0.999)
    [40.7, 1.6, 41.7, 0.98, 224.45152398622423, 128], // Pareto/NBD, far from the optimum: ₂F₁(40.7, 1.6; 41.7; 0.98)
    [2.1, 0.4, 3.1, 0.9999, 2.105178578433139, 128], // Pareto/NBD, far from the optimum: ₂F₁(2.1, 0.4; 3.1; 0.9999)
    [0.243, 2.426, 2.219, 0.4740258161752194, 1.1902512325489785, 8], // BG/NBD: ₂F₁(0.243, 2.426; 2.219; 0.47402582)
    [2.243, 4.426, 4.219, 0.4740258161752194, 4.575315897643689, 8], // BG/NBD: ₂F₁(2.243, 4.426; 4.219; 0.47402582)
    [10.243, 12.426, 12.219, 0.6017543453607055, 14758.688572720375, 8], // BG/NBD: ₂F₁(10.243, 12.426; 12.219; 0.60175435)
    [60.243, 62.426, 62.219, 0.891209995811313, 1.7202807551330428e58, 8], // BG/NBD: ₂F₁(60.243, 62.426; 62.219; 0.89121)
    [1.0, 2.182, 2.886, 0.9090909090909091, 4.730416926907791, 8], // sBG DERL: ₂F₁(1.0, 2.182; 2.886; 0.90909091)
    [1.0, 8.182, 8.886, 0.9090909090909091, 7.220561033898302, 8], // sBG DERL: ₂F₁(1.0, 8.182; 8.886; 0.90909091)
    [1.0, 27.2, 31.0, 0.9900990099009901, 9.433040092752174, 128], // sBG DERL: ₂F₁(1.0, 27.2; 31.0; 0.99009901)
    [1.5, 2.5, 3.7, 0.9999, 150.07020827114746, 8], // c − a − b not an integer, near 1: ₂F₁(1.5, 2.5; 3.7; 0.9999)
    [1.5, 2.5, 5.0, 0.9999, 5.417712779953507, 8], // c − a − b = 1, near 1: ₂F₁(1.5, 2.5; 5.0; 0.9999)
    [0.5, 0.5, 1.0, 0.9999, 3.814364242073626, 8], // c − a − b = 0, near 1: ₂F₁(0.5, 0.5; 1.0; 0.9999)
    [0.25, 1.75, 5.0, 0.99999, 1.1352188750080383, 8], // c − a − b = 3, near 1: ₂F₁(0.25, 1.75; 5.0; 0.99999)
    [3.0, 4.0, 5.5, 0.99, 3659.617951814068, 128], // c − a − b = −1.5: ₂F₁(3.0, 4.0; 5.5; 0.99)
    [2.5, 1.5, 3.2, -3.0, 0.17890877850317424, 8], // negative z: ₂F₁(2.5, 1.5; 3.2; -3.0)
    [0.3, 7.5, 1.7, -0.4, 0.709821843372407, 8], // negative z: ₂F₁(0.3, 7.5; 1.7; -0.4)
    [12.5, 0.5, 2.25, -150.0, 0.02935443008622242, 8], // negative z: ₂F₁(12.5, 0.5; 2.25; -150.0)
    [-2.5, 3.0, 4.0, 0.7, 0.18010969862789925, 8], // negative a, not an integer: ₂F₁(-2.5, 3.0; 4.0; 0.7)
  ]
  it.each(rows)('Given (%d, %d; %d; %d), then ₂F₁ is %d within %d ulp of mpmath', (a, b, c, z, want, allowed) => {
    expect(ulps(hyp2f1(a, b, c, z), want)).toBeLessThanOrEqual(allowed)
  })

  it('Given closed forms, then it agrees: ₂F₁(1, 1; 2; z) = −ln(1 − z)/z and ₂F₁(a, b; b; z) = (1 − z)^−a', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.9, max: 0.9, noNaN: true }).filter((z) => Math.abs(z) > 1e-9),
        (z) => {
          const want = -Math.log1p(-z) / z
          expect(Math.abs(hyp2f1(1, 1, 2, z) - want)).toBeLessThanOrEqual(16 * Number.EPSILON * want)
        },
      ),
    )
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        fc.double({ min: -0.9, max: 0.9, noNaN: true }),
        (a, b, z) => {
          expect(hyp2f1(a, b, b, z)).toBe(Math.pow(1 - z, -a))
        },
      ),
    )
  })

  it('Given z = 1, then it is Gauss’s Γ(c) Γ(c − a − b) / (Γ(c − a) Γ(c − b)), or +Infinity when c − a − b <= 0', () => {
    // ₂F₁(1, 1; 3; 1) = Γ(3) Γ(1) / (Γ(2) Γ(2)) = 2
    expect(ulps(hyp2f1(1, 1, 3, 1), 2)).toBeLessThanOrEqual(2)
    expect(hyp2f1(1, 1, 2, 1)).toBe(Number.POSITIVE_INFINITY)
  })

  it('Given a = −n, then it is the polynomial of degree n: ₂F₁(−2, 3; 4; 1/2) = 1 − 3/4 + 3/20 = 0.4', () => {
    // terms: 1, (−2)(3)/(4·1)·(1/2) = −3/4, (−2)(−1)(3)(4)/(4·5·1·2)·(1/4) = 3/20
    expect(ulps(hyp2f1(-2, 3, 4, 0.5), 0.4)).toBeLessThanOrEqual(2)
  })

  it('Given z > 1, a pole of c, or NaN, then it is NaN, +Infinity or NaN', () => {
    expect(hyp2f1(1, 1, 2, 1.5)).toBeNaN()
    expect(hyp2f1(1, 1, -2, 0.5)).toBe(Number.POSITIVE_INFINITY)
    expect(hyp2f1(Number.NaN, 1, 2, 0.5)).toBeNaN()
  })
})

describe('logAddExp and logSubExp', () => {
  it('Given two logs, then they add and subtract without overflow', () => {
    // ln(e^1000 + e^1000) = 1000 + ln 2; ln(e^1000 − e^999) = 1000 + ln(1 − 1/e)
    expect(logAddExp(1000, 1000)).toBe(1000 + Math.LN2)
    expect(logSubExp(1000, 999)).toBe(1000 + Math.log1p(-Math.exp(-1)))
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3)
  })
})
