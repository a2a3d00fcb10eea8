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
  const xs = [...values].sort((a, b) => a - b)
  const mid = xs.length >> 1
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2
}

const countBy = (keys: Iterable<string>): Map<string, number> => {
  const out = new Map<string, number>()
  for (const key of keys) out.set(key, (out.get(key) ?? 0) + 1)
  return out
}

/** `leads` from the ledger. */
export const leads = (state: Ledger.State): Leads => {
  const list = [...leadsOf(state)]
  const converted = list.filter((l) => l.converted).length
  const costs = list.filter((l) => l.acquisitionCostCents !== null)
  const cost = costs.length === 0 ? null : costs.reduce((sum, l) => sum + l.acquisitionCostCents!, 0)
  let total = 0
  for (const f of state.customers.values()) if (f.optInAt !== null) total++
  return {
    new: list.length,
    newByChannel: sorted(countBy(list.map((l) => l.channel))),
    newByCampaign: sorted(countBy(list.flatMap((l) => (l.campaign === null ? [] : [l.campaign])))),
    total,
    costPerLeadCents: cost === null ? null : Ledger.rate(cost, list.length),
    cac: cost === null ? null : Ledger.rate(cost, converted),
  }
}

const conversionRate = (list: readonly Lead[]): number | null =>
  Ledger.rate(list.filter((l) => l.converted).length, list.length)

const groupBy = (list: readonly Lead[], key: (l: Lead) => string | null): Map<string, Lead[]> => {
  const out = new Map<string, Lead[]>()
  for (const lead of list) {
    const k = key(lead)
    if (k === null) continue
    const group = out.get(k)
    if (group === undefined) out.set(k, [lead])
    else group.push(lead)
  }
  return out
}

/** `conversion` from the ledger. */
export const conversion = (state: Ledger.State): Conversion => {
  const list = [...leadsOf(state)]
  const rates = (groups: Map<string, Lead[]>) => sorted([...groups].map(([k, g]) => [k, conversionRate(g)] as const))
  return {
    leadToCustomer: conversionRate(list),
    byChannel: rates(groupBy(list, (l) => l.channel)),
    byCampaign: rates(groupBy(list, (l) => l.campaign)),
    nurtured: conversionRate(list.filter((l) => l.nurtured)),
    unnurtured: conversionRate(list.filter((l) => !l.nurtured)),
    medianDaysToConvert: median(list.flatMap((l) => (l.daysToConvert === null ? [] : [l.daysToConvert]))),
  }
}

/** The funnel over L: optedIn, nurtured, converted, repeat, referred. */
export const funnel = (state: Ledger.State): readonly FunnelStep[] => {
  const list = [...leadsOf(state)]
  const optedIn = list.length
  const nurtured = list.filter((l) => l.nurtured).length
  const converted = list.filter((l) => l.converted).length
  const repeat = list.filter((l) => l.repeat).length
  const referred = list.filter((l) => l.referred).length
  const step = (name: FunnelStep['step'], count: number, parent: number): FunnelStep => ({
    step: name,
    count,
    overall: Ledger.rate(count, optedIn),
    relative: Ledger.rate(count, parent),
  })
  return [
    step('optedIn', optedIn, optedIn),
    step('nurtured', nurtured, optedIn),
    step('converted', converted, optedIn),
    step('repeat', repeat, converted),
    step('referred', referred, converted),
  ]
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** `leads` as a fold over the given ledger (share one ledger fold across metrics). */
export const leadsFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(leads)(ledger)
/** `conversion` as a fold. */
export const conversionFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(conversion)(ledger)
/** `funnel` as a fold. */
export const funnelFold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(funnel)(ledger)
