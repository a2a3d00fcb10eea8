import { describe, expect, it } from 'vitest'
import { lineHolds } from './Rejects.js'

const line = (input: unknown, reason = 'OutOfOrder: ...') =>
  JSON.stringify({ file: 'f.jsonl', importedAt: '2026-01-01T00:00:00.000Z', line: 3, reason, input })

describe('a rejects line naming a customer', () => {
  it('matches the whole id as customer, referrer or referred person, in raw text or quoted in the reason; not a longer id', () => {
    expect(lineHolds(line({ customerId: 'bob', type: 'OptedIn' }), 'bob')).toBe(true)
    expect(lineHolds(line({ customerId: 'bobby', type: 'OptedIn' }), 'bob')).toBe(false)
    expect(lineHolds(line({ customerId: 'ann', referredBy: 'bob' }), 'bob')).toBe(true)
    expect(lineHolds(line({ customerId: 'ann', referredCustomerId: 'bob' }), 'bob')).toBe(true)
    expect(lineHolds(line({ customerId: 'ann', orderId: 'bob-42' }), 'bob')).toBe(false)
    expect(lineHolds(line('{"customerId":"bob","occurredAt":"soon"'), 'bob')).toBe(true)
    expect(lineHolds(line('OptedIn,bob,2025-13-01'), 'bob')).toBe(true)
    expect(lineHolds(line('OptedIn,bobby,2025-13-01'), 'bob')).toBe(false)
    expect(lineHolds(line(undefined, 'NoConsent: Nurtured for customer "bob" at ...'), 'bob')).toBe(true)
    expect(lineHolds(line(undefined, 'Erased: ...'), 'bob')).toBe(false)
  })
})
