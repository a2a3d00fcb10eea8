/**
 * Identifiers: customer ids (the stream id of a customer's events) and event ids (UUIDs).
 */
import * as t from 'io-ts'
import { v5 as uuidv5 } from 'uuid'
import { codePointLength, nonEmptyString } from './Codecs.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export interface CustomerIdBrand {
  readonly CustomerId: unique symbol
}
/** A customer's id, 1 to 256 characters; the id of the customer's event stream. */
export type CustomerId = t.Branded<string, CustomerIdBrand>

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
  (s): s is CustomerId => s.length > 0 && codePointLength(s) <= 256,
  'CustomerId',
)

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** Codec for an event id: any UUID, decoded to lower case. */
export const EventIdCodec = new t.Type<EventId, string, unknown>(
  'EventId',
  (u): u is EventId => typeof u === 'string' && UUID.test(u) && u === u.toLowerCase(),
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

const encoder = new TextEncoder()
const NAMESPACE_BYTES = Uint8Array.from(
  EVENT_ID_NAMESPACE.replace(/-/g, '')
    .match(/../g)!
    .map((h) => parseInt(h, 16)),
)

/**
 * A deterministic UUID v5 for the given canonical content: the same content always gives the
 * same id, so importing the same events twice appends nothing the second time.
 */
export const deriveEventId = (canonicalContent: string): EventId =>
  // uuid's v5 takes bytes too; encoding here skips its slow character-by-character conversion.
  uuidv5(encoder.encode(canonicalContent), NAMESPACE_BYTES) as EventId
