/**
 * Maximum likelihood for every CLV model, with what a user needs to trust it: whether the
 * optimizer converged, the observed information (the Hessian of the negative log-likelihood at
 * the maximum) with its condition number, standard errors and confidence intervals from its
 * inverse, lifetimes' L2 penalty, and the detection of fits whose maximum lies at a boundary of
 * the parameter space (a mixing distribution that collapses to one value, a parameter that runs
 * off to 0 or infinity). A degenerate fit is reported in the parameters that stay finite.
 *
 * Parameters are positive. The optimizer works on u = log(value / scale) (or log(value - 1) for a
 * parameter kept above 1), where `scale` is the parameter's typical size in the data's units, so
 * that a fit is unaffected by measuring time in days or weeks and money in cents or dollars.
 */
import { eigenvaluesSymmetric, inverseSpd, submatrix } from './Linear.js'
import { quantile } from './Normal.js'
import { bfgs, centralHessian, nelderMead, type Minimum } from './Optimize.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One parameter of a model. */
export interface Parameter {
  readonly name: string
  /** Its typical size in the data's units (default 1): the optimizer starts there. */
  readonly scale?: number
  /** Keep it above 1 (Gamma-Gamma's q, so that the expected spend stays finite). */
  readonly aboveOne?: boolean
  /** Divide it by this before squaring it in the penalty (default 1). */
  readonly penaltyUnit?: number
}

/**
 * Two parameters that can run off together while something they make stays finite:
 * - `gamma`: a gamma mixing distribution (shape, rate) whose shape and rate grow with their
 *   ratio, the mean, fixed: the distribution collapses to its mean, every customer has it;
 * - `beta`: a beta mixing distribution (a, b) whose a + b grows with a / (a + b) fixed: the same;
 * - `product`: the first grows while the second shrinks with their product fixed (Gamma-Gamma's
 *   p and gamma: every purchase of a customer is of the same amount).
 */
export interface Pair {
  readonly kind: 'gamma' | 'beta' | 'product'
  /** Indices of (shape, rate), (a, b), or (grows, shrinks). */
  readonly members: readonly [number, number]
  /** The name of what stays finite: the mean (`p`, `lambda`, ...) or the product. */
  readonly limit: string
  /** What the limit means, in plain words, for the finite value (and all the values). */
  readonly describe: (limit: number, values: readonly number[]) => string
}

/** A maximum-likelihood problem. */
export interface Problem {
  readonly parameters: readonly Parameter[]
  /** The total log-likelihood of the data at these parameter values. */
  readonly logLikelihood: (values: readonly number[]) => number
  /** The log-likelihood and its gradient with respect to the values (default: central differences). */
  readonly withGradient?: (values: readonly number[]) => { readonly value: number; readonly gradient: number[] }
  /** The customers the likelihood covers: the penalty is per customer, as in lifetimes. */
  readonly customers: number
  /** lifetimes' `penalizer_coef`: maximizes LL / customers - c * sum(value^2); default 0. */
  readonly penalizer?: number
  readonly pairs?: readonly Pair[]
  /** What a parameter running off to 0 or infinity means, when the model knows; else a generic sentence. */
  readonly describeDivergence?: (name: string, direction: 'zero' | 'infinity') => string
  /** Level of the confidence intervals; default 0.95. */
  readonly level?: number
  /** Where the optimizer starts (default: every parameter at its scale, a parameter kept above 1 at 2). */
  readonly start?: readonly number[]
}

/** One parameter's estimate. */
export interface ParameterEstimate {
  readonly name: string
  readonly value: number
  /** From the inverse observed information; null when it is singular or the parameter diverged. */
  readonly standardError: number | null
  /** The confidence interval, computed on the log scale (so it stays positive). */
  readonly lower: number | null
  readonly upper: number | null
}

/** A limit the fit ran into. */
export interface Boundary {
  /** The parameters that diverged. */
  readonly parameters: readonly string[]
  /** Where each of them went, in the same order. */
  readonly directions: readonly ('zero' | 'infinity')[]
  /** For a collapsed mixing distribution: its mean, which stays finite. */
  readonly limit: ParameterEstimate | null
  /** What it means, in plain words. */
  readonly meaning: string
}

/**
 * How to draw parameter values from their asymptotic normal: `center` and `covariance` are in
 * the optimizer's coordinates, `toValues` maps a draw to the model's parameters.
 */
export interface Sampling {
  readonly center: readonly number[]
  readonly covariance: readonly (readonly number[])[]
  readonly toValues: (coordinates: readonly number[]) => number[]
}

/** A fit and its diagnostics. */
export interface Estimate {
  readonly parameters: readonly ParameterEstimate[]
  /** The parameter values, in the problem's order. */
  readonly values: readonly number[]
  /** The (unpenalized) log-likelihood at the estimate. */
  readonly logLikelihood: number
  /** Free parameters: those that stayed finite, a collapsed mixing distribution counting one. */
  readonly freeParameters: number
  /** 2k - 2 LL. */
  readonly aic: number
  readonly penalizer: number
  readonly converged: boolean
  readonly iterations: number
  readonly evaluations: number
  /**
   * Ratio of the largest to the smallest eigenvalue of the observed information in the
   * optimizer's coordinates; null when it is not positive definite (no proper maximum).
   */
  readonly hessianCondition: number | null
  readonly customers: number
  /** True when the maximum is at a boundary: see `boundaries`. */
  readonly degenerate: boolean
  readonly boundaries: readonly Boundary[]
  /**
   * Parameters the likelihood does not depend on at the estimate (no information: a flat
   * direction, e.g. a dropout rate's scale once nobody drops out). They have no standard error.
   */
  readonly unidentified: readonly string[]
  /** Null when the observed information is singular. */
  readonly sampling: Sampling | null
}

// -------------------------------------------------------------------------------------
// constants
// -------------------------------------------------------------------------------------

/** A pair whose growing part (gamma shape, a + b, or the growing member) exceeds this has run off. */
export const COLLAPSED = 1e6
/** A lone parameter beyond e^±15 times its scale has diverged. */
const DIVERGED = 15
/** The optimizer's box, in log units. */
const BOX = 40
/** The concentration at which a collapsed mixing distribution is held for its limit fit. */
const HELD = 1e10

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const toValue = (p: Parameter, u: number): number => (p.aboveOne ? 1 + Math.exp(u) : (p.scale ?? 1) * Math.exp(u))
const toCoordinate = (p: Parameter, v: number): number => (p.aboveOne ? Math.log(v - 1) : Math.log(v / (p.scale ?? 1)))
/** d value / d u. */
const slope = (p: Parameter, v: number): number => (p.aboveOne ? v - 1 : v)

/** How far a pair has run off: the gamma shape, a + b, or the growing member. */
const concentration = (m: Pair, values: readonly number[]): number =>
  m.kind === 'beta' ? values[m.members[0]]! + values[m.members[1]]! : values[m.members[0]]!
/** What stays finite: the mean, or the product. */
const limitOf = (m: Pair, values: readonly number[]): number => {
  const [a, b] = [values[m.members[0]]!, values[m.members[1]]!]
  return m.kind === 'gamma' ? a / b : m.kind === 'beta' ? a / (a + b) : a * b
}
const logit = (p: number): number => Math.log(p) - Math.log1p(-p)
const logistic = (w: number): number => 1 / (1 + Math.exp(-w))

/** Minimizes with BFGS; when it does not converge, Nelder-Mead from its best point, then BFGS again. */
const minimize = (
  f: (u: readonly number[]) => number,
  u0: readonly number[],
  withGradient?: (u: readonly number[]) => { readonly value: number; readonly gradient: number[] },
): Minimum => {
  const options = withGradient === undefined ? {} : { withGradient }
  const first = bfgs(f, u0, options)
  if (first.converged) return first
  const simplex = nelderMead(f, first.value <= f(u0) ? first.x : u0, { maxIterations: 5_000 })
  const again = bfgs(f, simplex.x, options)
  return {
    ...again,
    iterations: first.iterations + simplex.iterations + again.iterations,
    evaluations: first.evaluations + simplex.evaluations + again.evaluations,
  }
}

/** The Hessian of the total penalized negative log-likelihood in coordinates. */
const information = (
  objective: (w: readonly number[]) => number,
  w: readonly number[],
  customers: number,
  withGradient?: (w: readonly number[]) => { readonly value: number; readonly gradient: number[] },
): number[][] => {
  if (withGradient === undefined) return centralHessian(objective, w).map((row) => row.map((x) => x * customers))
  // Central differences of the analytic gradient: more accurate than second differences of f.
  const n = w.length
  const h = w.map((wi) => 1e-5 * Math.max(1, Math.abs(wi)))
  const columns = w.map((wi, j) => {
    const up = [...w]
    const down = [...w]
    up[j] = wi + h[j]!
    down[j] = wi - h[j]!
    const gu = withGradient(up).gradient
    const gd = withGradient(down).gradient
    return gu.map((x, i) => (x - gd[i]!) / (2 * h[j]!))
  })
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (customers * (columns[j]![i]! + columns[i]![j]!)) / 2),
  )
}

/**
 * The covariance (inverse information) of the coordinates that carry information, and the ones
 * that carry none (a diagonal below 1e-9 of the largest, or not positive), which are left out.
 */
const invertInformed = (hessian: number[][]): { keep: number[]; covariance: number[][] | null } => {
  const all = hessian.map((_, i) => i)
  const full = inverseSpd(hessian)
  if (full !== null) return { keep: all, covariance: full }
  const largest = Math.max(...hessian.map((row, i) => Math.abs(row[i]!)))
  const keep = all.filter((i) => hessian[i]![i]! > 1e-9 * largest)
  if (keep.length === all.length || keep.length === 0) return { keep: all, covariance: null }
  return { keep, covariance: inverseSpd(submatrix(hessian, keep)) }
}

/** Sampling over the kept coordinates, the others held at the center. */
const samplingOf = (
  center: readonly number[],
  keep: readonly number[],
  covariance: number[][] | null,
  toValues: (w: readonly number[]) => number[],
): Sampling | null =>
  covariance === null
    ? null
    : {
        center: keep.map((i) => center[i]!),
        covariance,
        toValues: (kept) => {
          const w = [...center]
          keep.forEach((i, k) => (w[i] = kept[k]!))
          return toValues(w)
        },
      }

const conditionOf = (hessian: number[][]): number | null => {
  const eigen = eigenvaluesSymmetric(hessian)
  const min = eigen[0]!
  return min > 0 ? eigen.at(-1)! / min : null
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Fits by maximum likelihood from `start` (default: the problem's, else every parameter at its
 * scale) and reports the diagnostics: see `Estimate`.
 */
export const fit = (problem: Problem, start: readonly number[] | undefined = problem.start): Estimate => {
  const ps = problem.parameters
  const n = problem.customers
  const c = problem.penalizer ?? 0
  const z = quantile(0.5 + (problem.level ?? 0.95) / 2)
  const penalty = (values: readonly number[]): number =>
    c === 0 ? 0 : c * values.reduce((s, v, i) => s + (v / (ps[i]!.penaltyUnit ?? 1)) ** 2, 0)

  // The objective in coordinates w, mapped to values by `toValues`; its gradient when the model gives one.
  const objectiveOf = (toValues: (w: readonly number[]) => number[]) => (w: readonly number[]) => {
    if (w.some((x) => Math.abs(x) > BOX)) return Number.POSITIVE_INFINITY
    const values = toValues(w)
    return -problem.logLikelihood(values) / n + penalty(values)
  }
  const direct = (u: readonly number[]) => u.map((ui, i) => toValue(ps[i]!, ui))
  const objective = objectiveOf(direct)
  const withGradient =
    problem.withGradient === undefined
      ? undefined
      : (u: readonly number[]) => {
          if (u.some((x) => Math.abs(x) > BOX)) return { value: Number.POSITIVE_INFINITY, gradient: u.map(() => 0) }
          const values = direct(u)
          const { value, gradient: g } = problem.withGradient!(values)
          return {
            value: -value / n + penalty(values),
            gradient: values.map(
              (v, i) => (-g[i]! / n + (c === 0 ? 0 : (2 * c * v) / (ps[i]!.penaltyUnit ?? 1) ** 2)) * slope(ps[i]!, v),
            ),
          }
        }
  const u0 = (start ?? ps.map((p) => (p.aboveOne ? 2 : (p.scale ?? 1)))).map((v, i) => toCoordinate(ps[i]!, v))
  const m = minimize(objective, u0, withGradient)
  const values = direct(m.x)

  // Which limits did the fit run into?
  const collapsed = (problem.pairs ?? []).filter((pair) => concentration(pair, values) > COLLAPSED)
  const inPairs = new Set(collapsed.flatMap((mix) => mix.members))
  const diverged = ps
    .map((p, i) => ({ p, i, u: m.x[i]! }))
    .filter(({ i, u }) => !inPairs.has(i) && Math.abs(u) > DIVERGED)

  if (collapsed.length === 0 && diverged.length === 0) {
    const hessian = information(objective, m.x, n, withGradient)
    const { keep, covariance } = invertInformed(hessian)
    const parameters = ps.map((p, i): ParameterEstimate => {
      const v = values[i]!
      const variance = covariance?.[keep.indexOf(i)]?.[keep.indexOf(i)]
      if (variance === undefined || !(variance > 0))
        return { name: p.name, value: v, standardError: null, lower: null, upper: null }
      const se = Math.sqrt(variance)
      return {
        name: p.name,
        value: v,
        standardError: slope(p, v) * se,
        lower: toValue(p, m.x[i]! - z * se),
        upper: toValue(p, m.x[i]! + z * se),
      }
    })
    const logLikelihood = problem.logLikelihood(values)
    return {
      parameters,
      values,
      logLikelihood,
      freeParameters: ps.length,
      aic: 2 * ps.length - 2 * logLikelihood,
      penalizer: c,
      converged: m.converged,
      iterations: m.iterations,
      evaluations: m.evaluations,
      hessianCondition: conditionOf(hessian),
      customers: n,
      degenerate: false,
      boundaries: [],
      unidentified: ps.filter((_, i) => !keep.includes(i)).map((p) => p.name),
      sampling: samplingOf(m.x, keep, covariance, direct),
    }
  }

  // A degenerate fit: refit in the coordinates that stay finite. A pair that ran off is held with
  // its growing part at 10^10 (its likelihood is then the limit's to about 1e-10) and contributes
  // its finite limit; a lone diverged parameter is held where the optimizer left it.
  const free = ps.map((_, i) => i).filter((i) => !inPairs.has(i) && !diverged.some((d) => d.i === i))
  /** The finite limit of a collapsed pair from its coordinate: logit for a beta mean, log otherwise. */
  const limitAt = (pair: Pair, w: readonly number[], k: number): number =>
    pair.kind === 'beta' ? logistic(w[k]!) : Math.exp(w[k]!)
  const reduced = (w: readonly number[]): number[] => {
    const out = [...values]
    free.forEach((i, k) => (out[i] = toValue(ps[i]!, w[k]!)))
    collapsed.forEach((pair, k) => {
      const limit = limitAt(pair, w, free.length + k)
      const [i, j] = pair.members
      if (pair.kind === 'gamma') {
        out[i] = HELD
        out[j] = HELD / limit
      } else if (pair.kind === 'beta') {
        out[i] = HELD * limit
        out[j] = HELD * (1 - limit)
      } else {
        out[i] = HELD
        out[j] = limit / HELD
      }
    })
    return out
  }
  const w0 = [
    ...free.map((i) => m.x[i]!),
    ...collapsed.map((pair) => (pair.kind === 'beta' ? logit(limitOf(pair, values)) : Math.log(limitOf(pair, values)))),
  ]
  const first = minimize(objectiveOf(reduced), w0)
  // A limit can itself run off (a collapsed dropout distribution whose mean goes to 0: nobody
  // drops out): such coordinates are held where they went, and the rest fitted again.
  const held = first.x.map((w) => Math.abs(w) > DIVERGED)
  const heldAny = held.some(Boolean)
  const moving = first.x.map((_, k) => k).filter((k) => !held[k])
  const expand = (v: readonly number[]): number[] => {
    const w = [...first.x]
    moving.forEach((k, j) => (w[k] = v[j]!))
    return w
  }
  const second = heldAny
    ? minimize(
        objectiveOf((v) => reduced(expand(v))),
        moving.map((k) => first.x[k]!),
      )
    : null
  const r =
    second === null
      ? first
      : {
          ...second,
          x: expand(second.x),
          iterations: first.iterations + second.iterations,
          evaluations: first.evaluations + second.evaluations,
        }
  const reducedObjective = objectiveOf(reduced)
  const finalValues = reduced(r.x)
  const hessian = heldAny
    ? (() => {
        // Information on the moving coordinates only; the held ones carry none.
        const inner = information(
          objectiveOf((v) => reduced(expand(v))),
          moving.map((k) => r.x[k]!),
          n,
        )
        return r.x.map((_, i) =>
          r.x.map((_, j) => (held[i] || held[j] ? 0 : inner[moving.indexOf(i)]![moving.indexOf(j)]!)),
        )
      })()
    : information(reducedObjective, r.x, n)
  const { keep, covariance } = invertInformed(hessian)
  const estimateAt = (k: number, name: string, value: number, toV: (w: number) => number, dvdw: number) => {
    const variance = covariance?.[keep.indexOf(k)]?.[keep.indexOf(k)]
    if (variance === undefined || !(variance > 0)) return { name, value, standardError: null, lower: null, upper: null }
    const se = Math.sqrt(variance)
    return { name, value, standardError: dvdw * se, lower: toV(r.x[k]! - z * se), upper: toV(r.x[k]! + z * se) }
  }
  const parameters = ps.map((p, i): ParameterEstimate => {
    const k = free.indexOf(i)
    const v = finalValues[i]!
    return k < 0
      ? { name: p.name, value: v, standardError: null, lower: null, upper: null }
      : estimateAt(k, p.name, v, (w) => toValue(p, w), slope(p, v))
  })
  const boundaries: Boundary[] = [
    ...collapsed.map((pair, k): Boundary => {
      const kk = free.length + k
      const value = limitOf(pair, finalValues)
      const limit =
        pair.kind === 'beta'
          ? estimateAt(kk, pair.limit, value, logistic, value * (1 - value))
          : estimateAt(kk, pair.limit, value, Math.exp, value)
      return {
        parameters: pair.members.map((i) => ps[i]!.name),
        directions: pair.kind === 'product' ? ['infinity', 'zero'] : ['infinity', 'infinity'],
        limit,
        meaning: pair.describe(value, finalValues),
      }
    }),
    ...diverged.map(({ p, u }): Boundary => {
      const direction = u > 0 ? 'infinity' : 'zero'
      return {
        parameters: [p.name],
        directions: [direction],
        limit: null,
        meaning:
          p.aboveOne && direction === 'zero'
            ? `${p.name} runs down to the bound 1 it is kept above: the unconstrained maximum is at ${p.name} <= 1`
            : (problem.describeDivergence?.(p.name, direction) ??
              `${p.name} runs off to ${direction === 'zero' ? '0' : 'infinity'}: the data cannot pin it down`),
      }
    }),
  ]
  const logLikelihood = problem.logLikelihood(finalValues)
  const k = free.length + collapsed.length
  return {
    parameters,
    values: finalValues,
    logLikelihood,
    freeParameters: k,
    aic: 2 * k - 2 * logLikelihood,
    penalizer: c,
    converged: r.converged,
    iterations: m.iterations + r.iterations,
    evaluations: m.evaluations + r.evaluations,
    hessianCondition: conditionOf(hessian),
    customers: n,
    degenerate: true,
    boundaries,
    unidentified: free.filter((_, k) => !keep.includes(k)).map((i) => ps[i]!.name),
    sampling: samplingOf(r.x, keep, covariance, reduced),
  }
}
