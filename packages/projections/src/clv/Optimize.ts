/**
 * Minimization for the maximum-likelihood fits: BFGS (a quasi-Newton method, the one lifetimes
 * and CLVTools reach for when a gradient is at hand) with an analytic or central-difference
 * gradient, Nelder-Mead (the derivative-free simplex) as a fallback, and central-difference
 * Hessians for standard errors. No well-kept optimizer of this kind is on the npm registry, so
 * these are small ones of our own, tested on known minima.
 */

/** What a minimization found. */
export interface Minimum {
  readonly x: readonly number[]
  readonly value: number
  /** Simplex iterations, all restarts included. */
  readonly iterations: number
  /** Evaluations of the function. */
  readonly evaluations: number
  /** True when the simplex met the tolerances before the iteration limit. */
  readonly converged: boolean
}

/** Options of `nelderMead`. */
export interface Options {
  /** Stop when the simplex's values are within this of each other; default 1e-10. */
  readonly fTolerance?: number
  /** ...and its points within this of each other (per coordinate); default 1e-10. */
  readonly xTolerance?: number
  /** Per run; default 20,000. */
  readonly maxIterations?: number
  /** Initial simplex step per coordinate; default 0.1 (or 5% of the coordinate). */
  readonly step?: number
}

const run = (f: (x: readonly number[]) => number, x0: readonly number[], o: Required<Options>) => {
  const n = x0.length
  let evaluations = 0
  const value = (x: readonly number[]): number => {
    evaluations++
    const v = f(x)
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v
  }
  let simplex = [
    x0,
    ...x0.map((_, i) =>
      x0.map((xj, j) => (j === i ? xj + (xj === 0 ? o.step : Math.max(o.step, Math.abs(xj) * 0.05)) : xj)),
    ),
  ]
  let values = simplex.map(value)
  let iterations = 0
  let converged = false
  while (iterations < o.maxIterations) {
    const order = values
      .map((v, i) => [v, i] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, i]) => i)
    simplex = order.map((i) => simplex[i]!)
    values = order.map((i) => values[i]!)
    const spreadF = Math.abs(values[n]! - values[0]!)
    const spreadX = Math.max(
      ...simplex.slice(1).map((p) => Math.max(...p.map((pj, j) => Math.abs(pj - simplex[0]![j]!)))),
    )
    if (spreadF <= o.fTolerance && spreadX <= o.xTolerance) {
      converged = true
      break
    }
    iterations++
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n)
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[n]![j]! - c))
    const reflected = along(-1)
    const fr = value(reflected)
    if (fr < values[0]!) {
      const expanded = along(-2)
      const fe = value(expanded)
      ;[simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr]
    } else if (fr < values[n - 1]!) {
      ;[simplex[n], values[n]] = [reflected, fr]
    } else {
      const contracted = fr < values[n]! ? along(-0.5) : along(0.5)
      const fc = value(contracted)
      if (fc < Math.min(fr, values[n]!)) {
        ;[simplex[n], values[n]] = [contracted, fc]
      } else {
        simplex = simplex.map((p, i) =>
          i === 0 ? p : p.map((pj, j) => simplex[0]![j]! + 0.5 * (pj - simplex[0]![j]!)),
        )
        values = simplex.map((p, i) => (i === 0 ? values[0]! : value(p)))
      }
    }
  }
  const best = values.indexOf(Math.min(...values))
  return { x: simplex[best]!, value: values[best]!, iterations, evaluations, converged }
}

/**
 * Minimizes `f` from `x0` with the Nelder-Mead simplex. It restarts from its best point until a
 * restart no longer improves, which guards against a collapsed simplex.
 */
export const nelderMead = (
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: Options = {},
): Minimum => {
  const o = { fTolerance: 1e-10, xTolerance: 1e-10, maxIterations: 20_000, step: 0.1, ...options }
  let best = run(f, x0, o)
  let iterations = best.iterations
  let evaluations = best.evaluations
  for (let restart = 0; restart < 10; restart++) {
    const again = run(f, best.x, o)
    iterations += again.iterations
    evaluations += again.evaluations
    const improved = best.value - again.value > o.fTolerance
    if (again.value <= best.value) best = again
    if (!improved) break
  }
  return { x: best.x, value: best.value, iterations, evaluations, converged: best.converged }
}

/** Options of `bfgs`. */
export interface BfgsOptions {
  /**
   * Stop when every component of the gradient is within this of 0 (default 1e-8), or when the
   * step promises to lower f by less than 1e-12 of its size (f's rounding).
   */
  readonly gradientTolerance?: number
  /** Default 1,000. */
  readonly maxIterations?: number
  /** `f` and its gradient at once; default: `f` and central differences. */
  readonly withGradient?: (x: readonly number[]) => { readonly value: number; readonly gradient: number[] }
}

/** The gradient of `f` at `x` by central differences (2n evaluations). */
export const centralGradient = (f: (x: readonly number[]) => number, x: readonly number[], h = 1e-5): number[] =>
  x.map((xi, i) => {
    const step = h * Math.max(1, Math.abs(xi))
    const up = [...x]
    const down = [...x]
    up[i] = xi + step
    down[i] = xi - step
    return (f(up) - f(down)) / (2 * step)
  })

/**
 * The Hessian of `f` at `x` by central differences of `f` (1 + 2n + 2n(n - 1) evaluations); the
 * step suits functions of order 1 to 10^5 whose coordinates are of order 1 (log-parameters).
 */
export const centralHessian = (f: (x: readonly number[]) => number, x: readonly number[], h = 1e-4): number[][] => {
  const n = x.length
  const at = (di: number, i: number, dj: number, j: number): number => {
    const y = [...x]
    y[i] = y[i]! + di
    y[j] = y[j]! + dj
    return f(y)
  }
  const f0 = f(x)
  const steps = x.map((xi) => h * Math.max(1, Math.abs(xi)))
  const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let i = 0; i < n; i++) {
    const hi = steps[i]!
    hessian[i]![i] = (at(hi, i, 0, i) - 2 * f0 + at(-hi, i, 0, i)) / (hi * hi)
    for (let j = 0; j < i; j++) {
      const hj = steps[j]!
      const v = (at(hi, i, hj, j) - at(hi, i, -hj, j) - at(-hi, i, hj, j) + at(-hi, i, -hj, j)) / (4 * hi * hj)
      hessian[i]![j] = v
      hessian[j]![i] = v
    }
  }
  return hessian
}

const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0)
const maxAbs = (a: readonly number[]): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0)

/**
 * Minimizes a smooth `f` from `x0` with BFGS: the inverse Hessian is learnt from the gradients,
 * steps are found by backtracking until the decrease is at least 1e-4 of the one the gradient
 * promises. A value that is not finite counts as +infinity, so the line search steps back from it.
 */
export const bfgs = (
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: BfgsOptions = {},
): Minimum => {
  const gtol = options.gradientTolerance ?? 1e-8
  const maxIterations = options.maxIterations ?? 1_000
  const n = x0.length
  let evaluations = 0
  const value = (x: readonly number[]): number => {
    evaluations++
    const v = f(x)
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY
  }
  // One trial point: its value, and (lazily, unless the analytic one comes with it) its gradient.
  const trial = (x: readonly number[]): { value: number; gradient: () => number[] } => {
    if (options.withGradient === undefined) {
      const v = value(x)
      return { value: v, gradient: () => centralGradient(value, x) }
    }
    evaluations++
    const both = options.withGradient(x)
    return { value: Number.isFinite(both.value) ? both.value : Number.POSITIVE_INFINITY, gradient: () => both.gradient }
  }
  let x = [...x0]
  const start = trial(x)
  let fx = start.value
  if (!Number.isFinite(fx)) return { x, value: fx, iterations: 0, evaluations, converged: false }
  let g = start.gradient()
  let h: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))
  let iterations = 0
  let converged = false
  let first = true
  while (iterations < maxIterations) {
    if (!g.every(Number.isFinite)) break
    if (maxAbs(g) <= gtol) {
      converged = true
      break
    }
    iterations++
    let d = h.map((row) => -dot(row, g))
    let slope = dot(g, d)
    if (!(slope < 0)) {
      h = h.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)))
      d = g.map((gi) => -gi)
      slope = dot(g, d)
    }
    // A Newton-like step that promises less than 1e-12 of f is below what f's rounding can show.
    if (-slope <= 1e-12 * Math.max(1, Math.abs(fx))) {
      converged = true
      break
    }
    // The first step is scaled so that no coordinate moves by more than 1.
    let t = first ? Math.min(1, 1 / Math.max(1e-12, maxAbs(d))) : 1
    let next: number[] = x
    let fNext = Number.POSITIVE_INFINITY
    let nextGradient = (): number[] => g
    let accepted = false
    for (let k = 0; k < 60; k++) {
      next = x.map((xi, i) => xi + t * d[i]!)
      const at = trial(next)
      fNext = at.value
      nextGradient = at.gradient
      if (next.every((v, i) => v === x[i])) break
      if (fNext <= fx + 1e-4 * t * slope) {
        accepted = true
        break
      }
      // Backtrack to the minimum of the quadratic through f(x), its slope and f(next), within [0.1t, 0.5t].
      const quadratic = Number.isFinite(fNext) ? (-slope * t * t) / (2 * (fNext - fx - slope * t)) : 0.1 * t
      t = Math.min(0.5 * t, Math.max(0.1 * t, quadratic))
    }
    if (!accepted) {
      // No decrease along the direction: at the floating-point limit of a minimum, or stuck.
      converged = maxAbs(g) <= 100 * gtol
      break
    }
    const gNext = nextGradient()
    const s = next.map((xi, i) => xi - x[i]!)
    const y = gNext.map((gi, i) => gi - g[i]!)
    const sy = dot(s, y)
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (first) {
        const scale = sy / dot(y, y)
        h = h.map((row) => row.map((v) => v * scale))
      }
      // H <- (I - rho s yᵀ) H (I - rho y sᵀ) + rho s sᵀ
      const rho = 1 / sy
      const hy = h.map((row) => dot(row, y))
      const yhy = dot(y, hy)
      h = h.map((row, i) =>
        row.map((v, j) => v - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!),
      )
      first = false
    }
    x = next
    fx = fNext
    g = gNext
  }
  return { x, value: fx, iterations, evaluations, converged }
}
