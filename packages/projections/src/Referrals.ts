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
  readonly costCents: number | null
  readonly revenueCents: PerCurrency
  readonly roi: number | null
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** `referrals` from the ledger. */
export const referrals = (state: Ledger.State): Referrals => {
  let buyers = 0
  let referrers = 0
  let converted = 0
  for (const facts of state.customers.values()) {
    if (facts.firstPurchaseAt !== null) {
      buyers++
      if (facts.firstReferralAt !== null) referrers++
    }
    if (
      facts.referredInPeriodAt !== null &&
      facts.lastPurchaseAt !== null &&
      facts.lastPurchaseAt >= facts.referredInPeriodAt
    ) {
      converted++
    }
  }
  return { count: state.referralsInPeriod, rate: Ledger.rate(referrers, buyers), converted }
}

const channelOf = (leads: readonly Leads.Lead[]): Channel => {
  const converted = leads.filter((l) => l.converted)
  const costs = leads.filter((l) => l.acquisitionCostCents !== null)
  const cost = costs.length === 0 ? null : costs.reduce((sum, l) => sum + l.acquisitionCostCents!, 0)
  const revenue = new Map<string, number>()
  for (const lead of converted) {
    for (const [currency, cents] of Object.entries(lead.revenue ?? {})) {
      revenue.set(currency, (revenue.get(currency) ?? 0) + cents)
    }
  }
  const roi =
    cost === null || cost === 0 || revenue.size > 1 ? null : ((revenue.values().next().value ?? 0) - cost) / cost
  return {
    leads: leads.length,
    converted: converted.length,
    leadToCustomer: Ledger.rate(converted.length, leads.length),
    costCents: cost,
    revenueCents: sorted(revenue),
    roi,
  }
}

const byKey = (state: Ledger.State, key: (lead: Leads.Lead) => string | null): Readonly<Record<string, Channel>> => {
  const groups = new Map<string, Leads.Lead[]>()
  for (const lead of Leads.leadsOf(state)) {
    const k = key(lead)
    if (k === null) continue
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [lead])
    else group.push(lead)
  }
  return sorted([...groups].map(([k, leads]) => [k, channelOf(leads)] as const))
}

/** `channels`: keyed by the channel of the first opt-in of the leads in L. */
export const channels = (state: Ledger.State): Readonly<Record<string, Channel>> => byKey(state, (l) => l.channel)

/** `campaigns`: keyed by the campaign named on the first opt-in of the leads in L. */
export const campaigns = (state: Ledger.State): Readonly<Record<string, Channel>> => byKey(state, (l) => l.campaign)

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** `referrals` as a fold over the given ledger. */
export const referralsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(referrals)(ledger)
/** `channels` as a fold over the given ledger. */
export const channelsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(channels)(ledger)
/** `campaigns` as a fold over the given ledger. */
export const campaignsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(campaigns)(ledger)
