/**
 * Readable decode failures: every issue names the field path, the bad value and the rule broken,
 * e.g. `occurredAt: "2025-13-01" is not an RFC 3339 date-time`.
 */
import type * as t from 'io-ts'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One broken rule: where, what value, which rule. `value` is `undefined` for a missing field. */
export interface Issue {
  readonly path: string
  readonly value: unknown
  readonly rule: string
}

/** A value that failed to decode, with every issue found (not just the first). */
export interface DecodeError {
  readonly _tag: 'DecodeError'
  readonly issues: readonly Issue[]
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Builds a DecodeError from io-ts validation errors. */
export const fromValidationErrors = (errors: t.Errors): DecodeError => ({
  _tag: 'DecodeError',
  issues: errors.map(toIssue),
})

/** Builds a DecodeError from one issue. */
export const single = (path: string, value: unknown, rule: string): DecodeError => ({
  _tag: 'DecodeError',
  issues: [{ path, value, rule }],
})

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Renders a value for an error line: JSON, cut to 80 characters. */
export const renderValue = (value: unknown): string => {
  if (value === undefined) return 'missing'
  let text: string
  try {
    // JSON.stringify gives undefined for functions and symbols, and throws on bigint and cycles.
    text = JSON.stringify(value) ?? `(${typeof value})`
  } catch {
    text = `(${typeof value})`
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** One line for one issue: `path: value rule`, or `path: missing, required` for an absent field. */
export const formatIssue = (issue: Issue): string =>
  issue.value === undefined && issue.rule === REQUIRED
    ? `${issue.path}: missing, ${REQUIRED}`
    : `${issue.path}: ${renderValue(issue.value)} ${issue.rule}`

/**
 * All issues of an error, one per line (as docs/events.md shows them).
 *
 * @example
 * ```ts
 * const decoded = LifecycleEvent.decode(JSON.parse(line))
 * if (decoded._tag === 'Left') console.error(DecodeError.format(decoded.left))
 * ```
 */
export const format = (error: DecodeError): string => error.issues.map(formatIssue).join('\n')

/** All issues of an error on one line, joined by `; `: for logs and one-line error messages. */
export const formatInline = (error: DecodeError): string => error.issues.map(formatIssue).join('; ')

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The rule text used for a required field that is absent. */
export const REQUIRED = 'a value is required'

/** The path of the root value, when the whole value is wrong. */
export const ROOT = '(event)'

const toIssue = (error: t.ValidationError): Issue => {
  const keys = error.context.map((entry) => entry.key).filter((key) => key !== '')
  const last = error.context[error.context.length - 1]
  return {
    path: keys.length === 0 ? ROOT : keys.join('.'),
    value: error.value,
    rule: error.message ?? `is not a valid ${last?.type.name ?? 'value'}`,
  }
}
