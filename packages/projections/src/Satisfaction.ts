/**
 * Net Promoter Score and customer satisfaction from survey answers (METRICS.md, "Satisfaction"):
 * each customer's latest answer of each kind in [from, to) counts.
 */
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as Tiers from './Tiers.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** `satisfaction.nps`: customers by their latest NPS score (0 to 10). */
export interface Nps {
  readonly responses: number
  /** Latest score 9 or 10. */
  readonly promoters: number
  /** 7 or 8. */
  readonly passives: number
  /** 0 to 6. */
  readonly detractors: number
  /** `100 * (promoters - detractors) / responses`, from -100 to 100; null without responses. */
  readonly score: number | null
}

/** `satisfaction.csat`: customers by their latest CSAT score (1 to 5). */
export interface Csat {
  readonly responses: number
  /** Latest score 4 or 5. */
  readonly satisfied: number
  /** `satisfied / responses`. */
  readonly rate: number | null
}

/** `satisfaction` in the report. */
export interface Satisfaction {
  readonly nps: Nps
  readonly csat: Csat
  /** The NPS `score` over the customers of each tier at `to`; null when none of them answered. */
  readonly npsByTier: Readonly<Record<Tiers.ReportedTier, number | null>>
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The NPS of counts of promoters, passives and detractors. */
export const nps = (promoters: number, passives: number, detractors: number): Nps => {
  const responses = promoters + passives + detractors
  const share = Ledger.rate(promoters - detractors, responses)
  return { responses, promoters, passives, detractors, score: share === null ? null : 100 * share }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** `satisfaction` from the ledger. */
export const satisfaction = (state: Ledger.State): Satisfaction => {
  const c = state.customers
  let promoters = 0
  let passives = 0
  let detractors = 0
  let csat = 0
  let satisfied = 0
  // Promoters, passives and detractors by tier code at `to`, three per tier.
  const byTier = new Float64Array(Tiers.ORDER.length * 3)
  const { atTo } = Tiers.reader(state)
  for (let r = 0; r < c.size; r++) {
    const n = Ledger.npsOf(c, r)
    if (n >= 0) byTier[atTo(r) * 3 + (n >= 9 ? 0 : n >= 7 ? 1 : 2)]!++
    if (n >= 9) promoters++
    else if (n >= 7) passives++
    else if (n >= 0) detractors++
    const s = Ledger.csatOf(c, r)
    if (s !== Ledger.NONE) {
      csat++
      if (s >= 4) satisfied++
    }
  }
  return {
    nps: nps(promoters, passives, detractors),
    csat: { responses: csat, satisfied, rate: Ledger.rate(satisfied, csat) },
    npsByTier: Object.fromEntries(
      Tiers.REPORTED.map((tier) => {
        const t = Tiers.ORDER.indexOf(tier) * 3
        return [tier, nps(byTier[t]!, byTier[t + 1]!, byTier[t + 2]!).score]
      }),
    ) as Record<Tiers.ReportedTier, number | null>,
  }
}

// -------------------------------------------------------------------------------------
// folds
// -------------------------------------------------------------------------------------

/** `satisfaction` as a fold over the given ledger. */
export const fold = (ledger: Fold.Fold<Ledger.State, Ledger.State>) => Fold.map(satisfaction)(ledger)
