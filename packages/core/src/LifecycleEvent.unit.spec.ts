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

  it('names the field, the value and the rule for a bad date', () => {
    expect(errorsOf({ ...purchase, occurredAt: '2025-13-01' })).toEqual([
      'occurredAt: "2025-13-01" is not an RFC 3339 date-time with a zone',
    ])
  })

  it.each([
    [{ ...purchase, type: 'Bought' }, 'type: "Bought" is not one of OptedIn, Nurtured, Purchased, Referred, Churned'],
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
    [{ ...purchase, metadata: { source: 1 } }, 'metadata: {"source":1} is not an object of string values'],
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
    [{ type: 'Churned', customerId: 'a', occurredAt: '2025-01-01T00:00:00Z', reason: 7 }, 'reason: 7 is not a string'],
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
