/**
 * What the page reads: the report of `@lifeline/projections` in the METRICS.md JSON shape.
 */
import type { Money, Report, Trends } from '@lifeline/projections'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One month of `trends` (METRICS.md, "Trends by month"). */
export type TrendMonth = Trends.TrendMonth

/** METRICS.md figures that the projections do not report yet (issue 10's metrics). */
export interface Later {
  readonly refunds: { readonly count: number; readonly orderRate: number | null }
  readonly satisfaction: {
    readonly nps: {
      readonly responses: number
      readonly promoters: number
      readonly passives: number
      readonly detractors: number
      readonly score: number | null
    }
    readonly csat: { readonly responses: number; readonly satisfied: number; readonly rate: number | null }
  }
}

/** The report the page is drawn from. */
export type Input = Report.Report & Partial<Later>

/** `revenue` with the net and category figures of METRICS.md, when the report has them. */
export const revenue = (
  r: Input,
): Input['revenue'] & {
  readonly refundedCents?: Money.PerCurrency
  readonly netCents?: Money.PerCurrency
  readonly byCategory?: Readonly<Record<string, Money.PerCurrency>>
} => r.revenue

/** `churn` with `byReason`, when the report has it. */
export const churn = (r: Input): Input['churn'] & { readonly byReason?: Readonly<Record<string, number>> } => r.churn

/** A cohort's lifetime value curves, when the report has them. */
export const ltv = (c: Input['cohorts'][number]): Money.PerCurrency<readonly number[]> | undefined =>
  (c as { netRevenuePerCustomerCents?: Money.PerCurrency<readonly number[]> }).netRevenuePerCustomerCents
