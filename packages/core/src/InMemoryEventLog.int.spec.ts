import { describeEventLogContract } from './testing/index.js'
import * as InMemoryEventLog from './InMemoryEventLog.js'

describeEventLogContract('in-memory', () => Promise.resolve({ log: InMemoryEventLog.make() }))
