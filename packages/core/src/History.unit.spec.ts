import { describe, expect, it } from 'vitest'
import * as History from './History.js'
import * as LifecycleError from './LifecycleError.js'
import { Fixtures } from './testing/index.js'

const { optedIn, nurtured, purchased } = Fixtures

describe('History.admit', () => {
  it('orders each customer by time, so input order does not matter, and keeps ties in input order', () => {
    const input = [
      { source: 1, event: purchased('a', '2025-01-05T00:00:00Z', 'o1', 100) },
      { source: 2, event: nurtured('a', '2025-01-02T00:00:00Z') },
      { source: 3, event: optedIn('a', '2025-01-01T00:00:00Z') },
      { source: 4, event: optedIn('b', '2025-01-05T00:00:00Z') },
    ]
    const result = History.admit(input)
    expect(result.accepted.map((a) => a.source)).toEqual([3, 2, 1, 4])
    expect(result.rejected).toEqual([])
  })

  it('rejects what breaks a rule with its source, and drops repeated events', () => {
    const input = [
      { source: 10, event: optedIn('a', '2025-01-01T00:00:00Z') },
      { source: 11, event: optedIn('a', '2025-01-02T00:00:00Z', { channel: 'webinar' }) },
      { source: 12, event: optedIn('a', '2025-01-01T00:00:00Z') },
    ]
    const result = History.admit(input)
    expect(result.accepted.map((a) => a.source)).toEqual([10])
    expect(result.duplicates.map((d) => d.source)).toEqual([12])
    expect(result.rejected.map((r) => [r.source, LifecycleError.format(r.error)])).toEqual([
      [
        11,
        'AlreadyOptedIn: OptedIn for customer "a" at 2025-01-02T00:00:00.000Z: the customer has opted in and not churned since',
      ],
    ])
  })
})
