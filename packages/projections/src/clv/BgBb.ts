/**
 * BG/BB (Fader, Hardie and Shang 2010, "Customer-base analysis in a discrete-time
 * noncontractual setting"): at each of n discrete opportunities after the first purchase (a
 * yearly donation drive, a renewal date), an alive customer buys with a beta-distributed
 * probability p (alpha, beta), and before each opportunity drops out with a beta-distributed
 * probability theta (gamma, delta). The data are x (opportunities with a purchase), t_x (the last
 * of them, 0 when none) and n, whole numbers: the RFM summary in calendar months, quarters or
 * years gives them.
 */
import * as CountModel from './CountModel.js'
import type * as Mle from './Mle.js'
import { runningLogs, type Patterns, type Rfm } from './Patterns.js'
import type { Unit } from './Rfm.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The parameters. */
export interface Params {
  readonly alpha: number
  readonly beta: number
  readonly gamma: number
  readonly delta: number
}

/** A fitted model. */
export interface Fitted extends CountModel.Fitted<Params> {
  readonly name: 'bgbb'
  readonly params: Params
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const fromValues = ([alpha, beta, gamma, delta]: readonly number[]): Params => ({
  alpha: alpha!,
  beta: beta!,
  gamma: gamma!,
  delta: delta!,
})

const whole = (v: number, what: string): number => {
  const k = Math.round(v)
  if (Math.abs(v - k) > 1e-9 || k < 0) throw new RangeError(`BG/BB: ${what} ${v} is not a whole number of periods >= 0`)
  return k
}

/**
 * Log-gamma ratios for whole-number steps, lnΓ(v + k) - lnΓ(v) = Σ_{j<k} ln(v + j), for the five
 * bases the likelihood needs, up to `upTo`.
 */
const tables = ({ alpha, beta, gamma, delta }: Params, upTo: number) => ({
  a: runningLogs(alpha, upTo).sums,
  b: runningLogs(beta, upTo).sums,
  ab: runningLogs(alpha + beta, upTo).sums,
  d: runningLogs(delta, upTo).sums,
  gd: runningLogs(gamma + delta, upTo).sums,
  lnGamma: Math.log(gamma),
})

type Tables = ReturnType<typeof tables>

/**
 * ln of B(α+x, β+k-x)/B(α, β) (k opportunities, x purchases), of B(γ, δ+k)/B(γ, δ) (alive
 * through k) and of B(γ+1, δ+k)/B(γ, δ) (alive through k, gone at k+1).
 */
const purchases = (t: Tables, x: number, k: number): number => t.a[x]! + t.b[k - x]! - t.ab[k]!
const alive = (t: Tables, k: number): number => t.d[k]! - t.gd[k]!
const dies = (t: Tables, k: number): number => t.lnGamma + t.d[k]! - t.gd[k + 1]!

/**
 * ln L(x, t_x, n) = ln[ B(α+x, β+n-x)/B(α,β) B(γ, δ+n)/B(γ,δ)
 *   + Σ_{i=0}^{n-t_x-1} B(α+x, β+t_x-x+i)/B(α,β) B(γ+1, δ+t_x+i)/B(γ,δ) ].
 */
const logL = (t: Tables, x: number, tx: number, n: number): number => {
  let m = purchases(t, x, n) + alive(t, n)
  const terms = [m]
  for (let i = 0; i < n - tx; i++) {
    const v = purchases(t, x, tx + i) + dies(t, tx + i)
    terms.push(v)
    m = Math.max(m, v)
  }
  let sum = 0
  for (const v of terms) sum += Math.exp(v - m)
  return m + Math.log(sum)
}

const evaluate = ({ rows }: Patterns, params: Params, upTo: number): number => {
  const t = tables(params, upTo + 1)
  let value = 0
  for (const { frequency: x, recency: tx, T: n, n: count } of rows) value += count * logL(t, x, tx, n)
  return value
}

const check = ({ frequency, recency, T }: Rfm): [number, number, number] => {
  const x = whole(frequency, 'frequency')
  const tx = whole(recency, 'recency')
  const n = whole(T, 'T')
  if (x > tx || tx > n || (x === 0) !== (tx === 0))
    throw new RangeError(`BG/BB: frequency ${x}, recency ${tx} and T ${n} do not describe a purchase history`)
  return [x, tx, n]
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** One customer's log-likelihood. */
export const customerLogLikelihood = (params: Params, customer: Rfm): number => {
  const [x, tx, n] = check(customer)
  return logL(tables(params, n + 1), x, tx, n)
}

/** The log-likelihood of grouped patterns. */
export const logLikelihood = (params: Params, patterns: Patterns): number =>
  evaluate(patterns, params, Math.max(0, ...patterns.rows.map((r) => r.T)))

/**
 * P(alive at the next opportunity, n + 1 | x, t_x, n)
 * = B(α+x, β+n-x)/B(α,β) B(γ, δ+n+1)/B(γ,δ) / L (Fader, Hardie and Shang 2010, eq. 11).
 */
export const probabilityAliveNext = (params: Params, customer: Rfm): number => {
  const [x, tx, n] = check(customer)
  const t = tables(params, n + 2)
  return Math.exp(purchases(t, x, n) + alive(t, n + 1) - logL(t, x, tx, n))
}

/**
 * P(alive at opportunity n | x, t_x, n) = B(α+x, β+n-x)/B(α,β) B(γ, δ+n)/B(γ,δ) / L: alive at
 * the last opportunity observed, as the continuous models' P(alive at T) (1 after a purchase at n).
 */
export const probabilityAlive = (params: Params, customer: Rfm): number => {
  const [x, tx, n] = check(customer)
  const t = tables(params, n + 1)
  return Math.exp(purchases(t, x, n) + alive(t, n) - logL(t, x, tx, n))
}

/**
 * Expected purchases at the next `periods` opportunities (whole periods; a fraction is dropped)
 * of a customer alive at opportunity n with x purchases: E[p | x, n] Σ_k P(alive at n+k | alive
 * at n) = (α+x)/(α+β+n) Σ_{k=1}^{periods} B(γ, δ+n+k)/B(γ, δ+n).
 */
export const expectedPurchasesIfAlive = (params: Params, periods: number, x: number, n: number): number => {
  const k = Math.floor(periods + 1e-9)
  const t = tables(params, n + k + 1)
  let sum = 0
  for (let i = 1; i <= k; i++) sum += Math.exp(alive(t, n + i) - alive(t, n))
  return ((params.alpha + x) / (params.alpha + params.beta + n)) * sum
}

/**
 * Expected purchases at the next `periods` opportunities, given the history: the sum of Fader,
 * Hardie and Shang's eq. 13 period by period.
 */
export const expectedPurchases = (params: Params, periods: number, customer: Rfm): number =>
  probabilityAlive(params, customer) *
  expectedPurchasesIfAlive(params, periods, whole(customer.frequency, 'frequency'), whole(customer.T, 'T'))

/** Expected purchases at the first `periods` opportunities after a first purchase: α/(α+β) Σ_k B(γ, δ+k)/B(γ,δ). */
export const expectedPurchasesNew = (params: Params, periods: number): number => {
  const k = Math.floor(periods + 1e-9)
  const t = tables(params, k + 1)
  let sum = 0
  for (let i = 1; i <= k; i++) sum += Math.exp(alive(t, i))
  return (params.alpha / (params.alpha + params.beta)) * sum
}

/** The model for the generic machinery. */
export const model: CountModel.CountModel = {
  name: 'bgbb',
  label: 'BG/BB',
  parameters: ['alpha', 'beta', 'gamma', 'delta'],
  discrete: true,
  problem: (patterns: Patterns, unit: Unit, options: CountModel.FitOptions): Mle.Problem => {
    patterns.rows.forEach(check)
    const upTo = Math.max(0, ...patterns.rows.map((r) => r.T))
    return {
      parameters: [{ name: 'alpha' }, { name: 'beta' }, { name: 'gamma' }, { name: 'delta' }],
      logLikelihood: (values) => evaluate(patterns, fromValues(values), upTo),
      customers: patterns.customers,
      ...(options.penalizer === undefined ? {} : { penalizer: options.penalizer }),
      pairs: [
        {
          kind: 'beta',
          members: [0, 1],
          limit: 'p',
          describe: (p) =>
            `every alive customer buys at an opportunity with the same probability: p = ${p.toFixed(3)} per ${unit}`,
        },
        {
          kind: 'beta',
          members: [2, 3],
          limit: 'theta',
          describe: (theta) =>
            theta < 5e-4
              ? 'no customer drops out: the dropout probability runs off to 0 for everyone'
              : `dropout is the same for every customer: theta = ${theta.toFixed(3)} per ${unit}`,
        },
      ],
    }
  },
  logLikelihood: (values, c) => customerLogLikelihood(fromValues(values), c),
  probabilityAlive: (values, c) => probabilityAlive(fromValues(values), c),
  probabilityAliveAll: (values, { rows }) => {
    const params = fromValues(values)
    return Float64Array.from(rows, (c) => probabilityAlive(params, c))
  },
  expectedPurchases: (values, t, c) => expectedPurchases(fromValues(values), t, c),
  expectedPurchasesNew: (values, t) => expectedPurchasesNew(fromValues(values), t),
  purchasesIfAlive: (values, t, x, T) => expectedPurchasesIfAlive(fromValues(values), t, x, T),
}

/** Fits the model by maximum likelihood. */
export const fit = (data: readonly Rfm[], unit: Unit, options: CountModel.FitOptions = {}): Fitted => {
  const fitted = CountModel.fit(model, data, unit, options)
  return { ...fitted, name: 'bgbb', params: fromValues(fitted.values) }
}
