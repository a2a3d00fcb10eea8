/**
 * Predictive CLV: the RFM summary, BG/NBD, Pareto/NBD, Gamma-Gamma, shifted-beta-geometric.
 */
export * as BgNbd from './BgNbd.js'
export * as Clv from './Clv.js'
export * as GammaGamma from './GammaGamma.js'
export * as Optimize from './Optimize.js'
export * as ParetoNbd from './ParetoNbd.js'
export * as Rfm from './Rfm.js'
export * as ShiftedBetaGeometric from './ShiftedBetaGeometric.js'
