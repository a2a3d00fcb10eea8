// The testing entry next to the main entry: one CustomerId type, whichever entry it comes from.
import { InMemoryEventLog, type CustomerId } from '@lifeline/core'
import { Fixtures, describeEventLogContract } from '@lifeline/core/testing'
import { expect, it } from 'vitest'

const id: CustomerId = Fixtures.cid('ada')

it('Given a fixture, then its customer id is core’s CustomerId', async () => {
  const log = InMemoryEventLog.make()
  const result = await log.append({ streamId: id, events: [Fixtures.optedIn('ada', '2025-01-06T09:00:00Z')] })()
  expect(result._tag).toBe('Right')
})

describeEventLogContract('in-memory, from the packed packages', () => Promise.resolve({ log: InMemoryEventLog.make() }))
