// A live projection in a test: the runner follows the log in the background, the test appends,
// waits until the runner has folded up to the log's head, then reads the report.
import { EventLog, InMemoryEventLog } from '@lifeline/core'
import { Fixtures, whenCaughtUp } from '@lifeline/core/testing'
import { ProjectionRunner, Report } from '@lifeline/projections'
import { expect, it } from 'vitest'

it('Given a followed report, when a lead opts in, then the report counts it once caught up', async () => {
  const log = InMemoryEventLog.make()
  const runner = ProjectionRunner.make(log, Report.fold())
  const stop = new AbortController()
  const following = runner.follow(stop.signal)

  const ada = Fixtures.optedIn('ada', '2025-01-06T09:00:00Z')
  await log.append({ streamId: ada.customerId, events: [ada] })()
  const head = await log.headPosition()()
  if (head._tag === 'Left') throw new Error(EventLog.formatError(head.left))
  await whenCaughtUp(runner, head.right)

  expect(runner.result().leads.new).toBe(1)
  stop.abort()
  await following
})
