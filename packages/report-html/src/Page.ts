/**
 * The report page: one self-contained HTML document. Its charts are inline SVG drawn at build
 * time; it loads nothing (a Content-Security-Policy forbids every request, and it has no script
 * to run), reads offline, prints, and fits a phone. The report itself is embedded as JSON
 * (`<script type="application/json" id="lifeline-report">`) for anyone who wants the numbers.
 */
import * as Html from './Html.js'
import type { Input } from './Input.js'
import * as Section from './Section.js'
import * as Channels from './sections/Channels.js'
import * as Churn from './sections/Churn.js'
import * as Cohorts from './sections/Cohorts.js'
import * as Funnel from './sections/Funnel.js'
import * as KeyFigures from './sections/KeyFigures.js'
import * as Lifecycle from './sections/Lifecycle.js'
import * as Revenue from './sections/Revenue.js'
import * as Satisfaction from './sections/Satisfaction.js'
import * as Tiers from './sections/Tiers.js'
import * as Trends from './sections/Trends.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The built-in sections, in page order. */
export const SECTIONS = [
  'key-figures',
  'trends',
  'funnel',
  'churn',
  'tiers',
  'cohorts',
  'lifecycle',
  'channels',
  'revenue',
  'satisfaction',
] as const

/** A built-in section's id. */
export type BuiltIn = (typeof SECTIONS)[number]

/** A section of the caller's, placed after a built-in one (or at the end). */
export interface Placed {
  readonly after?: BuiltIn
  readonly section: Section.Section
}

/** How to render the page. */
export interface Options {
  /** The page's title (default: `Lifeline report`). */
  readonly title?: string
  /**
   * More sections, such as predictive CLV (`lifeline clv`'s holdout, frequency and P(alive)
   * figures): each is placed after the built-in section it names, or at the end.
   */
  readonly sections?: readonly Placed[]
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const builtIn = (report: Input): ReadonlyMap<BuiltIn, Section.Section | null> =>
  new Map<BuiltIn, Section.Section | null>([
    ['key-figures', KeyFigures.section(report)],
    ['trends', Trends.section(report)],
    ['funnel', Funnel.section(report)],
    ['churn', Churn.section(report)],
    ['tiers', Tiers.section(report)],
    ['cohorts', Cohorts.section(report)],
    ['lifecycle', Lifecycle.section(report)],
    ['channels', Channels.section(report)],
    ['revenue', Revenue.section(report)],
    ['satisfaction', Satisfaction.section(report)],
  ])

/** The sections of the page in order: the built-in ones, each followed by the caller's placed after it. */
export const sections = (report: Input, options: Options = {}): Section.Section[] => {
  const placed = options.sections ?? []
  const out: Section.Section[] = []
  for (const [id, section] of builtIn(report)) {
    if (section !== null) out.push(section)
    for (const p of placed) if (p.after === id) out.push(p.section)
  }
  for (const p of placed) if (p.after === undefined) out.push(p.section)
  return out
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

/** The report as one HTML document. */
export const render = (report: Input, options: Options = {}): string => {
  const title = options.title ?? 'Lifeline report'
  const all = sections(report, options)
  const from = instant(report.period.from)
  const to = instant(report.period.to)
  const period = `${from} to ${to}`
  const settings = [
    report.options.inactivityDays === null ? null : `implicit churn after ${report.options.inactivityDays} days`,
    report.options.conversionWindowDays === null
      ? null
      : `conversion window ${report.options.conversionWindowDays} days`,
  ].filter((s) => s !== null)
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="color-scheme" content="light">` +
    `<title>${Html.escape(title)}: ${Html.escape(period)}</title><style>${CSS}</style></head><body>` +
    `<header><h1>${Html.escape(title)}</h1>` +
    `<p class="period">Period <time datetime="${Html.escape(report.period.from ?? '')}">${Html.escape(from)}</time> to <time datetime="${Html.escape(report.period.to ?? '')}">${Html.escape(to)}</time> (UTC, the end excluded)` +
    (settings.length === 0 ? '' : `; ${Html.escape(settings.join('; '))}`) +
    `</p>` +
    `<nav aria-label="Sections"><ul>${all.map((s) => `<li><a href="#${Html.escape(s.id)}">${Html.escape(s.title)}</a></li>`).join('')}</ul></nav></header>` +
    `<main>${all.map(Section.html).join('')}</main>` +
    `<footer><p>Made by Lifeline from its event log. Definitions: METRICS.md. Money is in each currency’s own units and never summed across currencies; “—” is a rate with no base. ` +
    `The report’s numbers are embedded in this file as JSON (the <code>script</code> element <code>lifeline-report</code>).</p></footer>` +
    `<script type="application/json" id="lifeline-report">${Html.json(report)}</script>` +
    `</body></html>\n`
  )
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** An instant of the report as a reader wants it: `2025-07-01` at midnight UTC, else `2025-07-01 13:05:00.250`. */
export const instant = (iso: string | null): string => {
  if (iso === null) return '—'
  const [date, time = ''] = iso.split('T')
  const clock = time.replace(/Z$/, '').replace(/\.000$/, '')
  return clock === '00:00:00' || clock === '' ? (date ?? iso) : `${date ?? ''} ${clock}`
}

const CSS = `
:root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--accent:#0b4f9c}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:20px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.3rem;margin:32px 0 4px;padding-top:12px;border-top:2px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 2px}
.period{color:var(--muted);margin:0 0 10px}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px 14px;font-size:.9rem}
nav a{color:var(--accent)}
.lead{color:var(--muted);margin:0 0 12px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px;margin:12px 0}
.figure{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:var(--soft)}
.figure dt{font-size:.85rem;color:var(--muted)}
.figure dd{margin:0;font-size:1.4rem;font-weight:600;font-variant-numeric:tabular-nums}
.figure .amount{white-space:nowrap}
.figure .currency{font-size:.8rem;font-weight:400;color:var(--muted)}
.figure dd.hint{font-size:.8rem;font-weight:400;color:var(--muted)}
figure.chart{margin:16px 0 28px;display:grid;grid-template-columns:minmax(0,1fr);gap:8px}
figure.chart figcaption p{margin:0;color:var(--muted);font-size:.9rem;max-width:75ch}
.plot{min-width:0;overflow-x:auto}
.plot>.legend svg{max-width:100%;height:auto}
.plot>svg{display:block;width:100%;max-width:max(640px,var(--width));height:auto;min-width:var(--min-width,0)}
.plot>div{margin-bottom:4px}
.note{font-size:.85rem;color:var(--muted);margin:0}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85rem;font-variant-numeric:tabular-nums;margin:0}
caption{text-align:left;font-size:.8rem;color:var(--muted);padding-bottom:2px}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
thead th{border-bottom:2px solid var(--line)}
.num{text-align:right}
footer{color:var(--muted);font-size:.85rem;padding:24px 20px 40px}
@media (min-width:1100px){
  figure.chart:not(.wide):not(.empty){grid-template-columns:minmax(0,640px) minmax(0,1fr);align-items:start}
  figure.chart:not(.wide):not(.empty)>figcaption{grid-column:1 / -1}
  figure.chart:not(.wide):not(.empty)>.note{grid-column:1}
  figure.chart:not(.wide):not(.empty)>.table-wrap{grid-column:2;grid-row:2 / span 2;max-height:480px;overflow:auto}
}
@media (max-width:600px){
  body{font-size:14px}
  header,main,footer{padding:0 12px}
  .figures{grid-template-columns:repeat(2,minmax(0,1fr))}
  .figure dd{font-size:1.1rem}
  .figure{padding:8px 10px}
}
@media print{
  nav{display:none}
  body{font-size:11pt}
  h2{break-after:avoid}
  figure.chart{break-inside:avoid}
  .table-wrap,figure.chart>.table-wrap{overflow:visible;max-height:none}
  a{color:inherit;text-decoration:none}
}
`
