// The EventLog contract suite, run with vitest against the in-memory log. An adapter of your
// own runs the same suite: give describeEventLogContract a fresh, empty log per test.
import { InMemoryEventLog } from '@lifeline/core'
import { describeEventLogContract } from '@lifeline/core/testing'

describeEventLogContract('in-memory', () => Promise.resolve({ log: InMemoryEventLog.make() }))
