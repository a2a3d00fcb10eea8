import { describe, expect, it } from 'vitest'
import { cholesky, eigenvaluesSymmetric, inverseSpd, submatrix, times } from './Linear.js'

describe('Linear', () => {
  // A = [[4, 2, 0], [2, 5, 1], [0, 1, 2]]: L = [[2, 0, 0], [1, 2, 0], [0, 0.5, sqrt(1.75)]]
  // (4 = 2², 2 = 2·1, 5 = 1² + 2², 1 = 2·0.5, 2 = 0.5² + 1.75).
  const a = [
    [4, 2, 0],
    [2, 5, 1],
    [0, 1, 2],
  ]

  it('Given a positive definite matrix, When factored, Then L Lᵀ is the worked-out factor', () => {
    const l = cholesky(a)!
    expect(l[0]).toEqual([2, 0, 0])
    expect(l[1]).toEqual([1, 2, 0])
    expect(l[2]![0]).toBe(0)
    expect(l[2]![1]).toBe(0.5)
    expect(l[2]![2]).toBeCloseTo(Math.sqrt(1.75), 15)
  })

  it('Given a positive definite matrix, When inverted, Then A A⁻¹ is the identity', () => {
    const inv = inverseSpd(a)!
    // det A = 4(10 - 1) - 2(4 - 0) = 28; the (0, 0) cofactor is 5·2 - 1·1 = 9, so (A⁻¹)₀₀ = 9/28.
    expect(inv[0]![0]).toBeCloseTo(9 / 28, 14)
    for (let j = 0; j < 3; j++) {
      const column = times(
        a,
        inv.map((row) => row[j]!),
      )
      column.forEach((v, i) => expect(v).toBeCloseTo(i === j ? 1 : 0, 14))
    }
  })

  it('Given a matrix that is not positive definite, When factored, Then there is no factor', () => {
    expect(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull() // eigenvalues -1 and 3
    expect(inverseSpd([[0]])).toBeNull()
  })

  it('Given a symmetric matrix, When its eigenvalues are computed, Then they are the roots of its characteristic polynomial', () => {
    // [[2, 1], [1, 2]]: (2 - t)² - 1 = 0, t = 1 or 3.
    const [low, high] = eigenvaluesSymmetric([
      [2, 1],
      [1, 2],
    ])
    expect(low).toBeCloseTo(1, 14)
    expect(high).toBeCloseTo(3, 14)
    // diag(3, -1, 7) rotated stays {-1, 3, 7}: rotation by 45° in the first two coordinates.
    const c = Math.SQRT1_2
    const rotated = [
      [c * c * 3 + c * c * -1, c * c * 3 - c * c * -1, 0],
      [c * c * 3 - c * c * -1, c * c * 3 + c * c * -1, 0],
      [0, 0, 7],
    ]
    const eigen = eigenvaluesSymmetric(rotated)
    expect(eigen[0]).toBeCloseTo(-1, 13)
    expect(eigen[1]).toBeCloseTo(3, 13)
    expect(eigen[2]).toBeCloseTo(7, 13)
  })

  it('Given indices, When a submatrix is taken, Then it keeps those rows and columns', () => {
    expect(submatrix(a, [0, 2])).toEqual([
      [4, 0],
      [0, 2],
    ])
  })
})
