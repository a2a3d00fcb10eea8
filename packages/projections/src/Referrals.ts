/**
 * Referrals, and leads, conversion, cost, revenue and ROI per channel and per campaign
 * (METRICS.md, "Referrals and channels").
 */
import * as Fold from './Fold.js'
import * as Leads from './Leads.js'
import * as Ledger from './Ledger.js'
import { sorted, type PerCurrency } from './Money.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** `referrals` in the report. */
export interface Referrals {
  /** `Referred` events in [from, to). */
  readonly count: number
  /** Buyers before `to` who also referred someone before `to`, over buyers before `to`. */
  readonly rate: number | null
  /** Distinct people referred in [from, to) who bought at or after being referred, before `to`. */
  readonly converted: number
}

/** One channel's or campaign's figures. */
export interface Channel {
  readonly leads: number
  readonly converted: number
  readonly leadToCustomer: number | null
  /** Sales-ready leads (SR) among its leads. */
  readonly salesReady: number
  readonly costCents: number | null
  readonly revenueCents: PerCurrency
  readonly roi: number | null
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** `referrals` from the ledger. */
export const referrals = (state: Ledger.State): Referrals => {
  const c = state.customers
  const { firstPurchaseAt, firstReferralAt, referredInPeriodAt, lastPurchaseAt } = c.numbers
  let buyers = 0
  let referrers = 0
  let converted = 0
  for (let r = 0; r < c.size; r++) {
    if (!Number.isNaN(firstPurchaseAt[r]!)) {
      buyers++
      if (!Number.isNaN(firstReferralAt[r]!)) referrers++
    }
    // NaN (never referred, never bought) fails the comparison.
    if (lastPurchaseAt[r]! >= referredInPeriodAt[r]!) converted++
  }
  return { count: state.referralsInPeriod, rate: Ledger.rate(referrers, buyers), converted }
}

const byKey = (groups: ReadonlyMap<string, Leads.Group>): Readonly<Record<string, Channel>> =>
  sorted(
    [...groups].map(([k, g]) => {
      const revenue = g.revenue.size === 0 ? 0 : g.revenue.values().next().value!
      const roi = g.cost === null || g.cost === 0 || g.revenue.size > 1 ? null : (revenue - g.cost) / g.cost
      const channel: Channel = {
        leads: g.leads,
        converted: g.converted,
        leadToCustomer: Ledger.rate(g.converted, g.leads),
        salesReady: g.salesReady,
        costCents: g.cost,
        revenueCents: sorted(g.revenue),
        roi,
      }
      return [k, channel] as const
    }),
  )

/** `channels`: keyed by the channel of the first opt-in of the leads in L. */
export const channels = (
  state: Ledger.State,
  summary: Leads.Summary = Leads.summarize(state),
): Readonly<Record<string, Channel>> => byKey(summary.byChannel)

/** `campaigns`: keyed by the campaign named on the first opt-in of the leads in L. */
export const campaigns = (
  state: Ledger.State,
  summary: Leads.Summary = Leads.summarize(state),
): Readonly<Record<string, Channel>> => byKey(summary.byCampaign)

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** `referrals` as a fold over the given ledger. */
export const referralsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(referrals)(ledger)
/** `channels` as a fold over the given ledger. */
export const channelsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) =>
  Fold.map((s: Ledger.State) => channels(s))(ledger)
/** `campaigns` as a fold over the given ledger. */
export const campaignsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) =>
  Fold.map((s: Ledger.State) => campaigns(s))(ledger)
