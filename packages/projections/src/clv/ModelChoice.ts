/**
 * `--model auto`: fit the candidate count models to the same calibration summary and choose one
 * on evidence. With a holdout period the evidence is what happened next (the lowest mean
 * absolute error of holdout purchases per customer); without one, the Akaike information
 * criterion (2k - 2 LL). BG/BB joins the candidates when the unit is a calendar period; its
 * likelihood is a probability of discrete patterns while the others' are densities in time, so
 * without a holdout it is chosen for being the discrete-time model, not by comparing likelihoods.
 */
import * as CountModel from './CountModel.js'
import * as Holdout from './Holdout.js'
import { isDiscrete, type Summary, type Unit } from './Rfm.js'
import { MODELS } from './Clv.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One candidate model. */
export interface Candidate {
  readonly name: CountModel.Name
  readonly label: string
  /** Null when the fit failed: see `error`. */
  readonly fitted: CountModel.Fitted | null
  readonly error: string | null
  /** Present when there was a holdout period. */
  readonly holdout: Holdout.Evaluation | null
}

/** The candidates and the choice. */
export interface Choice {
  readonly candidates: readonly Candidate[]
  readonly chosen: CountModel.Name
  /** Why, in plain words. */
  readonly reason: string
}

/** Options of the choice. */
export interface Options {
  readonly unit: Unit
  readonly penalizer?: number
  /** The holdout split: its calibration summary is fitted, its holdout checks the fits. */
  readonly holdout?: Holdout.Split
  /** Default: BG/NBD, MBG/NBD, Pareto/NBD, and BG/BB for a calendar unit. */
  readonly models?: readonly CountModel.Name[]
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const f = (x: number, digits = 1) => x.toFixed(digits)

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Fits the candidates to `summary` (the holdout's calibration summary when there is one) and chooses. */
export const choose = (summary: Summary, options: Options): Choice => {
  const names =
    options.models ??
    (isDiscrete(options.unit)
      ? (['bgnbd', 'mbgnbd', 'paretonbd', 'bgbb'] as const)
      : (['bgnbd', 'mbgnbd', 'paretonbd'] as const))
  const candidates = names.map((name): Candidate => {
    const model = MODELS[name]
    try {
      const fitted = CountModel.fit(model, summary.customers, options.unit, {
        ...(options.penalizer === undefined ? {} : { penalizer: options.penalizer }),
      })
      const holdout = options.holdout === undefined ? null : Holdout.evaluate(model, fitted.values, options.holdout)
      return { name, label: model.label, fitted, error: null, holdout }
    } catch (e) {
      return { name, label: model.label, fitted: null, error: (e as Error).message, holdout: null }
    }
  })
  const fitted = candidates.filter((c): c is Candidate & { fitted: CountModel.Fitted } => c.fitted !== null)
  if (fitted.length === 0)
    throw new RangeError(
      `no candidate model could be fitted: ${candidates.map((c) => `${c.label}: ${c.error}`).join('; ')}`,
    )
  const describe = (c: Candidate & { fitted: CountModel.Fitted }) =>
    `${c.label} ${c.holdout === null ? '' : `MAE ${f(c.holdout.meanAbsoluteError, 4)}, `}AIC ${f(c.fitted.estimate.aic)}${c.fitted.estimate.degenerate ? ' (degenerate)' : ''}`
  const others = (chosen: Candidate) =>
    fitted
      .filter((c) => c !== chosen)
      .map(describe)
      .join('; ')
  const note = (chosen: Candidate & { fitted: CountModel.Fitted }) =>
    chosen.fitted.estimate.degenerate ? '. Its fit is degenerate: read its diagnostics' : ''
  if (options.holdout !== undefined) {
    const best = fitted.reduce((a, b) => (b.holdout!.meanAbsoluteError < a.holdout!.meanAbsoluteError ? b : a))
    return {
      candidates,
      chosen: best.name,
      reason: `lowest mean absolute error of holdout purchases per customer: ${describe(best)}; the others: ${others(best)}${note(best)}`,
    }
  }
  const bgbb = fitted.find((c) => c.name === 'bgbb')
  if (bgbb !== undefined)
    return {
      candidates,
      chosen: 'bgbb',
      reason: `the unit is a calendar period, and BG/BB is the model of discrete opportunities; its likelihood (of discrete patterns) cannot be compared with the continuous models' (densities in time): give a holdout period to compare them on what happened next`,
    }
  const best = fitted.reduce((a, b) => (b.fitted.estimate.aic < a.fitted.estimate.aic ? b : a))
  return {
    candidates,
    chosen: best.name,
    reason: `lowest AIC (2k - 2 log-likelihood): ${describe(best)}; the others: ${others(best)}${note(best)}`,
  }
}
