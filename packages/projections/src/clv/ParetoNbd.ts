/**
 * Pareto/NBD (Schmittlein, Morrison and Colombo 1987): Poisson purchases with gamma rates
 * (r, alpha) and exponential lifetimes with gamma dropout rates (s, beta). The likelihood's
 * integral over the unobserved dropout time is a Gauss hypergeometric function, summed by
 * Hyp2f1Series; the rest is written with log1p so that it stays exact when a mixing
 * distribution collapses.
 */
import * as CountModel from './CountModel.js'
import { logHyp2f1Shifted, type LogHyp2f1 } from './Hyp2f1Series.js'
import type * as Mle from './Mle.js'
import { runningLogs, type Patterns, type Rfm } from './Patterns.js'
import type { Unit } from './Rfm.js'
import { gammaln, logAddExp } from './Special.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The parameters. */
export interface Params {
  readonly r: number
  readonly alpha: number
  readonly s: number
  readonly beta: number
}

/** A fitted model. */
export interface Fitted extends CountModel.Fitted<Params> {
  readonly name: 'paretonbd'
  readonly params: Params
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const fromValues = ([r, alpha, s, beta]: readonly number[]): Params => ({ r: r!, alpha: alpha!, s: s!, beta: beta! })

/**
 * The two terms of ln L - (lnΓ(r+x) - lnΓ(r)):
 * alive = r ln α + s ln β - (r+x) ln(α+T) - s ln(β+T), and
 * dropped = ln s + r ln α + s ln β + J, J = ln ∫ from t_x to T of (α+y)^-(r+x) (β+y)^-(s+1) dy,
 * the integral being [(h+t_x)^-m F(t_x) - (h+T)^-m F(T)] / m with m = r+s+x, h = max(α, β),
 * l = min(α, β), F(y) = ₂F₁(m, k; m+1; (h-l) / (h+y)), k the exponent of l's factor (r+x when
 * l = α, s+1 when l = β). With `withGradient`, the derivatives of both in (r, α, s, β).
 */
/** The logarithms of a pattern that depend on T only: shared by the patterns with the same T. */
interface LogsOfT {
  /** log1p(T/α), ln(α+T), log1p(T/β), ln(h+T) with h = max(α, β). */
  readonly l1pTa: number
  readonly lnAT: number
  readonly l1pTb: number
  readonly lnHT: number
}

const logsOfT = ({ alpha, beta }: Params, T: number): LogsOfT => ({
  l1pTa: Math.log1p(T / alpha),
  lnAT: Math.log(alpha + T),
  l1pTb: Math.log1p(T / beta),
  lnHT: Math.log(Math.max(alpha, beta) + T),
})

/**
 * ₂F₁(m, k; m+1; (h - l) / (h + y)) at y = t_x or T, with h, l the larger and smaller of α, β,
 * m = r+s+x and k the exponent of l's factor (r+x when l = α, s+1 when l = β).
 */
const hypAt = ({ r, alpha, s, beta }: Params, x: number, y: number, withGradient: boolean): LogHyp2f1 =>
  alpha < beta
    ? logHyp2f1Shifted(r + s + x, r + x, (beta - alpha) / (beta + y), withGradient)
    : logHyp2f1Shifted(r + s + x, s + 1, (alpha - beta) / (alpha + y), withGradient)

/**
 * Writes alive (out[0]) and dropped (out[1]) into `out`, and with `withGradient` their
 * derivatives in (r, α, s, β) (out[2..5] and out[6..9]); dropped is -∞ when t_x = T. One buffer
 * for all patterns: an evaluation runs it for thousands of them.
 */
const terms = (
  params: Params,
  x: number,
  tx: number,
  T: number,
  withGradient: boolean,
  logs: LogsOfT,
  lnHtx: number,
  f1: LogHyp2f1,
  f2: LogHyp2f1,
  out: Float64Array,
): void => {
  const { r, alpha, s, beta } = params
  out[0] = -r * logs.l1pTa - x * logs.lnAT - s * logs.l1pTb
  if (withGradient) {
    out[2] = -logs.l1pTa
    out[3] = (r * T) / (alpha * (alpha + T)) - x / (alpha + T)
    out[4] = -logs.l1pTb
    out[5] = (s * T) / (beta * (beta + T))
  }
  if (tx === T) {
    out[1] = Number.NEGATIVE_INFINITY
    return
  }
  const m = r + s + x
  const lowIsAlpha = alpha < beta
  const h = lowIsAlpha ? beta : alpha
  const l = lowIsAlpha ? alpha : beta
  // J = ln(E1 - E2) - ln m with ln E_i = -m ln(h + y_i) + ln F_i; gap = ln E2 - ln E1 < 0.
  const gap = -m * (logs.lnHT - lnHtx) + f2.value - f1.value
  const J = -m * lnHtx + f1.value + Math.log(-Math.expm1(gap)) - Math.log(m)
  out[1] = Math.log(s) + r * Math.log(alpha) + s * Math.log(beta) + J
  if (!withGradient) return
  // ∂J = (∂ln E1 - e^gap ∂ln E2) / (1 - e^gap) - ∂ln m, in m, k, h and l.
  const e = Math.exp(gap)
  const w = 1 / (1 - e)
  const dm = (-lnHtx + f1.da - e * (-logs.lnHT + f2.da)) * w - 1 / m
  const dk = (f1.db - e * f2.db) * w
  // z = (h - l)/(h + y): ∂z/∂h = (l + y)/(h + y)^2, ∂z/∂l = -1/(h + y).
  const h1 = h + tx
  const h2 = h + T
  const dh = (-m / h1 + (f1.dz * (l + tx)) / (h1 * h1) - e * (-m / h2 + (f2.dz * (l + T)) / (h2 * h2))) * w
  const dl = (-f1.dz / h1 + (e * f2.dz) / h2) * w
  // k = r + x, l = α, h = β when α < β; else k = s + 1, h = α, l = β.
  out[6] = Math.log(alpha) + dm + (lowIsAlpha ? dk : 0)
  out[7] = r / alpha + (lowIsAlpha ? dl : dh)
  out[8] = 1 / s + Math.log(beta) + dm + (lowIsAlpha ? 0 : dk)
  out[9] = s / beta + (lowIsAlpha ? dh : dl)
}

const termsOf = (params: Params, x: number, tx: number, T: number): { alive: number; dropped: number } => {
  const out = new Float64Array(10)
  terms(
    params,
    x,
    tx,
    T,
    false,
    logsOfT(params, T),
    Math.log(Math.max(params.alpha, params.beta) + tx),
    hypAt(params, x, tx, false),
    hypAt(params, x, T, false),
    out,
  )
  return { alive: out[0]!, dropped: out[1]! }
}

const logGammaRatio = (r: number, x: number): number => {
  let sum = 0
  if (Number.isInteger(x) && x < 1_000) for (let k = 0; k < x; k++) sum += Math.log(r + k)
  else sum = gammaln(r + x) - gammaln(r)
  return sum
}

/**
 * Patterns indexed by their distinct T, t_x, (x, t_x) and (x, T): a likelihood evaluation
 * computes the logarithms of each distinct T and t_x, and the hypergeometric functions of each
 * (x, t_x) and (x, T), once instead of once per pattern (CDNOW_master: 8,685 patterns, 91 T,
 * 1,726 (x, t_x), 979 (x, T)).
 */
const prepare = (patterns: Patterns) => {
  const index = <K>(keys: Map<K, number>, key: K): number => {
    let i = keys.get(key)
    if (i === undefined) keys.set(key, (i = keys.size))
    return i
  }
  const Ts = new Map<number, number>()
  const txs = new Map<number, number>()
  const xTs = new Map<string, number>()
  const xtxs = new Map<string, number>()
  // Columns rather than objects: the evaluation reads them tens of thousands of times per fit.
  const n = patterns.rows.length
  const columns = {
    x: new Int32Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    count: new Float64Array(n),
    iT: new Int32Array(n),
    itx: new Int32Array(n),
    ixT: new Int32Array(n),
    ixtx: new Int32Array(n),
  }
  patterns.rows.forEach((row, i) => {
    columns.x[i] = row.frequency
    columns.tx[i] = row.recency
    columns.T[i] = row.T
    columns.count[i] = row.n
    columns.iT[i] = index(Ts, row.T)
    columns.itx[i] = index(txs, row.recency)
    columns.ixT[i] = index(xTs, `${row.frequency}:${row.T}`)
    columns.ixtx[i] = index(xtxs, `${row.frequency}:${row.recency}`)
  })
  return { n, columns, Ts: [...Ts.keys()], txs: [...txs.keys()], xTs: xTs.size, xtxs: xtxs.size, maxX: patterns.maxX }
}

/**
 * The log-likelihood (and its gradient) of prepared patterns; with `alive`, also each pattern's
 * P(alive), in the rows' order.
 */
const evaluate = (
  prepared: ReturnType<typeof prepare>,
  params: Params,
  withGradient: boolean,
  aliveOut?: Float64Array,
) => {
  const h = Math.max(params.alpha, params.beta)
  const R = runningLogs(params.r, prepared.maxX)
  const byT = prepared.Ts.map((T) => logsOfT(params, T))
  const lnHtx = prepared.txs.map((tx) => Math.log(h + tx))
  const f1s = new Array<LogHyp2f1 | undefined>(prepared.xtxs)
  const f2s = new Array<LogHyp2f1 | undefined>(prepared.xTs)
  let value = 0
  const gradient = [0, 0, 0, 0]
  const out = new Float64Array(10)
  const c = prepared.columns
  for (let row = 0; row < prepared.n; row++) {
    const x = c.x[row]!
    const tx = c.tx[row]!
    const T = c.T[row]!
    const n = c.count[row]!
    const ixtx = c.ixtx[row]!
    const ixT = c.ixT[row]!
    const f1 = (f1s[ixtx] ??= hypAt(params, x, tx, withGradient))
    const f2 = (f2s[ixT] ??= hypAt(params, x, T, withGradient))
    terms(params, x, tx, T, withGradient, byT[c.iT[row]!]!, lnHtx[c.itx[row]!]!, f1, f2, out)
    const alive = out[0]!
    const dropped = out[1]!
    if (aliveOut !== undefined)
      aliveOut[row] = dropped === Number.NEGATIVE_INFINITY ? 1 : 1 / (1 + Math.exp(dropped - alive))
    value += n * (R.sums[x]! + logAddExp(alive, dropped))
    if (!withGradient) continue
    const wD = dropped === Number.NEGATIVE_INFINITY ? 0 : 1 / (1 + Math.exp(alive - dropped))
    const wA = 1 - wD
    for (let i = 0; i < 4; i++) gradient[i]! += n * (wA * out[2 + i]! + (wD === 0 ? 0 : wD * out[6 + i]!))
    gradient[0]! += n * R.reciprocals[x]!
  }
  return { value, gradient }
}

/** Prepared patterns, kept while their patterns are. */
const prepared = new WeakMap<Patterns, ReturnType<typeof prepare>>()
const prepareOnce = (patterns: Patterns) => {
  let p = prepared.get(patterns)
  if (p === undefined) prepared.set(patterns, (p = prepare(patterns)))
  return p
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** One customer's log-likelihood. */
export const customerLogLikelihood = (params: Params, { frequency: x, recency: tx, T }: Rfm): number => {
  const { alive, dropped } = termsOf(params, x, tx, T)
  return logGammaRatio(params.r, x) + logAddExp(alive, dropped)
}

/** The log-likelihood of grouped patterns. */
export const logLikelihood = (params: Params, patterns: Patterns): number =>
  evaluate(prepareOnce(patterns), params, false).value

/** P(alive at T | x, t_x, T). */
export const probabilityAlive = (params: Params, { frequency: x, recency: tx, T }: Rfm): number => {
  const { alive, dropped } = termsOf(params, x, tx, T)
  return dropped === Number.NEGATIVE_INFINITY ? 1 : 1 / (1 + Math.exp(dropped - alive))
}

/** The expected time alive over the next `t` of a customer alive at T: E[min(lifetime, t)]. */
const aliveTime = (s: number, beta: number, T: number, t: number): number =>
  s === 1
    ? (beta + T) * Math.log1p(t / (beta + T))
    : ((beta + T) * -Math.expm1((s - 1) * -Math.log1p(t / (beta + T)))) / (s - 1)

/** Expected purchases in the next `t` units of a customer alive at T: (r+x)/(α+T) E[min(lifetime, t)]. */
export const expectedPurchasesIfAlive = ({ r, alpha, s, beta }: Params, t: number, x: number, T: number): number =>
  ((r + x) * aliveTime(s, beta, T, t)) / (alpha + T)

/** Expected purchases in the next `t` units, given the customer's history. */
export const expectedPurchases = (params: Params, t: number, customer: Rfm): number =>
  probabilityAlive(params, customer) * expectedPurchasesIfAlive(params, t, customer.frequency, customer.T)

/** Expected repeat purchases in the first `t` units after a first purchase. */
export const expectedPurchasesNew = ({ r, alpha, s, beta }: Params, t: number): number =>
  (r * aliveTime(s, beta, 0, t)) / alpha

/** The model for the generic machinery. */
export const model: CountModel.CountModel = {
  name: 'paretonbd',
  label: 'Pareto/NBD',
  parameters: ['r', 'alpha', 's', 'beta'],
  discrete: false,
  problem: (patterns: Patterns, unit: Unit, options: CountModel.FitOptions): Mle.Problem => {
    const scale = CountModel.timeScale(patterns)
    const ready = prepareOnce(patterns)
    return {
      parameters: [{ name: 'r' }, { name: 'alpha', scale }, { name: 's' }, { name: 'beta', scale }],
      // Shapes below 1 and rates a third of the mean age: where fits of real data tend to land.
      start: [0.5, scale / 3, 0.5, scale / 3],
      logLikelihood: (values) => evaluate(ready, fromValues(values), false).value,
      withGradient: (values) => evaluate(ready, fromValues(values), true),
      customers: patterns.customers,
      ...(options.penalizer === undefined ? {} : { penalizer: options.penalizer }),
      pairs: [
        CountModel.purchaseRatePair(unit),
        {
          kind: 'gamma',
          members: [2, 3],
          limit: 'mu',
          describe: (mu) =>
            mu < 1e-9
              ? 'no customer drops out: the dropout rate runs off to 0 for everyone'
              : `every customer drops out at the same rate: mu = ${mu.toFixed(4)} per ${unit} (a mean lifetime of ${(1 / mu).toFixed(1)} ${unit}s)`,
        },
      ],
      describeDivergence: (name, direction) =>
        name === 's' && direction === 'zero'
          ? 's runs off to 0: the data show no sign of customers dropping out'
          : `${name} runs off to ${direction === 'zero' ? '0' : 'infinity'}: the data cannot pin it down`,
    }
  },
  logLikelihood: (values, c) => customerLogLikelihood(fromValues(values), c),
  probabilityAlive: (values, c) => probabilityAlive(fromValues(values), c),
  probabilityAliveAll: (values, patterns) => {
    const alive = new Float64Array(patterns.rows.length)
    evaluate(prepareOnce(patterns), fromValues(values), false, alive)
    return alive
  },
  expectedPurchases: (values, t, c) => expectedPurchases(fromValues(values), t, c),
  expectedPurchasesNew: (values, t) => expectedPurchasesNew(fromValues(values), t),
  purchasesIfAlive: (values, t, x, T) => expectedPurchasesIfAlive(fromValues(values), t, x, T),
}

/** Fits the model by maximum likelihood. */
export const fit = (data: readonly Rfm[], unit: Unit, options: CountModel.FitOptions = {}): Fitted => {
  const fitted = CountModel.fit(model, data, unit, options)
  return { ...fitted, name: 'paretonbd', params: fromValues(fitted.values) }
}
