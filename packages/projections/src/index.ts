/**
 * @lifeline/projections: every lifecycle metric as a pure fold, the whole report in one pass.
 *
 * @module @lifeline/projections
 */
export * as Cohorts from './Cohorts.js'
export * from './clv/index.js'
export * as CrossSell from './CrossSell.js'
export * as CustomerList from './CustomerList.js'
export * as Customers from './Customers.js'
export * as Fold from './Fold.js'
export * as Leads from './Leads.js'
export * as Ledger from './Ledger.js'
export * as LedgerCheckpoint from './LedgerCheckpoint.js'
export * as LedgerErasure from './LedgerErasure.js'
export * as Money from './Money.js'
export * as Month from './Month.js'
/** The runner that keeps a fold current over a log; it lives in core, so adapters need only core. */
export { ProjectionRunner } from '@lifeline/core'
export * as Referrals from './Referrals.js'
export * as Report from './Report.js'
export * as Revenue from './Revenue.js'
export * as Satisfaction from './Satisfaction.js'
export * as Scoring from './Scoring.js'
export * as Tiers from './Tiers.js'
export * as Trends from './Trends.js'
