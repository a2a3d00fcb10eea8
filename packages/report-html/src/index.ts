/**
 * @lifeline/report-html: Lifeline's report as one self-contained HTML page, its charts drawn at
 * build time (Observable Plot) as inline SVG.
 */
export * as ClvSection from './sections/Clv.js'
export * as Format from './Format.js'
export * as Html from './Html.js'
export * as Page from './Page.js'
export * as Section from './Section.js'
export type { Input, TrendMonth } from './Input.js'
