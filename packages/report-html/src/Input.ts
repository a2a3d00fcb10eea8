/**
 * What the page reads: the report of `@lifeline/projections` in the METRICS.md JSON shape.
 */
import type { Report, Trends } from '@lifeline/projections'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The report the page is drawn from. */
export type Input = Report.Report

/** One month of `trends` (METRICS.md, "Trends by month"). */
export type TrendMonth = Trends.TrendMonth
