/**
 * Identifiers: customer ids (the stream id of a customer's events) and event ids (UUIDs).
 */
import * as t from 'io-ts'
import { hash } from 'node:crypto'
import { codePointLength, nonEmptyString } from './Codecs.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The brand that tells a `CustomerId` from any other string. */
export interface CustomerIdBrand {
  readonly CustomerId: unique symbol
}
/** A customer's id, 1 to 256 characters; the id of the customer's event stream. */
export type CustomerId = t.Branded<string, CustomerIdBrand>

/** The brand that tells an `EventId` from any other string. */
export interface EventIdBrand {
  readonly EventId: unique symbol
}
/** An event id: a UUID in canonical lower-case form. */
export type EventId = t.Branded<string, EventIdBrand>

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** Codec for a customer id: a string of 1 to 256 characters. */
export const CustomerIdCodec = t.brand(
  nonEmptyString(256),
  (s): s is CustomerId => s.length > 0 && (s.length <= 256 || codePointLength(s) <= 256),
  'CustomerId',
)

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Codec for an event id: any UUID, decoded to lower case. */
export const EventIdCodec = new t.Type<EventId, string, unknown>(
  'EventId',
  (u): u is EventId => typeof u === 'string' && LOWER_UUID.test(u),
  (u, c) =>
    typeof u === 'string' && UUID.test(u) ? t.success(u.toLowerCase() as EventId) : t.failure(u, c, 'is not a UUID'),
  t.identity,
)

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A customer id from a trusted literal (tests, examples); throws when it breaks the rule. */
export const customerId = (s: string): CustomerId => {
  if (!CustomerIdCodec.is(s)) throw new RangeError(`${JSON.stringify(s)} is not a customer id of 1 to 256 characters`)
  return s
}

/** An event id from a trusted literal; throws when it is not a UUID. */
export const eventId = (s: string): EventId => {
  const result = EventIdCodec.decode(s)
  if (result._tag === 'Left') throw new RangeError(`${JSON.stringify(s)} is not a UUID`)
  return result.right
}

/** The namespace of Lifeline's derived (UUID v5) event ids. */
export const EVENT_ID_NAMESPACE = '5f1c2a8e-7d4b-4c1e-9a36-2b7e0c9d4f11'

const NAMESPACE_BYTES = Buffer.from(EVENT_ID_NAMESPACE.replace(/-/g, ''), 'hex')

// The namespace, then the name's UTF-8 bytes: one buffer reused by every call, grown as needed.
let named = Buffer.alloc(1024)
NAMESPACE_BYTES.copy(named)

/**
 * A deterministic UUID v5 (RFC 9562: SHA-1 of the namespace and the name, version 5, variant
 * 10) for the given canonical content: the same content always gives the same id, so importing
 * the same events twice appends nothing the second time. Node's one-shot SHA-1 is used on one
 * reused buffer: the uuid package's v5 (and a hash object per call) did the same hashing with
 * extra copies and allocations per call, a measurable share of an import.
 */
export const deriveEventId = (canonicalContent: string): EventId => {
  const most = NAMESPACE_BYTES.length + 3 * canonicalContent.length
  if (named.length < most) {
    named = Buffer.alloc(2 * most)
    NAMESPACE_BYTES.copy(named)
  }
  const length = NAMESPACE_BYTES.length + named.write(canonicalContent, NAMESPACE_BYTES.length, 'utf8')
  const h = hash('sha1', named.subarray(0, length), 'buffer')
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.toString('hex', 0, 16)
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}` as EventId
}
