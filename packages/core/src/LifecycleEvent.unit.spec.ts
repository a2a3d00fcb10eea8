import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as LifecycleEvent from './LifecycleEvent.js'
import { Arbitraries } from './testing/index.js'

const errorsOf = (u: unknown): string[] => {
  const result = LifecycleEvent.decode(u)
  if (result._tag === 'Right') throw new Error(`expected a decode error for ${JSON.stringify(u)}`)
  return result.left.issues.map(DecodeError.formatIssue)
}

const purchase = {
  type: 'Purchased',
  customerId: 'c-1',
  occurredAt: '2025-01-03T12:00:00+02:00',
  orderId: 'o-1',
  amountCents: 1999,
  currency: 'EUR',
}

const refund = {
  type: 'Refunded',
  customerId: 'c-1',
  occurredAt: '2025-01-05T09:00:00Z',
  orderId: 'o-1',
  amountCents: 500,
  currency: 'EUR',
}

const answer = {
  type: 'SurveyAnswered',
  customerId: 'c-1',
  occurredAt: '2025-01-06T09:00:00Z',
  survey: 'nps',
  score: 9,
}

describe('LifecycleEvent codec', () => {
  it('decodes a purchase with a zone offset to UTC milliseconds', () => {
    expect(LifecycleEvent.decode(purchase)).toEqual({
      _tag: 'Right',
      right: { ...purchase, occurredAt: Date.UTC(2025, 0, 3, 10, 0, 0) },
    })
  })

  it('decodes every event type with its optional fields', () => {
    const events = [
      {
        type: 'OptedIn',
        customerId: 'a',
        occurredAt: '2025-01-01T00:00:00Z',
        channel: 'webinar',
        campaign: 'q1',
        acquisitionCostCents: 1200,
        referredBy: 'b',
        metadata: { source: 'crm' },
      },
      { type: 'Nurtured', customerId: 'a', occurredAt: '2025-01-02T00:00:00Z', touch: 'sms', campaign: 'q1' },
      { type: 'Referred', customerId: 'a', occurredAt: '2025-01-03T00:00:00Z', referredCustomerId: 'c' },
      {
        type: 'Churned',
        customerId: 'a',
        occurredAt: '2025-01-04T00:00:00Z',
        reason: 'cancelled',
        eventId: '3F2504E0-4F89-11D3-9A0C-0305E82C3301',
      },
    ]
    const decoded = events.map((e) => LifecycleEvent.decode(e))
    expect(decoded.map((d) => d._tag)).toEqual(['Right', 'Right', 'Right', 'Right'])
    expect(decoded[3]).toMatchObject({ right: { eventId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' } })
  })

  it('decodes a refund, a survey answer and a purchase of a category', () => {
    expect(LifecycleEvent.decode({ ...refund, reason: 'damaged' })).toEqual({
      _tag: 'Right',
      right: { ...refund, reason: 'damaged', occurredAt: Date.UTC(2025, 0, 5, 9) },
    })
    expect(LifecycleEvent.decode({ ...answer, campaign: 'q1-nps' })).toEqual({
      _tag: 'Right',
      right: { ...answer, campaign: 'q1-nps', occurredAt: Date.UTC(2025, 0, 6, 9) },
    })
    for (const [survey, score] of [
      ['nps', 0],
      ['nps', 10],
      ['csat', 1],
      ['csat', 5],
    ] as const) {
      expect(LifecycleEvent.decode({ ...answer, survey, score })._tag).toBe('Right')
    }
    expect(LifecycleEvent.decode({ ...purchase, category: 'books' })).toMatchObject({ right: { category: 'books' } })
  })

  it('accepts free text and metadata at the limits: 256 characters, 32 keys', () => {
    const longest = '😀'.repeat(256)
    const metadata = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, longest]))
    expect(LifecycleEvent.decode({ ...purchase, category: longest, metadata })._tag).toBe('Right')
    expect(LifecycleEvent.decode({ ...refund, reason: longest + 'x' })._tag).toBe('Left')
  })

  it('reports an unknown survey and a score that is no integer, each at its path', () => {
    expect(errorsOf({ ...answer, survey: 'ces', score: 'x' })).toEqual([
      'survey: "ces" is not one of nps, csat',
      'score: "x" is not an integer',
    ])
  })

  it('checks a built survey answer against its survey too', () => {
    const built = { ...answer, occurredAt: Date.UTC(2025, 0, 6), survey: 'csat', score: 9 }
    expect(LifecycleEvent.check(built)).toEqual({
      _tag: 'DecodeError',
      issues: [{ path: 'score', value: 9, rule: 'is not an integer from 1 to 5 (csat)' }],
    })
  })

  it('names the field, the value and the rule for a bad date', () => {
    expect(errorsOf({ ...purchase, occurredAt: '2025-13-01' })).toEqual([
      'occurredAt: "2025-13-01" is not an RFC 3339 date-time with a zone',
    ])
  })

  it.each([
    [
      { ...purchase, type: 'Bought' },
      'type: "Bought" is not one of OptedIn, Nurtured, Purchased, Refunded, Referred, SurveyAnswered, Churned',
    ],
    [{ ...purchase, customerId: '' }, 'customerId: "" is not a string of 1 to 256 characters'],
    [
      { ...purchase, customerId: 'x'.repeat(257) },
      `customerId: "${'x'.repeat(76)}... is not a string of 1 to 256 characters`,
    ],
    [{ ...purchase, customerId: 42 }, 'customerId: 42 is not a string of 1 to 256 characters'],
    [{ ...purchase, amountCents: 19.99 }, 'amountCents: 19.99 is not an integer >= 0 (money is integer minor units)'],
    [{ ...purchase, amountCents: -1 }, 'amountCents: -1 is not an integer >= 0 (money is integer minor units)'],
    [{ ...purchase, amountCents: '1999' }, 'amountCents: "1999" is not an integer >= 0 (money is integer minor units)'],
    [{ ...purchase, currency: 'usd' }, 'currency: "usd" is not an ISO 4217 currency code (three upper-case letters)'],
    [{ ...purchase, currency: 'ABC' }, 'currency: "ABC" is not an ISO 4217 currency code (three upper-case letters)'],
    [{ ...purchase, orderId: '' }, 'orderId: "" is not a non-empty string'],
    [{ ...purchase, eventId: 'not-a-uuid' }, 'eventId: "not-a-uuid" is not a UUID'],
    [{ ...purchase, metadata: { source: 1 } }, 'metadata.source: 1 is not a string of 1 to 256 characters'],
    [{ ...purchase, metadata: { source: '' } }, 'metadata.source: "" is not a string of 1 to 256 characters'],
    [{ ...purchase, metadata: ['crm'] }, 'metadata: ["crm"] is not an object of string values'],
    [
      { ...purchase, metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) },
      // The value is cut to 77 characters: "{" and eight '"kN":"v",' of 9 (73), then '"k8"'.
      `metadata: {"k0":"v","k1":"v","k2":"v","k3":"v","k4":"v","k5":"v","k6":"v","k7":"v","k8"... has 33 keys, more than the 32 allowed`,
    ],
    [{ ...purchase, category: '' }, 'category: "" is not a string of 1 to 256 characters'],
    [
      { ...purchase, category: 'b'.repeat(257) },
      `category: "${'b'.repeat(76)}... is not a string of 1 to 256 characters`,
    ],
    [{ ...purchase, discount: 5 }, 'discount: 5 is not a field of Purchased'],
    [
      { type: 'Nurtured', customerId: 'a', occurredAt: '2025-01-01T00:00:00Z', touch: 'fax' },
      'touch: "fax" is not one of email, sms, call, content, retargeting, event, other',
    ],
    [
      {
        type: 'OptedIn',
        customerId: 'a',
        occurredAt: '2025-01-01T00:00:00Z',
        channel: 'seo',
        acquisitionCostCents: -3,
      },
      'acquisitionCostCents: -3 is not an integer >= 0 (money is integer minor units)',
    ],
    [{ type: 'OptedIn', customerId: 'a', occurredAt: '2025-01-01T00:00:00Z' }, 'channel: missing, a value is required'],
    [
      { type: 'Referred', customerId: 'a', occurredAt: '2025-01-01T00:00:00Z', referredCustomerId: '' },
      'referredCustomerId: "" is not a string of 1 to 256 characters',
    ],
    [
      { type: 'Churned', customerId: 'a', occurredAt: '2025-01-01T00:00:00Z', reason: 7 },
      'reason: 7 is not a string of 1 to 256 characters',
    ],
    [
      { type: 'OptedIn', customerId: 'a', occurredAt: '2025-01-01T00:00:00Z', channel: 'seo', campaign: '' },
      'campaign: "" is not a string of 1 to 256 characters',
    ],
    [{ ...refund, amountCents: 0 }, 'amountCents: 0 is not an integer > 0 (money is integer minor units)'],
    [{ ...refund, currency: 'eur' }, 'currency: "eur" is not an ISO 4217 currency code (three upper-case letters)'],
    [{ ...refund, orderId: undefined }, 'orderId: missing, a value is required'],
    [{ ...refund, category: 'books' }, 'category: "books" is not a field of Refunded'],
    [{ ...answer, score: 11 }, 'score: 11 is not an integer from 0 to 10 (nps)'],
    [{ ...answer, score: -1 }, 'score: -1 is not an integer from 0 to 10 (nps)'],
    [{ ...answer, score: 8.5 }, 'score: 8.5 is not an integer from 0 to 10 (nps)'],
    [{ ...answer, survey: 'csat', score: 0 }, 'score: 0 is not an integer from 1 to 5 (csat)'],
    [{ ...answer, survey: 'csat', score: 6 }, 'score: 6 is not an integer from 1 to 5 (csat)'],
    [{ ...answer, survey: 'ces' }, 'survey: "ces" is not one of nps, csat'],
    [[1, 2], '(event): [1,2] is not a JSON object'],
    [null, '(event): null is not a JSON object'],
  ])('rejects %j with the message %s', (input, message) => {
    expect(errorsOf(input)).toEqual([message])
  })

  it('reports every broken field at once, unknown fields first', () => {
    expect(
      errorsOf({
        type: 'Purchased',
        customerId: 'c',
        occurredAt: 'yesterday',
        amountCents: 1.5,
        currency: 'EUR',
        note: 'x',
      }),
    ).toEqual([
      'note: "x" is not a field of Purchased',
      'occurredAt: "yesterday" is not an RFC 3339 date-time with a zone',
      'orderId: missing, a value is required',
      'amountCents: 1.5 is not an integer >= 0 (money is integer minor units)',
    ])
  })

  it('counts customer id length in characters, not UTF-16 units', () => {
    const emoji = '😀'.repeat(256)
    expect(LifecycleEvent.decode({ ...purchase, customerId: emoji })._tag).toBe('Right')
    expect(LifecycleEvent.decode({ ...purchase, customerId: emoji + 'x' })._tag).toBe('Left')
  })

  it('derives the same UUID v5 for the same fact written two ways, and another for another fact', () => {
    const a = LifecycleEvent.decode(purchase)
    const { currency, ...rest } = purchase
    const b = LifecycleEvent.decode({
      currency,
      ...rest,
      occurredAt: '2025-01-03T10:00:00.000Z',
      metadata: { source: 'shop' },
    })
    const c = LifecycleEvent.decode({ ...purchase, amountCents: 2000 })
    if (a._tag === 'Left' || b._tag === 'Left' || c._tag === 'Left') throw new Error('fixtures must decode')
    const id = LifecycleEvent.idOf(a.right)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(LifecycleEvent.idOf(b.right)).toBe(id)
    expect(LifecycleEvent.idOf(c.right)).not.toBe(id)
  })

  it('round-trips: decode(encode(e)) is right(e) for any event', () => {
    fc.assert(
      fc.property(Arbitraries.event(Arbitraries.anyCustomerId()), (event) => {
        expect(LifecycleEvent.decode(LifecycleEvent.encode(event))).toEqual({ _tag: 'Right', right: event })
      }),
    )
  })

  it('round-trips through JSON text as well', () => {
    fc.assert(
      fc.property(Arbitraries.event(), (event) => {
        const text = JSON.stringify(LifecycleEvent.encode(event))
        expect(LifecycleEvent.decode(JSON.parse(text))).toEqual({ _tag: 'Right', right: event })
      }),
    )
  })
})
