/**
 * The whole METRICS.md report as one fold: one pass over the log, one shared ledger, every
 * metric read from it. Its state can be checkpointed with the log position it reflects and
 * resumed later.
 */
import { Timestamp } from '@lifeline/core'
import * as Cohorts from './Cohorts.js'
import * as CrossSell from './CrossSell.js'
import * as Customers from './Customers.js'
import * as Fold from './Fold.js'
import * as Leads from './Leads.js'
import * as Ledger from './Ledger.js'
import * as LedgerCheckpoint from './LedgerCheckpoint.js'
import * as Referrals from './Referrals.js'
import * as Revenue from './Revenue.js'
import * as Satisfaction from './Satisfaction.js'
import type * as Scoring from './Scoring.js'
import * as Tiers from './Tiers.js'
import * as Trends from './Trends.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The report, in the METRICS.md JSON shape. */
export interface Report {
  readonly period: { readonly from: string | null; readonly to: string | null }
  /** The options the report was made with, defaults filled in. */
  readonly options: {
    readonly inactivityDays: number | null
    readonly conversionWindowDays: number | null
    readonly newDays: number
    readonly regularPurchases: number
    readonly regularWindowDays: number
    readonly scoring: Scoring.Settings
  }
  readonly leads: Leads.Leads
  readonly conversion: Leads.Conversion
  readonly funnel: readonly Leads.FunnelStep[]
  readonly customers: Customers.Customers['customers']
  readonly churn: Customers.Customers['churn']
  readonly retention: Customers.Customers['retention']
  readonly cohorts: readonly Cohorts.Cohort[]
  readonly lifecycle: readonly Cohorts.LifecycleMonth[]
  readonly revenue: Revenue.Revenue['revenue']
  readonly refunds: Revenue.Revenue['refunds']
  readonly repeatPurchaseRate: number | null
  readonly aovCents: Revenue.Revenue['aovCents']
  readonly clv: Revenue.Revenue['clv']
  readonly crossSell: CrossSell.CrossSell['crossSell']
  readonly upsell: CrossSell.CrossSell['upsell']
  readonly satisfaction: Satisfaction.Satisfaction
  readonly tiers: Tiers.Tiers
  readonly referrals: Referrals.Referrals
  readonly channels: Readonly<Record<string, Referrals.Channel>>
  readonly campaigns: Readonly<Record<string, Referrals.Channel>>
  readonly trends: readonly Trends.TrendMonth[]
}

/** A report's state with the log position it reflects: what a checkpoint stores. */
export interface Checkpoint {
  readonly position: number
  readonly state: Ledger.State
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Reads the whole report from a ledger state. */
export const fromLedger = (state: Ledger.State): Report => {
  const period = Ledger.period(state)
  const people = Customers.customers(state)
  const money = Revenue.revenue(state)
  const leads = Leads.summarize(state)
  const sales = CrossSell.crossSell(state)
  return {
    period: {
      from: period.from === null ? null : Timestamp.format(period.from),
      to: period.to === null ? null : Timestamp.format(period.to),
    },
    options: {
      inactivityDays: state.options.inactivityDays ?? null,
      conversionWindowDays: state.options.conversionWindowDays ?? null,
      ...Ledger.tierSettings(state.options),
      scoring: Ledger.scoringSettings(state.options),
    },
    leads: Leads.leads(state, leads),
    conversion: Leads.conversion(state, leads),
    funnel: Leads.funnel(state, leads),
    customers: people.customers,
    churn: people.churn,
    retention: people.retention,
    cohorts: Cohorts.cohorts(state),
    lifecycle: Cohorts.lifecycle(state),
    revenue: money.revenue,
    refunds: money.refunds,
    repeatPurchaseRate: money.repeatPurchaseRate,
    aovCents: money.aovCents,
    clv: money.clv,
    crossSell: sales.crossSell,
    upsell: sales.upsell,
    satisfaction: Satisfaction.satisfaction(state),
    tiers: Tiers.tiers(state),
    referrals: Referrals.referrals(state),
    channels: Referrals.channels(state, leads),
    campaigns: Referrals.campaigns(state, leads),
    trends: Trends.trends(state),
  }
}

/**
 * The report as one fold over the log (every metric of docs/metrics.md in one pass).
 *
 * @example
 * ```ts
 * const report = await Fold.runAsync(Report.fold({ from: Date.parse('2025-01-01'), to: Date.parse('2025-04-01') }), EventLog.readAll(log))
 * console.log(report.leads.new, report.conversion.leadToCustomer)
 * ```
 */
export const fold = (options: Ledger.Options = {}): Fold.Fold<Ledger.State, Report> =>
  Fold.map(fromLedger)(Ledger.fold(options))

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Serializes a checkpoint (state and position) to JSON text. */
export const serializeCheckpoint = (checkpoint: Checkpoint): string =>
  Fold.serialize({ position: checkpoint.position, state: LedgerCheckpoint.snapshot(checkpoint.state) })

/** Reads a checkpoint written by `serializeCheckpoint`. */
export const deserializeCheckpoint = (text: string): Checkpoint => {
  const { position, state } = Fold.deserialize<{ position: number; state: LedgerCheckpoint.Snapshot }>(text)
  return { position, state: LedgerCheckpoint.restore(state) }
}
