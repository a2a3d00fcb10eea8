import { describe, expect, it } from 'vitest'
import * as EventLog from '../EventLog.js'
import * as InMemoryEventLog from '../InMemoryEventLog.js'
import * as ProjectionRunner from '../ProjectionRunner.js'
import { cid, optedIn, purchased } from './fixtures.js'
import { whenCaughtUp } from './whenCaughtUp.js'

// A projection counting purchases.
const purchases: ProjectionRunner.Projection<{ n: number }, number> = {
  initial: () => ({ n: 0 }),
  step: (state, event) => (event.type === 'Purchased' ? { n: state.n + 1 } : state),
  result: (state) => state.n,
}

const headOf = async (log: EventLog.EventLog): Promise<number> => {
  const head = await log.headPosition()()
  if (head._tag === 'Left') throw new Error(EventLog.formatError(head.left))
  return head.right
}

describe('whenCaughtUp', () => {
  it('Given a runner following the log, when events are appended, then it resolves once they are folded', async () => {
    const log = InMemoryEventLog.make()
    const runner = ProjectionRunner.make(log, purchases)
    const controller = new AbortController()
    const following = runner.follow(controller.signal)
    await log.append({
      streamId: cid('ada'),
      events: [optedIn('ada', '2025-01-01T09:00:00Z'), purchased('ada', '2025-01-02T09:00:00Z', 'A-1', 4_900)],
    })()
    await whenCaughtUp(runner, await headOf(log))
    // three events would be position 3; two were appended: the head is 2 and one was a purchase
    expect(runner.position()).toBe(2)
    expect(runner.result()).toBe(1)
    controller.abort()
    await following
  })

  it('Given a runner that does not reach the position, then it rejects naming both positions', async () => {
    await expect(whenCaughtUp({ position: () => 3 }, 7, { timeoutMs: 20 })).rejects.toThrow(
      'whenCaughtUp: the projection is at position 3, not yet 7, after 20 ms',
    )
  })
})
