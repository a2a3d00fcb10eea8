/**
 * ISO 4217 currency codes.
 */
import * as t from 'io-ts'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An ISO 4217 currency code: three upper-case letters, e.g. `USD`, `EUR`. */
export type Currency = string

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

// The codes known to the runtime's ICU data (Node ships full ICU): current and historic ISO 4217
// codes. Unknown three-letter strings such as `ABC` are rejected.
const known: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'))

/** True for a known ISO 4217 code. */
export const isCurrency = (u: unknown): u is Currency => typeof u === 'string' && /^[A-Z]{3}$/.test(u) && known.has(u)

/** Codec for an ISO 4217 currency code. */
export const codec = new t.Type<Currency, Currency, unknown>(
  'Currency',
  isCurrency,
  (u, c) =>
    isCurrency(u) ? t.success(u) : t.failure(u, c, 'is not an ISO 4217 currency code (three upper-case letters)'),
  t.identity,
)
