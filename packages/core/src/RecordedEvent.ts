/**
 * A lifecycle event as stored in a log: the event plus its envelope (event id, stream version,
 * global position, recorded time). The stream id is the event's `customerId`.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { isPlainObject, rule } from './Codecs.js'
import * as DecodeError from './DecodeError.js'
import { EventIdCodec, type EventId } from './Ids.js'
import * as LifecycleEvent from './LifecycleEvent.js'
import * as Timestamp from './Timestamp.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Where an event stands in the whole log: 1 for the first event, strictly increasing. */
export type GlobalPosition = number

/** The envelope every stored event carries. */
export interface Envelope {
  /** The event's id (given, or derived from its content). */
  readonly eventId: EventId
  /** 1 for a customer's first event, then +1 per event of that customer. */
  readonly streamVersion: number
  /** The event's position in the whole log. */
  readonly globalPosition: GlobalPosition
  /** When the log stored it, UTC milliseconds. */
  readonly recordedAt: Timestamp.Timestamp
}

/**
 * A stored event: the lifecycle event's own fields and its envelope, flat, so a stored event is
 * also a `LifecycleEvent` and folds over either without copying.
 */
export type RecordedEvent<A extends LifecycleEvent.LifecycleEvent = LifecycleEvent.LifecycleEvent> = A & Envelope

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const positiveInt = (name: string) =>
  rule(name, 'is not an integer >= 1', (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 1)

const envelopeCodecs = {
  eventId: EventIdCodec,
  streamVersion: positiveInt('StreamVersion'),
  globalPosition: positiveInt('GlobalPosition'),
  recordedAt: Timestamp.codec,
} as const

/** The wire form of a stored event: the wire event plus the envelope fields. */
export type WireRecordedEvent = LifecycleEvent.WireEvent & {
  readonly eventId: string
  readonly streamVersion: number
  readonly globalPosition: number
  readonly recordedAt: string
}

/** Codec of a stored event (for exports, HTTP answers and storage as JSON). */
export const codec = new t.Type<RecordedEvent, WireRecordedEvent, unknown>(
  'RecordedEvent',
  (u): u is RecordedEvent =>
    isPlainObject(u) && Object.entries(envelopeCodecs).every(([k, c]) => c.is(u[k])) && LifecycleEvent.codec.is(u),
  (u, c) => {
    if (!isPlainObject(u)) return t.failure(u, c, 'is not a JSON object')
    const errors: t.ValidationError[] = []
    const envelope: Record<string, unknown> = {}
    const rest: Record<string, unknown> = { ...u }
    for (const [key, keyCodec] of Object.entries(envelopeCodecs)) {
      const value = u[key]
      delete rest[key]
      if (value === undefined) {
        errors.push({ value, context: t.appendContext(c, key, keyCodec, value), message: DecodeError.REQUIRED })
        continue
      }
      const result = (keyCodec as t.Type<unknown>).validate(value, t.appendContext(c, key, keyCodec, value))
      if (result._tag === 'Left') errors.push(...result.left)
      else envelope[key] = result.right
    }
    const event = LifecycleEvent.codec.validate(rest, c)
    if (event._tag === 'Left') errors.push(...event.left)
    if (errors.length > 0 || event._tag === 'Left') return t.failures(errors)
    return t.success({ ...event.right, ...envelope } as RecordedEvent)
  },
  (a) => {
    const { eventId, streamVersion, globalPosition, recordedAt, ...event } = a
    return {
      ...LifecycleEvent.encode(event),
      eventId,
      streamVersion,
      globalPosition,
      recordedAt: Timestamp.format(recordedAt),
    }
  },
)

/** Decodes a stored event from its wire form. */
export const decode = (u: unknown): E.Either<DecodeError.DecodeError, RecordedEvent> => {
  const result = codec.decode(u)
  return result._tag === 'Right' ? result : E.left(DecodeError.fromValidationErrors(result.left))
}

/** Encodes a stored event to its wire form. */
export const encode = (event: RecordedEvent): WireRecordedEvent => codec.encode(event)

/** The plain lifecycle event inside a stored one (envelope fields removed, id kept). */
export const toLifecycleEvent = (recorded: RecordedEvent): LifecycleEvent.LifecycleEvent => {
  const { streamVersion: _v, globalPosition: _p, recordedAt: _r, ...event } = recorded
  return event
}
