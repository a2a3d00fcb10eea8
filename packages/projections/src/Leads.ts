/**
 * Leads, conversion and the funnel (METRICS.md, "Leads and conversion").
 */
import { Timestamp } from '@lifeline/core'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import { sorted } from './Money.js'
import { select } from './Select.js'

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
  /** |SR|: leads of L whose score reached the threshold before `to` (and not after converting). */
  readonly salesReady: number
  /** Median days from opt-in to `salesReadyAt` over SR. */
  readonly medianDaysToSalesReady: number | null
}

/** `conversion` in the report. */
export interface Conversion {
  readonly leadToCustomer: number | null
  readonly byChannel: Readonly<Record<string, number | null>>
  readonly byCampaign: Readonly<Record<string, number | null>>
  readonly nurtured: number | null
  readonly unnurtured: number | null
  readonly medianDaysToConvert: number | null
  /** Converted leads in SR / |SR|. */
  readonly salesReady: number | null
  /** Converted leads outside SR / |L - SR|. */
  readonly notSalesReady: number | null
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

/** Counts of a group of leads (a channel or a campaign). */
export interface Group {
  leads: number
  converted: number
  /** Sales-ready leads (SR) of the group. */
  salesReady: number
  /** Sum of the acquisition costs on the group's first opt-ins; null when none carries one. */
  cost: number | null
  /** Revenue of the group's converted leads, all purchases before `to`, by currency. */
  readonly revenue: Map<string, number>
}

/** Everything the lead metrics (and the per-channel figures) need, from one pass over the ledger. */
export interface Summary {
  /** |L| and what became of those leads. */
  readonly leads: number
  readonly converted: number
  readonly repeat: number
  readonly referred: number
  readonly cost: number | null
  readonly nurtured: { readonly leads: number; readonly converted: number }
  readonly byChannel: ReadonlyMap<string, Group>
  readonly byCampaign: ReadonlyMap<string, Group>
  /** Days from opt-in to first purchase of the converted leads, in row order. */
  readonly days: Float64Array
  /** Customers with an opt-in before `to`. */
  readonly total: number
  /** SR, the sales-ready leads of L, and how many of them converted. */
  readonly salesReady: { readonly leads: number; readonly converted: number }
  /** Days from opt-in to `salesReadyAt` of the leads in SR, in row order. */
  readonly salesReadyDays: Float64Array
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** The longest time from opt-in to first purchase that counts as converting, in ms. */
const windowMs = (state: Ledger.State): number => {
  const window = state.options.conversionWindowDays
  return window === undefined ? Number.POSITIVE_INFINITY : window * Timestamp.MS_PER_DAY
}

/** A new lead converted (METRICS.md); NaN (never bought) fails every comparison. */
const converts = (optIn: number, firstPurchase: number, window: number): boolean =>
  firstPurchase >= optIn && firstPurchase - optIn <= window

/** A new lead was nurtured: a `Nurtured` before its first purchase (or ever, if it never bought). */
const nurtured = (firstNurtured: number, firstPurchase: number): boolean =>
  firstNurtured < (Number.isNaN(firstPurchase) ? Number.POSITIVE_INFINITY : firstPurchase)

/** The new leads of the period (L), with what became of each, one object per lead. */
export function* leadsOf(state: Ledger.State): Generator<Lead> {
  const c = state.customers
  const { numbers, integers } = c
  const window = windowMs(state)
  for (let r = 0; r < c.size; r++) {
    if ((integers.flags[r]! & Ledger.NEW_LEAD) === 0) continue
    const optIn = numbers.optInAt[r]!
    const first = numbers.firstPurchaseAt[r]!
    const converted = converts(optIn, first, window)
    yield {
      customerId: c.ids[r]!,
      channel: Ledger.stringAt(c, integers.channel[r]!) ?? '',
      campaign: Ledger.stringAt(c, integers.campaign[r]!),
      acquisitionCostCents: Ledger.orNull(numbers.acquisitionCostCents[r]!),
      nurtured: nurtured(Ledger.firstNurturedAtOf(c, r), first),
      converted,
      daysToConvert: converted ? (first - optIn) / Timestamp.MS_PER_DAY : null,
      repeat: converted && integers.purchases[r]! >= 2,
      referred: converted && !Number.isNaN(numbers.firstReferralAt[r]!),
      revenue: Ledger.revenueOf(c, r),
    }
  }
}

/**
 * The median of finite numbers (the mean of the two middle ones for an even count), or null for
 * none; the same number a sort would give, found by selection. The input is not changed.
 */
export const median = (values: ArrayLike<number>): number | null => {
  if (values.length === 0) return null
  const xs = Float64Array.from(values)
  const mid = xs.length >> 1
  select(xs, mid)
  if (xs.length % 2 === 1) return xs[mid]!
  // The selection leaves the smaller half before `mid`: the other middle one is its largest.
  let below = xs[0]!
  for (let i = 1; i < mid; i++) if (xs[i]! > below) below = xs[i]!
  return (below + xs[mid]!) / 2
}

/**
 * A lead of L is sales-ready (in SR): its score reached the threshold (before `to`: the ledger
 * folds nothing later) and, when it converted, not after its first purchase. NaN fails.
 */
const isSalesReady = (salesReadyAt: number, converted: boolean, firstPurchase: number): boolean =>
  !Number.isNaN(salesReadyAt) && (!converted || salesReadyAt <= firstPurchase)

/**
 * Reads whether a row is in SR, the sales-ready leads of METRICS.md: a new lead of the period
 * (in L), sales-ready before `to`, and, when it converted (with `conversionWindowDays`), not
 * after its first purchase. The customer list's `salesReady` filter is this, so that it lists
 * exactly the leads `leads.salesReady` counts.
 */
export const salesReadyReader = (state: Ledger.State): ((r: number) => boolean) => {
  const { flags } = state.customers.integers
  const c = state.customers
  const { optInAt, firstPurchaseAt } = c.numbers
  const window = windowMs(state)
  return (r) => {
    if ((flags[r]! & Ledger.NEW_LEAD) === 0) return false
    const first = firstPurchaseAt[r]!
    return isSalesReady(Ledger.salesReadyAtOf(c, r), converts(optInAt[r]!, first, window), first)
  }
}

/** A group's counts while summing, by dictionary index; revenue by currency index. */
interface Counts {
  leads: number
  converted: number
  salesReady: number
  cost: number | null
  readonly revenue: Float64Array
  /** 1 for each currency index some converted lead paid in (amounts may be 0). */
  readonly paid: Uint8Array
  /** Revenue in currencies after a customer's first, by name (rare). */
  readonly more: Map<string, number>
}

/** Everything the lead metrics need, in one pass over the ledger's columns. */
export const summarize = (state: Ledger.State): Summary => {
  const c = state.customers
  const { numbers, integers } = c
  const { optInAt, firstPurchaseAt, acquisitionCostCents, firstReferralAt, revenueCents } = numbers
  const { flags, channel, campaign, currency, purchases } = integers
  const window = windowMs(state)
  // Groups by dictionary index (no string hashing and no allocation per lead), named at the end.
  const channels: (Counts | undefined)[] = []
  const campaigns: (Counts | undefined)[] = []
  const groupOf = (groups: (Counts | undefined)[], key: number): Counts =>
    (groups[key] ??= {
      leads: 0,
      converted: 0,
      salesReady: 0,
      cost: null,
      revenue: new Float64Array(c.strings.length),
      paid: new Uint8Array(c.strings.length),
      more: new Map(),
    })
  const count = (g: Counts, r: number, cost: number, converted: boolean, ready: boolean): void => {
    g.leads++
    if (ready) g.salesReady++
    if (!Number.isNaN(cost)) g.cost = (g.cost ?? 0) + cost
    if (!converted) return
    g.converted++
    g.revenue[currency[r]!]! += revenueCents[r]!
    g.paid[currency[r]!] = 1
    // Revenue in more than one currency is rare: most reports look nothing up.
    const more = c.moreRevenue.size === 0 ? undefined : c.moreRevenue.get(r)
    for (const name in more) g.more.set(name, (g.more.get(name) ?? 0) + more[name]!)
  }
  const nurturedLeads = { leads: 0, converted: 0 }
  let leads = 0
  let repeat = 0
  let referred = 0
  let cost: number | null = null
  let total = 0
  // At most one a customer: filled from the start, cut to their count at the end (no regrowth).
  const days = new Float64Array(c.size)
  let converted = 0
  const salesReady = { leads: 0, converted: 0 }
  const salesReadyDays = new Float64Array(c.size)
  for (let r = 0; r < c.size; r++) {
    const optIn = optInAt[r]!
    if (!Number.isNaN(optIn)) total++
    if ((flags[r]! & Ledger.NEW_LEAD) === 0) continue
    leads++
    const first = firstPurchaseAt[r]!
    // NaN (never bought, never nurtured) fails every comparison.
    const isConverted = converts(optIn, first, window)
    const leadCost = acquisitionCostCents[r]!
    const readyAt = Ledger.salesReadyAtOf(c, r)
    const ready = isSalesReady(readyAt, isConverted, first)
    if (ready) {
      salesReadyDays[salesReady.leads++] = (readyAt - optIn) / Timestamp.MS_PER_DAY
      if (isConverted) salesReady.converted++
    }
    count(groupOf(channels, channel[r]!), r, leadCost, isConverted, ready)
    if (campaign[r]! !== Ledger.NONE) count(groupOf(campaigns, campaign[r]!), r, leadCost, isConverted, ready)
    if (!Number.isNaN(leadCost)) cost = (cost ?? 0) + leadCost
    if (nurtured(Ledger.firstNurturedAtOf(c, r), first)) {
      nurturedLeads.leads++
      if (isConverted) nurturedLeads.converted++
    }
    if (!isConverted) continue
    days[converted++] = (first - optIn) / Timestamp.MS_PER_DAY
    if (purchases[r]! >= 2) repeat++
    if (!Number.isNaN(firstReferralAt[r]!)) referred++
  }
  const named = (groups: (Counts | undefined)[]): Map<string, Group> => {
    const out = new Map<string, Group>()
    groups.forEach((g, key) => {
      if (g === undefined) return
      const revenue = new Map<string, number>()
      g.revenue.forEach((cents, i) => {
        if (g.paid[i] === 1) revenue.set(c.strings[i]!, cents)
      })
      for (const [name, cents] of g.more) revenue.set(name, (revenue.get(name) ?? 0) + cents)
      out.set(Ledger.stringAt(c, key) ?? '', {
        leads: g.leads,
        converted: g.converted,
        salesReady: g.salesReady,
        cost: g.cost,
        revenue,
      })
    })
    return out
  }
  return {
    leads,
    converted,
    repeat,
    referred,
    cost,
    nurtured: nurturedLeads,
    byChannel: named(channels),
    byCampaign: named(campaigns),
    days: days.subarray(0, converted),
    total,
    salesReady,
    salesReadyDays: salesReadyDays.subarray(0, salesReady.leads),
  }
}

/** `leads` from the ledger (pass the summary when it is already made). */
export const leads = (state: Ledger.State, sum: Summary = summarize(state)): Leads => {
  const counts = (groups: ReadonlyMap<string, Group>) => sorted([...groups].map(([k, t]) => [k, t.leads] as const))
  return {
    new: sum.leads,
    newByChannel: counts(sum.byChannel),
    newByCampaign: counts(sum.byCampaign),
    total: sum.total,
    costPerLeadCents: sum.cost === null ? null : Ledger.rate(sum.cost, sum.leads),
    cac: sum.cost === null ? null : Ledger.rate(sum.cost, sum.converted),
    salesReady: sum.salesReady.leads,
    medianDaysToSalesReady: median(sum.salesReadyDays),
  }
}

/** `conversion` from the ledger. */
export const conversion = (state: Ledger.State, sum: Summary = summarize(state)): Conversion => {
  const rates = (groups: ReadonlyMap<string, Group>) =>
    sorted([...groups].map(([k, t]) => [k, Ledger.rate(t.converted, t.leads)] as const))
  return {
    leadToCustomer: Ledger.rate(sum.converted, sum.leads),
    byChannel: rates(sum.byChannel),
    byCampaign: rates(sum.byCampaign),
    nurtured: Ledger.rate(sum.nurtured.converted, sum.nurtured.leads),
    unnurtured: Ledger.rate(sum.converted - sum.nurtured.converted, sum.leads - sum.nurtured.leads),
    medianDaysToConvert: median(sum.days),
    salesReady: Ledger.rate(sum.salesReady.converted, sum.salesReady.leads),
    notSalesReady: Ledger.rate(sum.converted - sum.salesReady.converted, sum.leads - sum.salesReady.leads),
  }
}

/** The funnel over L: optedIn, nurtured, converted, repeat, referred. */
export const funnel = (state: Ledger.State, sum: Summary = summarize(state)): readonly FunnelStep[] => {
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
