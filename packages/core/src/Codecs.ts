/**
 * Small io-ts building blocks whose failures carry a readable rule: strict objects that reject
 * unknown fields, non-empty strings, non-negative integer cents, string maps.
 */
import * as t from 'io-ts'
import { REQUIRED, ROOT, type Issue } from './DecodeError.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A refinement of `unknown` with a fixed rule text used in its failure message. */
export const rule = <A>(name: string, ruleText: string, guard: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(name, guard, (u, c) => (guard(u) ? t.success(u) : t.failure(u, c, ruleText)), t.identity)

/** A string of 1 to `maxLength` characters (Unicode code points). */
export const nonEmptyString = (maxLength = Number.MAX_SAFE_INTEGER): t.Type<string, string, unknown> =>
  rule(
    'NonEmptyString',
    maxLength === Number.MAX_SAFE_INTEGER
      ? 'is not a non-empty string'
      : `is not a string of 1 to ${maxLength} characters`,
    (u): u is string =>
      typeof u === 'string' && u.length > 0 && (u.length <= maxLength || codePointLength(u) <= maxLength),
  )

/** Any string. */
export const string: t.Type<string, string, unknown> = rule(
  'string',
  'is not a string',
  (u): u is string => typeof u === 'string',
)

/** An integer >= 0 within the safe integer range: money in minor units. */
export const cents: t.Type<number, number, unknown> = rule(
  'Cents',
  'is not an integer >= 0 (money is integer minor units)',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
)

/** The longest free-text field (`channel`, `campaign`, `category`, `reason`) and metadata value. */
export const MAX_TEXT = 256

/** The most keys a `metadata` object may hold. */
export const MAX_METADATA_KEYS = 32

const TEXT_RULE = `is not a string of 1 to ${MAX_TEXT} characters`

/** A free-text field: a string of 1 to 256 characters (EVENTS.md, "Limits"). */
export const text: t.Type<string, string, unknown> = nonEmptyString(MAX_TEXT)

/**
 * Event metadata: a plain object of at most 32 keys whose values are strings of 1 to 256
 * characters. A bad value is reported at its own path (`metadata.source`).
 */
export const stringMap: t.Type<
  Readonly<Record<string, string>>,
  Readonly<Record<string, string>>,
  unknown
> = new t.Type<Readonly<Record<string, string>>, Readonly<Record<string, string>>, unknown>(
  'Metadata',
  (u): u is Readonly<Record<string, string>> => {
    if (!isPlainObject(u)) return false
    let keys = 0
    for (const key in u) {
      if (!Object.hasOwn(u, key)) continue
      if (++keys > MAX_METADATA_KEYS || !text.is(u[key])) return false
    }
    return true
  },
  (u, c) => {
    if (!isPlainObject(u)) return t.failure(u, c, 'is not an object of string values')
    const keys = Object.keys(u)
    if (keys.length > MAX_METADATA_KEYS) {
      return t.failure(u, c, `has ${keys.length} keys, more than the ${MAX_METADATA_KEYS} allowed`)
    }
    const errors: t.ValidationError[] = []
    for (const key of keys) {
      const value = u[key]
      if (!text.is(value)) {
        errors.push({ value, context: t.appendContext(c, key, text, value), message: TEXT_RULE })
      }
    }
    return errors.length > 0 ? t.failures(errors) : t.success(u as Readonly<Record<string, string>>)
  },
  t.identity,
)

/** Output type of a strict object codec: required props, plus optional props that may be absent. */
/** Decoded type of a strict object codec: the required props, and the optional ones. */
export type StrictType<R extends t.Props, O extends t.Props> = {
  readonly [K in keyof R]: t.TypeOf<R[K]>
} & {
  readonly [K in keyof O]?: t.TypeOf<O[K]>
}

/** Encoded type of a strict object codec. */
export type StrictOutput<R extends t.Props, O extends t.Props> = {
  readonly [K in keyof R]: t.OutputOf<R[K]>
} & {
  readonly [K in keyof O]?: t.OutputOf<O[K]>
}

/** A strict object codec, with the props it was built from (to check decoded values field by field). */
export interface StrictObject<R extends t.Props, O extends t.Props> extends t.Type<
  StrictType<R, O>,
  StrictOutput<R, O>,
  unknown
> {
  readonly required: R
  readonly optional: O
}

/**
 * Checks an already-decoded value field by field (`is` of each field's codec), for values built
 * in code rather than decoded. `domainRule` gives the rule text of codecs whose decoded form
 * differs from their wire form (a timestamp is a number once decoded).
 */
export const checkDecoded = (
  shape: { readonly name: string; readonly required: t.Props; readonly optional: t.Props },
  u: unknown,
  domainRule: (codec: t.Mixed) => string | undefined,
): Issue[] => {
  if (!isPlainObject(u)) return [{ path: ROOT, value: u, rule: 'is not an object' }]
  const issues: Issue[] = []
  const known = new Set([...Object.keys(shape.required), ...Object.keys(shape.optional)])
  for (const key of Object.keys(u)) {
    if (!known.has(key) && u[key] !== undefined)
      issues.push({ path: key, value: u[key], rule: `is not a field of ${shape.name}` })
  }
  const field = (key: string, codec: t.Mixed, required: boolean): void => {
    const value = u[key]
    if (value === undefined) {
      if (required) issues.push({ path: key, value, rule: REQUIRED })
      return
    }
    if (codec.is(value)) return
    const validated = codec.validate(value, [])
    const rule = domainRule(codec) ?? (validated._tag === 'Left' ? validated.left[0]?.message : undefined)
    issues.push({ path: key, value, rule: rule ?? `is not a valid ${codec.name}` })
  }
  for (const [key, codec] of Object.entries(shape.required)) field(key, codec, true)
  for (const [key, codec] of Object.entries(shape.optional)) field(key, codec, false)
  return issues
}

/**
 * An object codec that rejects unknown fields (io-ts `exact` only strips them) and reports
 * every bad, missing or unknown field at once.
 */
export const strictObject = <R extends t.Props, O extends t.Props>(
  name: string,
  required: R,
  optional: O,
): StrictObject<R, O> => {
  const requiredKeys = Object.keys(required)
  const optionalKeys = Object.keys(optional)
  const known = new Set([...requiredKeys, ...optionalKeys])
  const is = (u: unknown): u is StrictType<R, O> => {
    if (!isPlainObject(u)) return false
    for (const key of Object.keys(u)) if (!known.has(key) && u[key] !== undefined) return false
    for (const key of requiredKeys) if (!required[key]!.is(u[key])) return false
    for (const key of optionalKeys) if (u[key] !== undefined && !optional[key]!.is(u[key])) return false
    return true
  }
  const codec = new t.Type<StrictType<R, O>, StrictOutput<R, O>, unknown>(
    name,
    is,
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, 'is not a JSON object')
      const errors: t.ValidationError[] = []
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(u)) {
        if (!known.has(key) && u[key] !== undefined) {
          errors.push({
            value: u[key],
            context: t.appendContext(c, key, t.unknown, u[key]),
            message: `is not a field of ${name}`,
          })
        }
      }
      for (const key of requiredKeys) {
        const codec = required[key]!
        const value = u[key]
        if (value === undefined) {
          errors.push({ value, context: t.appendContext(c, key, codec, value), message: REQUIRED })
          continue
        }
        const result = codec.validate(value, t.appendContext(c, key, codec, value))
        if (result._tag === 'Left') errors.push(...result.left)
        else out[key] = result.right
      }
      for (const key of optionalKeys) {
        const value = u[key]
        if (value === undefined) continue
        const codec = optional[key]!
        const result = codec.validate(value, t.appendContext(c, key, codec, value))
        if (result._tag === 'Left') errors.push(...result.left)
        else out[key] = result.right
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as StrictType<R, O>)
    },
    (a) => {
      const out: Record<string, unknown> = {}
      const record = a as Record<string, unknown>
      for (const key of requiredKeys) out[key] = required[key]!.encode(record[key])
      for (const key of optionalKeys) {
        if (record[key] !== undefined) out[key] = optional[key]!.encode(record[key])
      }
      return out as StrictOutput<R, O>
    },
  )
  return Object.assign(codec, { required, optional })
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** True for a non-null, non-array object. */
export const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/** Length in Unicode code points (what a person counts as characters). */
export const codePointLength = (s: string): number => {
  // Fast path: UTF-16 length bounds the code point count from above.
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdbff) n++
    else {
      n++
      i++
    }
  }
  return n
}
