/**
 * The little dense linear algebra the fits need: symmetric matrices of a handful of rows (one per
 * model parameter), their Cholesky factor, inverse and eigenvalues.
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A matrix as rows. */
export type Matrix = readonly (readonly number[])[]

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The n x n identity. */
export const identity = (n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The lower Cholesky factor L of a symmetric positive definite matrix (A = L Lᵀ), or null when
 * the matrix is not positive definite.
 */
export const cholesky = (a: Matrix): number[][] | null => {
  const n = a.length
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!
      if (i === j) {
        if (!(sum > 0)) return null
        l[i]![i] = Math.sqrt(sum)
      } else l[i]![j] = sum / l[j]![j]!
    }
  }
  return l
}

/** The inverse of a symmetric positive definite matrix, or null when it is not positive definite. */
export const inverseSpd = (a: Matrix): number[][] | null => {
  const l = cholesky(a)
  if (l === null) return null
  const n = a.length
  // Solve L Lᵀ X = I column by column.
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0)
    for (let i = 0; i < n; i++) {
      let sum = i === c ? 1 : 0
      for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!
      y[i] = sum / l[i]![i]!
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i]!
      for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * inv[k]![c]!
      inv[i]![c] = sum / l[i]![i]!
    }
  }
  return inv
}

/** The eigenvalues of a symmetric matrix, ascending (cyclic Jacobi rotations). */
export const eigenvaluesSymmetric = (a: Matrix): number[] => {
  const n = a.length
  const m = a.map((row) => [...row])
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i]![j]! ** 2
    if (
      off <
      1e-30 *
        Math.max(
          1e-300,
          m.reduce((s, row, i) => s + row[i]! ** 2, 0),
        )
    )
      break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!
        if (apq === 0) continue
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!
          const mkq = m[k]![q]!
          m[k]![p] = c * mkp - s * mkq
          m[k]![q] = s * mkp + c * mkq
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!
          const mqk = m[q]![k]!
          m[p]![k] = c * mpk - s * mqk
          m[q]![k] = s * mpk + c * mqk
        }
      }
    }
  }
  return m.map((row, i) => row[i]!).sort((x, y) => x - y)
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** The matrix times a vector. */
export const times = (a: Matrix, v: readonly number[]): number[] =>
  a.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0))

/** The rows and columns `keep` of a matrix. */
export const submatrix = (a: Matrix, keep: readonly number[]): number[][] => keep.map((i) => keep.map((j) => a[i]![j]!))
