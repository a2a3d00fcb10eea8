/**
 * Charts drawn at build time by Observable Plot, as inline SVG: Plot lays out scales, axes and
 * marks in a server-side DOM (linkedom) and the SVG is serialized into the page, so the page
 * needs no script, font or library when it is viewed. Each chart carries an accessible name and
 * description (`role="img"`, `<title>`, `<desc>`) and is always shown with its numbers as a table.
 */
import * as Plot from '@observablehq/plot'
import { parseHTML } from 'linkedom'
import * as Axis from './Axis.js'
import * as Html from './Html.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What a chart says about itself: its name and what it shows, for screen readers and print. */
export interface Labels {
  /** Stable name of the chart, for links and tests: `data-chart` on its figure. */
  readonly id: string
  readonly title: string
  /** One or two sentences: what is drawn, on which axes, in which units. */
  readonly description: string
}

/** A drawn chart: its SVG markup (and color legend, if any) and its labels. */
export interface Chart extends Labels {
  readonly svg: string
  readonly legend: string
  /** The width it was drawn at, pixels. */
  readonly width: number
}

/** Plot's options, without the DOM (supplied here) and the ARIA labels (taken from `Labels`). */
export type Spec = Omit<Plot.PlotOptions, 'document' | 'ariaLabel' | 'ariaDescription' | 'title' | 'caption'> & {
  /** Draw the color scale's legend above the chart. */
  readonly colorLegend?: boolean
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** linkedom's document (its own type: the page's declarations need no DOM library). */
type ServerDocument = ReturnType<typeof parseHTML>['document']
let dom: ServerDocument | null = null
/** One server-side document for every chart: Plot only creates elements in it. */
const document = (): ServerDocument => (dom ??= parseHTML('<!doctype html><html><body></body></html>').document)

/** Shared look: the page's font, readable sizes, no background (the page's shows through). */
/** The width charts are drawn at; the page scales them to its column (and to a phone's width). */
export const WIDTH = 520

const STYLE = { fontSize: '13px', fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' }

/** A quantitative axis (no type, no domain of names) gets `Axis.number` ticks unless it has its own. */
const numberTicks = (scale: Plot.ScaleOptions | undefined): Plot.ScaleOptions => {
  if (scale === undefined) return { tickFormat: Axis.number }
  const named = Array.isArray(scale.domain) && scale.domain.some((d) => typeof d === 'string')
  return scale.type !== undefined || named || scale.tickFormat !== undefined
    ? scale
    : { ...scale, tickFormat: Axis.number }
}

/** Draws a chart: Plot's SVG with `role="img"`, a `<title>` and a `<desc>` as its first children. */
export const draw = (labels: Labels, spec: Spec): Chart => {
  const { colorLegend, ...options } = spec
  const doc = document()
  const svg = Plot.plot({
    width: WIDTH,
    ...options,
    x: numberTicks(options.x),
    y: numberTicks(options.y),
    style: { ...STYLE, ...(typeof options.style === 'object' ? options.style : {}) },
    document: doc,
    ariaLabel: labels.title,
    ariaDescription: labels.description,
  })
  svg.setAttribute('role', 'img')
  const ns = 'http://www.w3.org/2000/svg'
  const title = doc.createElementNS(ns, 'title')
  title.textContent = labels.title
  const desc = doc.createElementNS(ns, 'desc')
  desc.textContent = labels.description
  svg.insertBefore(desc, svg.firstChild)
  svg.insertBefore(title, svg.firstChild)
  // A stepped scale's legend is a ramp: wide enough for a label per step.
  const ramp = svg.scale('color')?.type === 'threshold' ? { width: 360 } : {}
  const legend = colorLegend === true ? svg.legend('color', { style: STYLE, ...ramp })?.outerHTML : undefined
  return { ...labels, svg: svg.outerHTML, legend: legend ?? '', width: options.width ?? WIDTH }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** How a figure is laid out. */
export interface Layout {
  /** A sentence under the chart (HTML): what a mark or a sign means. */
  readonly note?: string
  /** The table is wide (a column per month): always under the chart, never beside it. */
  readonly wide?: boolean
  /**
   * Narrowest the chart is shown, in pixels: on a narrower screen it scrolls sideways instead of
   * shrinking (for charts with many columns, such as the cohort heatmap). Default: shrinks to fit.
   */
  readonly minWidth?: number
}

/** A chart as a figure: heading, description, legend, the SVG, then its numbers as a table. */
export const figure = (chart: Chart, numbers: Html.Table | null, layout: Layout = {}): string =>
  `<figure class="chart${layout.wide === true ? ' wide' : ''}" id="${Html.escape(chart.id)}" data-chart="${Html.escape(chart.id)}">` +
  `<figcaption><h3>${Html.escape(chart.title)}</h3><p>${Html.escape(chart.description)}</p></figcaption>` +
  `<div class="plot" style="--width:${chart.width}px${layout.minWidth === undefined ? '' : `;--min-width:${Math.round(layout.minWidth)}px`}">${chart.legend === '' ? '' : `<div class="legend">${chart.legend}</div>`}${chart.svg}</div>` +
  (layout.note === undefined || layout.note === '' ? '' : `<p class="note">${layout.note}</p>`) +
  (numbers === null ? '' : Html.table(numbers)) +
  `</figure>`

/** A figure with no chart to draw (no data in the period): the heading and a sentence saying so. */
export const empty = (labels: Labels, why: string): string =>
  `<figure class="chart empty" id="${Html.escape(labels.id)}" data-chart="${Html.escape(labels.id)}">` +
  `<figcaption><h3>${Html.escape(labels.title)}</h3></figcaption><p class="note">${Html.escape(why)}</p></figure>`
