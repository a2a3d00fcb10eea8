import { EventLog, InMemoryEventLog } from '@lifeline/core'
import { Fixtures } from '@lifeline/core/testing'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import { ProjectionRunner } from './index.js'
import * as Report from './Report.js'

const { cid, optedIn, purchased } = Fixtures

const append = async (log: EventLog.EventLog, ...events: ReturnType<typeof optedIn>[]) => {
  for (const event of events) {
    const result = await log.append({ streamId: event.customerId, events: [event] })()
    if (result._tag === 'Left') throw new Error(EventLog.formatError(result.left))
  }
}

describe('ProjectionRunner', () => {
  it('catches up from the start and then from where it stopped', async () => {
    const log = InMemoryEventLog.make()
    await append(log, optedIn('a', '2025-01-01T00:00:00Z'), purchased('a', '2025-01-02T00:00:00Z', 'o', 100))
    const runner = ProjectionRunner.make(log, Report.fold(), undefined, 1)
    expect(await runner.catchUp()).toEqual({ _tag: 'Right', right: 2 })
    expect(runner.result().leads.new).toBe(1)
    await append(log, optedIn('b', '2025-01-03T00:00:00Z'))
    await runner.catchUp()
    expect(runner.position()).toBe(3)
    expect(runner.result().leads.new).toBe(2)
  })

  it('resumes from a serialized checkpoint and gives what a full refold gives', async () => {
    const log = InMemoryEventLog.make()
    await append(log, optedIn('a', '2025-01-01T00:00:00Z'), purchased('a', '2025-01-02T00:00:00Z', 'o', 100))
    const first = ProjectionRunner.make(log, Report.fold())
    await first.catchUp()
    const saved = Report.serializeCheckpoint({ position: first.position(), state: first.state() })
    await append(log, optedIn('b', '2025-01-03T00:00:00Z'), purchased('b', '2025-01-05T00:00:00Z', 'o', 300, 'EUR'))
    const resumed = ProjectionRunner.make(log, Report.fold(), Report.deserializeCheckpoint(saved))
    await resumed.catchUp()
    const full = await Fold.runAsync(Report.fold(), EventLog.readAll(log))
    expect(resumed.result()).toEqual(full)
  })

  it('follows the log and keeps the report current as events are appended', async () => {
    const log = InMemoryEventLog.make()
    const runner = ProjectionRunner.make(log, Report.fold())
    const controller = new AbortController()
    const seen: number[] = []
    const following = runner.follow(controller.signal, (position) => {
      seen.push(position)
      if (position === 2) controller.abort()
    })
    await append(log, optedIn('a', '2025-01-01T00:00:00Z'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    await append(log, purchased('a', '2025-01-02T00:00:00Z', 'o', 100))
    await following
    expect(seen).toEqual([1, 2])
    expect(runner.result().customers.active).toBe(1)
    expect(Ledger.factsOf(runner.state(), cid('a'))?.purchases).toBe(1)
  })
})
