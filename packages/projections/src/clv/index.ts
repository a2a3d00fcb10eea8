/**
 * Predictive CLV: the RFM summary, the count models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB),
 * Gamma-Gamma, the analysis with diagnostics and intervals, holdout checks and model choice,
 * and the shifted-beta-geometric for contractual retention.
 */
export * as BgBb from './BgBb.js'
export * as BgNbd from './BgNbd.js'
export * as Clv from './Clv.js'
export * as CountModel from './CountModel.js'
export * as GammaGamma from './GammaGamma.js'
export * as Holdout from './Holdout.js'
export * as Intervals from './Intervals.js'
export * as MbgNbd from './MbgNbd.js'
export * as Mle from './Mle.js'
export * as ModelChoice from './ModelChoice.js'
export * as Optimize from './Optimize.js'
export * as ParetoNbd from './ParetoNbd.js'
export * as Patterns from './Patterns.js'
export * as PurchaseHistory from './PurchaseHistory.js'
export * as Rfm from './Rfm.js'
export * as ShiftedBetaGeometric from './ShiftedBetaGeometric.js'
