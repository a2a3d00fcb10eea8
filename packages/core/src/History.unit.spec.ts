import { describe, expect, it } from 'vitest'
import * as History from './History.js'
import * as Ids from './Ids.js'
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

  it('rejects a second event under one id with other content as IdReused naming the first line, and keeps the first', () => {
    const id = Ids.eventId('6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9')
    const input = [
      { source: 7, event: { ...purchased('a', '2025-01-05T00:00:00Z', 'o1', 100), eventId: id } },
      // Same id, another order of a: another event, even though it is valid on its own.
      { source: 8, event: { ...purchased('a', '2025-01-06T00:00:00Z', 'o2', 250), eventId: id } },
      // Same id, same content, other metadata: a repeat, dropped.
      { source: 9, event: { ...purchased('a', '2025-01-05T00:00:00Z', 'o1', 100), eventId: id, metadata: { m: '1' } } },
    ]
    const result = History.admit(input)
    expect(result.accepted.map((a) => a.source)).toEqual([7])
    expect(result.duplicates.map((d) => d.source)).toEqual([9])
    expect(result.rejected.map((r) => [r.source, LifecycleError.format(r.error)])).toEqual([
      [
        8,
        `IdReused: Purchased for customer "a" at 2025-01-06T00:00:00.000Z: eventId ${id} already names another event (line 7)`,
      ],
    ])
  })

  it('rejects an event whose id is stored with other content as IdReused naming its position', () => {
    const id = Ids.eventId('6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9')
    const result = History.admit([{ source: 1, event: { ...optedIn('b', '2025-02-01T00:00:00Z'), eventId: id } }], {
      stored: (eventId) =>
        eventId === id ? { content: () => 'something else', first: { _tag: 'Stored', globalPosition: 42 } } : undefined,
    })
    expect(result.rejected.map((r) => r.error)).toEqual([
      {
        _tag: 'IdReused',
        customerId: 'b',
        eventType: 'OptedIn',
        occurredAt: Date.UTC(2025, 1, 1),
        eventId: id,
        first: { _tag: 'Stored', globalPosition: 42 },
      },
    ])
  })
})
