/**
 * The seven lifecycle events and their wire format (EVENTS.md): one JSON object per event,
 * unknown fields rejected, dates RFC 3339 decoded to UTC milliseconds, money in integer cents,
 * free-text fields and metadata values of 1 to 256 characters.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { cents, checkDecoded, isPlainObject, nonEmptyString, rule, stringMap, strictObject, text } from './Codecs.js'
import * as Currency from './Currency.js'
import * as DecodeError from './DecodeError.js'
import { CustomerIdCodec, deriveEventId, EventIdCodec, type EventId } from './Ids.js'
import * as Timestamp from './Timestamp.js'

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const literal = <L extends string>(value: L): t.Type<L, L, unknown> =>
  rule(value, `is not ${JSON.stringify(value)}`, (u): u is L => u === value)

const common = {
  customerId: CustomerIdCodec,
  occurredAt: Timestamp.codec,
}

const commonOptional = {
  eventId: EventIdCodec,
  metadata: stringMap,
}

/** The kinds of `Nurtured` touch. */
export const TOUCHES = ['email', 'sms', 'call', 'content', 'retargeting', 'event', 'other'] as const
/** A kind of nurture touch. */
export type Touch = (typeof TOUCHES)[number]

const touch = rule(
  'Touch',
  `is not one of ${TOUCHES.join(', ')}`,
  (u): u is Touch => typeof u === 'string' && (TOUCHES as readonly string[]).includes(u),
)

/** The kinds of satisfaction survey: Net Promoter Score (0 to 10) and CSAT (1 to 5). */
export const SURVEYS = ['nps', 'csat'] as const
/** A kind of satisfaction survey. */
export type Survey = (typeof SURVEYS)[number]

/** The scores each survey allows, inclusive. */
export const SCORE_RANGE: { readonly [S in Survey]: readonly [number, number] } = { nps: [0, 10], csat: [1, 5] }

const survey = rule(
  'Survey',
  `is not one of ${SURVEYS.join(', ')}`,
  (u): u is Survey => typeof u === 'string' && (SURVEYS as readonly string[]).includes(u),
)

const integer = rule(
  'Integer',
  'is not an integer',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
)

/** Money paid back: an integer > 0 of minor units. */
const positiveCents = rule(
  'PositiveCents',
  'is not an integer > 0 (money is integer minor units)',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u > 0,
)

/** Codec of `OptedIn`: a person became a lead through `channel`. */
export const OptedInCodec = strictObject(
  'OptedIn',
  { type: literal('OptedIn'), ...common, channel: text },
  { ...commonOptional, campaign: text, acquisitionCostCents: cents, referredBy: CustomerIdCodec },
)

/** Codec of `Nurtured`: a marketing touch to a lead or customer who consented. */
export const NurturedCodec = strictObject(
  'Nurtured',
  { type: literal('Nurtured'), ...common, touch },
  { ...commonOptional, campaign: text },
)

/** Codec of `Purchased`: an order, in integer minor units of one currency, of a product line. */
export const PurchasedCodec = strictObject(
  'Purchased',
  { type: literal('Purchased'), ...common, orderId: nonEmptyString(), amountCents: cents, currency: Currency.codec },
  { ...commonOptional, category: text },
)

/** Codec of `Refunded`: part or all of an earlier order paid back, in that order's currency. */
export const RefundedCodec = strictObject(
  'Refunded',
  {
    type: literal('Refunded'),
    ...common,
    orderId: nonEmptyString(),
    amountCents: positiveCents,
    currency: Currency.codec,
  },
  { ...commonOptional, reason: text },
)

/** Codec of `Referred`: the customer referred another person. */
export const ReferredCodec = strictObject(
  'Referred',
  { type: literal('Referred'), ...common, referredCustomerId: CustomerIdCodec },
  commonOptional,
)

const surveyFields = strictObject(
  'SurveyAnswered',
  { type: literal('SurveyAnswered'), ...common, survey, score: integer },
  { ...commonOptional, campaign: text },
)

/** The rule a score breaks for its survey (`is not an integer from 0 to 10 (nps)`), or null. */
const scoreRule = (kind: Survey, score: unknown): string | null => {
  const [min, max] = SCORE_RANGE[kind]
  return integer.is(score) && score >= min && score <= max ? null : `is not an integer from ${min} to ${max} (${kind})`
}

/**
 * Codec of `SurveyAnswered`: a satisfaction survey's answer, `score` 0 to 10 for `nps`, 1 to 5 for
 * `csat`; a score out of its survey's range is reported at `score`.
 */
export const SurveyAnsweredCodec = Object.assign(
  new t.Type<t.TypeOf<typeof surveyFields>, t.OutputOf<typeof surveyFields>, unknown>(
    'SurveyAnswered',
    (u): u is t.TypeOf<typeof surveyFields> => surveyFields.is(u) && scoreRule(u.survey, u.score) === null,
    (u, c) => {
      const fields = surveyFields.validate(u, c)
      // With a known survey, a bad score is reported against that survey's range.
      const kind = isPlainObject(u) && survey.is(u['survey']) ? u['survey'] : null
      const broken = kind === null || !isPlainObject(u) || u['score'] === undefined ? null : scoreRule(kind, u['score'])
      if (broken === null) return fields
      const score = (u as Record<string, unknown>)['score']
      const others = fields._tag === 'Left' ? fields.left.filter((e) => e.context.at(-1)?.key !== 'score') : []
      return t.failures([
        ...others,
        { value: score, context: t.appendContext(c, 'score', integer, score), message: broken },
      ])
    },
    surveyFields.encode,
  ),
  { required: surveyFields.required, optional: surveyFields.optional },
)

/** Codec of `Churned`: the customer left (cancelled, unsubscribed, went inactive). */
export const ChurnedCodec = strictObject(
  'Churned',
  { type: literal('Churned'), ...common },
  { ...commonOptional, reason: text },
)

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A person became a lead. */
export type OptedIn = t.TypeOf<typeof OptedInCodec>
/** A nurture touch. */
export type Nurtured = t.TypeOf<typeof NurturedCodec>
/** An order. */
export type Purchased = t.TypeOf<typeof PurchasedCodec>
/** Money paid back on an order. */
export type Refunded = t.TypeOf<typeof RefundedCodec>
/** A referral sent by the customer. */
export type Referred = t.TypeOf<typeof ReferredCodec>
/** A satisfaction survey's answer. */
export type SurveyAnswered = t.TypeOf<typeof SurveyAnsweredCodec>
/** The customer churned. */
export type Churned = t.TypeOf<typeof ChurnedCodec>

/** Any lifecycle event, as decoded from the wire. */
export type LifecycleEvent = OptedIn | Nurtured | Purchased | Refunded | Referred | SurveyAnswered | Churned
/** The wire (JSON) form of a lifecycle event. */
export type WireEvent = t.OutputOf<typeof codec>
/** The event type names, in lifecycle order. */
export type EventType = LifecycleEvent['type']
/** The event of a given type. */
export type EventOf<K extends EventType> = Extract<LifecycleEvent, { readonly type: K }>

/** Event type names in lifecycle order. */
export const EVENT_TYPES: readonly EventType[] = [
  'OptedIn',
  'Nurtured',
  'Purchased',
  'Refunded',
  'Referred',
  'SurveyAnswered',
  'Churned',
]

const codecs = {
  OptedIn: OptedInCodec,
  Nurtured: NurturedCodec,
  Purchased: PurchasedCodec,
  Refunded: RefundedCodec,
  Referred: ReferredCodec,
  SurveyAnswered: SurveyAnsweredCodec,
  Churned: ChurnedCodec,
} as const

const members = t.union([
  OptedInCodec,
  NurturedCodec,
  PurchasedCodec,
  RefundedCodec,
  ReferredCodec,
  SurveyAnsweredCodec,
  ChurnedCodec,
])

const isEventType = (u: unknown): u is EventType => typeof u === 'string' && Object.hasOwn(codecs, u)

/**
 * Codec of any lifecycle event. It dispatches on `type` so that a bad event is reported against
 * its own type's fields only (a plain union would report every member's mismatch).
 */
export const codec = new t.Type<LifecycleEvent, t.OutputOf<typeof members>, unknown>(
  'LifecycleEvent',
  // Only the codec of its own type can accept a value: that one alone is asked.
  (u): u is LifecycleEvent =>
    isPlainObject(u) && isEventType(u['type']) && (codecs[u['type']] as t.Type<LifecycleEvent, unknown, unknown>).is(u),
  (u, c) => {
    if (!isPlainObject(u)) return t.failure(u, c, 'is not a JSON object')
    const type = u['type']
    if (!isEventType(type)) {
      return t.failure(type, t.appendContext(c, 'type', members, type), `is not one of ${EVENT_TYPES.join(', ')}`)
    }
    return (codecs[type] as t.Type<LifecycleEvent, unknown, unknown>).validate(u, c)
  },
  members.encode,
)

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Decodes one wire event; the error lists every field that breaks a rule.
 *
 * @example
 * ```ts
 * const decoded = LifecycleEvent.decode(JSON.parse(line))
 * if (decoded._tag === 'Left') console.error(DecodeError.format(decoded.left))
 * else await log.append({ streamId: decoded.right.customerId, events: [decoded.right] })()
 * ```
 */
export const decode = (u: unknown): E.Either<DecodeError.DecodeError, LifecycleEvent> => {
  const result = codec.decode(u)
  return result._tag === 'Right' ? result : E.left(DecodeError.fromValidationErrors(result.left))
}

/** Encodes an event to its wire form (dates as RFC 3339 UTC with milliseconds). */
export const encode = (event: LifecycleEvent): WireEvent => codec.encode(event)

/** True when the value is a well-formed lifecycle event. */
export const is = (u: unknown): u is LifecycleEvent => codec.is(u)

/**
 * Checks a value that claims to be a decoded event (built in code, or passed by an untyped
 * caller): `null` when it is one, else every field that is wrong.
 */
export const check = (u: unknown): DecodeError.DecodeError | null => {
  if (codec.is(u)) return null
  if (!isPlainObject(u)) return DecodeError.single(DecodeError.ROOT, u, 'is not an object')
  const type = u['type']
  if (!isEventType(type)) return DecodeError.single('type', type, `is not one of ${EVENT_TYPES.join(', ')}`)
  const issues = checkDecoded(codecs[type], u, (field) =>
    field === Timestamp.codec ? 'is not a timestamp (integer UTC milliseconds)' : undefined,
  )
  if (issues.length === 0 && type === 'SurveyAnswered') {
    const answer = u as unknown as SurveyAnswered
    const broken = scoreRule(answer.survey, answer.score)
    if (broken !== null) issues.push({ path: 'score', value: answer.score, rule: broken })
  }
  return { _tag: 'DecodeError', issues }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The canonical content an event id is derived from: the wire form without `eventId` and
 * `metadata` (they are not the business fact), keys sorted, the instant in UTC milliseconds. Two
 * renderings of the same fact (`+02:00` or `Z`, fields in another order) give the same content.
 */
export const canonicalContent = (event: LifecycleEvent): string => {
  // A decoded event's fields are already in their wire form, but for the instant (kept in ms).
  // Each key's `["key",` is written once per type (CANONICAL_PREFIXES), not per event.
  const record = event as unknown as Record<string, unknown>
  const keys = CANONICAL_KEYS[event.type]
  const prefixes = CANONICAL_PREFIXES[event.type]
  let out = '['
  let first = true
  for (let i = 0; i < keys.length; i++) {
    const v = record[keys[i]!]
    if (v === undefined) continue
    out += `${first ? '' : ','}${prefixes[i]!}${typeof v === 'number' ? String(v) : JSON.stringify(v)}]`
    first = false
  }
  return `${out}]`
}

// Each type's fields in sorted order, without `eventId` and `metadata`: decoded events have no
// other fields (unknown fields are rejected), so this is the sorted key list of any of them.
const CANONICAL_KEYS: { readonly [K in EventType]: readonly string[] } = Object.fromEntries(
  Object.entries(codecs).map(([type, c]) => [
    type,
    [...Object.keys(c.required), ...Object.keys(c.optional)].filter((k) => k !== 'eventId' && k !== 'metadata').sort(),
  ]),
) as unknown as { readonly [K in EventType]: readonly string[] }

// `["key",` for each of CANONICAL_KEYS.
const CANONICAL_PREFIXES: { readonly [K in EventType]: readonly string[] } = Object.fromEntries(
  Object.entries(CANONICAL_KEYS).map(([type, keys]) => [type, keys.map((k) => `[${JSON.stringify(k)},`)]),
) as unknown as { readonly [K in EventType]: readonly string[] }

/** The fields proper to each type (not type, customerId, occurredAt, eventId, metadata), in declaration order. */
export const DATA_KEYS: { readonly [K in EventType]: readonly string[] } = Object.fromEntries(
  Object.entries(codecs).map(([type, c]) => [
    type,
    [...Object.keys(c.required), ...Object.keys(c.optional)].filter(
      (k) => !['type', 'customerId', 'occurredAt', 'eventId', 'metadata'].includes(k),
    ),
  ]),
) as unknown as { readonly [K in EventType]: readonly string[] }

/** The event's id: the one it carries, or the UUID v5 derived from its canonical content. */
export const idOf = (event: LifecycleEvent): EventId => event.eventId ?? deriveEventId(canonicalContent(event))

/** The event with its id made explicit (derived when it had none). */
export const withId = <A extends LifecycleEvent>(event: A): A & { readonly eventId: EventId } =>
  event.eventId !== undefined ? (event as A & { readonly eventId: EventId }) : { ...event, eventId: idOf(event) }
