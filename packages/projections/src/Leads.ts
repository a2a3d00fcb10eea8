/**
 * Leads, conversion and the funnel (METRICS.md, "Leads and conversion").
 */
import { Timestamp } from '@lifeline/core'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import { sorted } from './Money.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** `leads` in the report. */
export interface Leads {
  /** |L|: customers whose first opt-in is in [from, to) with no purchase before it. */
  readonly new: number
  readonly newByChannel: Readonly<Record<string, number>>
  readonly newByCampaign: Readonly<Record<string, number>>
  /** Customers with an opt-in before `to`. */
  readonly total: number
  /** Sum of acquisition costs on the first opt-ins of L / |L|; null when none carries a cost. */
  readonly costPerLeadCents: number | null
  /** That cost sum / converted leads. */
  readonly cac: number | null
}

/** `conversion` in the report. */
export interface Conversion {
  readonly leadToCustomer: number | null
  readonly byChannel: Readonly<Record<string, number | null>>
  readonly byCampaign: Readonly<Record<string, number | null>>
  readonly nurtured: number | null
  readonly unnurtured: number | null
  readonly medianDaysToConvert: number | null
}

/** One step of the funnel. */
export interface FunnelStep {
  readonly step: 'optedIn' | 'nurtured' | 'converted' | 'repeat' | 'referred'
  readonly count: number
  readonly overall: number | null
  readonly relative: number | null
}

/** What the ledger says of one new lead. */
export interface Lead {
  readonly customerId: string
  readonly channel: string
  readonly campaign: string | null
  readonly acquisitionCostCents: number | null
  readonly nurtured: boolean
  readonly converted: boolean
  readonly daysToConvert: number | null
  readonly repeat: boolean
  readonly referred: boolean
  readonly revenue: Readonly<Record<string, number>> | null
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** The new leads of the period (L), with what became of each. */
export function* leadsOf(state: Ledger.State): Generator<Lead> {
  const window = state.options.conversionWindowDays
  for (const [customerId, f] of state.customers) {
    if (!f.newLead || f.optInAt === null) continue
    const converted =
      f.firstPurchaseAt !== null &&
      f.firstPurchaseAt >= f.optInAt &&
      (window === undefined || f.firstPurchaseAt - f.optInAt <= window * Timestamp.MS_PER_DAY)
    const nurtureDeadline = f.firstPurchaseAt ?? Number.POSITIVE_INFINITY
    yield {
      customerId,
      channel: f.channel ?? '',
      campaign: f.campaign,
      acquisitionCostCents: f.acquisitionCostCents,
      nurtured: f.firstNurturedAt !== null && f.firstNurturedAt < nurtureDeadline,
      converted,
      daysToConvert: converted ? (f.firstPurchaseAt! - f.optInAt) / Timestamp.MS_PER_DAY : null,
      repeat: converted && f.purchases >= 2,
      referred: converted && f.firstReferralAt !== null,
      revenue: f.revenue,
    }
  }
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null
  const xs = Float64Array.from(values).sort()
  const mid = xs.length >> 1
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
}

/** Counts of a group of leads. */
interface Tally {
  leads: number
  converted: number
}

const tally = (groups: Map<string, Tally>, key: string, converted: boolean): void => {
  let t = groups.get(key)
  if (t === undefined) groups.set(key, (t = { leads: 0, converted: 0 }))
  t.leads++
  if (converted) t.converted++
}

/** Everything the lead metrics need, in one pass over the leads. */
const summarize = (list: readonly Lead[]) => {
  const byChannel = new Map<string, Tally>()
  const byCampaign = new Map<string, Tally>()
  const nurtured: Tally = { leads: 0, converted: 0 }
  let converted = 0
  let repeat = 0
  let referred = 0
  let cost: number | null = null
  const days: number[] = []
  for (const lead of list) {
    tally(byChannel, lead.channel, lead.converted)
    if (lead.campaign !== null) tally(byCampaign, lead.campaign, lead.converted)
    if (lead.nurtured) {
      nurtured.leads++
      if (lead.converted) nurtured.converted++
    }
    if (lead.converted) converted++
    if (lead.repeat) repeat++
    if (lead.referred) referred++
    if (lead.acquisitionCostCents !== null) cost = (cost ?? 0) + lead.acquisitionCostCents
    if (lead.daysToConvert !== null) days.push(lead.daysToConvert)
  }
  return { leads: list.length, converted, repeat, referred, cost, nurtured, byChannel, byCampaign, days }
}

/** `leads` from the ledger (pass the leads when they are already listed). */
export const leads = (state: Ledger.State, list: readonly Lead[] = [...leadsOf(state)]): Leads => {
  const sum = summarize(list)
  let total = 0
  for (const f of state.customers.values()) if (f.optInAt !== null) total++
  const counts = (groups: Map<string, Tally>) => sorted([...groups].map(([k, t]) => [k, t.leads] as const))
  return {
    new: sum.leads,
    newByChannel: counts(sum.byChannel),
    newByCampaign: counts(sum.byCampaign),
    total,
    costPerLeadCents: sum.cost === null ? null : Ledger.rate(sum.cost, sum.leads),
    cac: sum.cost === null ? null : Ledger.rate(sum.cost, sum.converted),
  }
}

/** `conversion` from the ledger. */
export const conversion = (_state: Ledger.State, list: readonly Lead[] = [...leadsOf(_state)]): Conversion => {
  const sum = summarize(list)
  const rates = (groups: Map<string, Tally>) =>
    sorted([...groups].map(([k, t]) => [k, Ledger.rate(t.converted, t.leads)] as const))
  return {
    leadToCustomer: Ledger.rate(sum.converted, sum.leads),
    byChannel: rates(sum.byChannel),
    byCampaign: rates(sum.byCampaign),
    nurtured: Ledger.rate(sum.nurtured.converted, sum.nurtured.leads),
    unnurtured: Ledger.rate(sum.converted - sum.nurtured.converted, sum.leads - sum.nurtured.leads),
    medianDaysToConvert: median(sum.days),
  }
}

/** The funnel over L: optedIn, nurtured, converted, repeat, referred. */
export const funnel = (_state: Ledger.State, list: readonly Lead[] = [...leadsOf(_state)]): readonly FunnelStep[] => {
  const sum = summarize(list)
  const step = (name: FunnelStep['step'], count: number, parent: number): FunnelStep => ({
    step: name,
    count,
    overall: Ledger.rate(count, sum.leads),
    relative: Ledger.rate(count, parent),
  })
  return [
    step('optedIn', sum.leads, sum.leads),
    step('nurtured', sum.nurtured.leads, sum.leads),
    step('converted', sum.converted, sum.leads),
    step('repeat', sum.repeat, sum.converted),
    step('referred', sum.referred, sum.converted),
  ]
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** `leads` as a fold over the given ledger (share one ledger fold across metrics). */
export const leadsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) =>
  Fold.map((s: Ledger.State) => leads(s))(ledger)
/** `conversion` as a fold. */
export const conversionFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) =>
  Fold.map((s: Ledger.State) => conversion(s))(ledger)
/** `funnel` as a fold. */
export const funnelFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) =>
  Fold.map((s: Ledger.State) => funnel(s))(ledger)
