/**
 * A section of the page: a heading, an optional lead sentence and its figures. The page is a list
 * of sections; callers add their own (the predictive CLV section of `lifeline clv` is one) with
 * `Page.render`'s `sections` option, placed after a named built-in section.
 */
import * as Html from './Html.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One section of the page. */
export interface Section {
  /** The element id (and the table of contents' link): letters, digits and dashes. */
  readonly id: string
  readonly title: string
  /** A sentence under the heading saying what the section shows; plain text. */
  readonly lead?: string
  /** The section's figures and tables, as HTML (build them with `Chart.figure` and `Html.table`). */
  readonly body: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A section. */
export const make = (id: string, title: string, body: string, lead?: string): Section =>
  lead === undefined ? { id: Html.slug(id), title, body } : { id: Html.slug(id), title, body, lead }

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** A section as HTML. */
export const html = (s: Section): string =>
  `<section id="${Html.escape(s.id)}" aria-labelledby="${Html.escape(s.id)}-h"><h2 id="${Html.escape(s.id)}-h">${Html.escape(s.title)}</h2>` +
  (s.lead === undefined ? '' : `<p class="lead">${Html.escape(s.lead)}</p>`) +
  `${s.body}</section>`
