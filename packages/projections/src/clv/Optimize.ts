/**
 * Nelder-Mead minimization, the derivative-free simplex method that lifetimes also fits its
 * models with (through scipy). No well-kept optimizer of this kind is on the npm registry, so
 * this is a small one of our own, tested on known minima. It restarts from its best point until
 * a restart no longer improves, which guards against a collapsed simplex.
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

/** Minimizes `f` from `x0`. */
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

/** How a maximum-likelihood fit went: every fitted model carries these. */
export interface FitQuality {
  readonly logLikelihood: number
  readonly converged: boolean
  readonly iterations: number
  readonly evaluations: number
}

/** A maximum-likelihood fit of positive parameters. */
export interface PositiveFit extends FitQuality {
  /** The parameters, in the order given. */
  readonly values: readonly number[]
}

/**
 * Maximizes a log-likelihood over positive parameters by minimizing its negative over their
 * logarithms (so they stay positive without constraints), from `start` (positive values).
 */
export const maximizePositive = (
  logLikelihood: (values: readonly number[]) => number,
  start: readonly number[],
): PositiveFit => {
  const m = nelderMead((logs) => -logLikelihood(logs.map(Math.exp)), start.map(Math.log))
  return {
    values: m.x.map(Math.exp),
    logLikelihood: -m.value,
    converged: m.converged,
    iterations: m.iterations,
    evaluations: m.evaluations,
  }
}
