/**
 * HTML text: escaping, and the few elements every section writes (tables, figures). Every value
 * that reaches the page goes through `escape` (or `json`, for the embedded report).
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A table cell: text (escaped), or `{ html }` already escaped, optionally right-aligned (numbers). */
export type Cell = string | { readonly html: string } | { readonly num: string }

/** A table: a caption, a header row and body rows. */
export interface Table {
  readonly caption: string
  readonly head: readonly string[]
  readonly rows: readonly (readonly Cell[])[]
  /** The first column names its row (a `th` with scope row). Default: true. */
  readonly rowHeaders?: boolean
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text made safe for HTML element content and quoted attribute values. */
export const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!)

/**
 * A value as JSON for an inline `<script type="application/json">`: `<`, `>`, `&` and the line
 * separators are written as \u escapes, so that no `</script>` or `<!--` can end or change it.
 */
export const json = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** An id for an element from free text: lowercase letters, digits and dashes. */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

const cell = (c: Cell, tag: 'td' | 'th', scope = ''): string => {
  if (typeof c === 'string') return `<${tag}${scope}>${escape(c)}</${tag}>`
  if ('html' in c) return `<${tag}${scope}>${c.html}</${tag}>`
  return `<${tag}${scope} class="num">${escape(c.num)}</${tag}>`
}

/** A table in a scrolling wrapper (wide tables scroll on a phone instead of overflowing the page). */
export const table = (t: Table): string => {
  const rowHeaders = t.rowHeaders ?? true
  const head = `<thead><tr>${t.head.map((h, i) => `<th scope="col"${i === 0 ? '' : ' class="num"'}>${escape(h)}</th>`).join('')}</tr></thead>`
  const body = t.rows
    .map(
      (row) =>
        `<tr>${row.map((c, i) => (i === 0 && rowHeaders ? cell(c, 'th', ' scope="row"') : cell(c, 'td'))).join('')}</tr>`,
    )
    .join('')
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${escape(t.caption)}"><table><caption>${escape(t.caption)}</caption>${head}<tbody>${body}</tbody></table></div>`
}
