import { describe, expect, it } from 'vitest'
import * as DecodeError from './DecodeError.js'
import * as LifecycleEvent from './LifecycleEvent.js'

// The event of docs/events.md's example: four problems at once.
const bad = {
  type: 'Purchased',
  customerId: 'c-1',
  occurredAt: 'yesterday',
  amountCents: 1.5,
  currency: 'EUR',
  note: 'x',
}

const errorOf = (u: unknown): DecodeError.DecodeError => {
  const result = LifecycleEvent.decode(u)
  if (result._tag === 'Right') throw new Error('expected a decode error')
  return result.left
}

describe('DecodeError.format', () => {
  it('Given an event with four problems, then format gives one line per problem, as docs/events.md shows', () => {
    expect(DecodeError.format(errorOf(bad))).toBe(
      [
        'note: "x" is not a field of Purchased',
        'occurredAt: "yesterday" is not an RFC 3339 date-time with a zone',
        'orderId: missing, a value is required',
        'amountCents: 1.5 is not an integer >= 0 (money is integer minor units)',
      ].join('\n'),
    )
  })

  it('Given the same event, then formatInline gives the same problems on one line, joined by "; "', () => {
    const error = errorOf(bad)
    expect(DecodeError.formatInline(error)).toBe(DecodeError.format(error).split('\n').join('; '))
    expect(DecodeError.formatInline(error)).not.toContain('\n')
  })
})
