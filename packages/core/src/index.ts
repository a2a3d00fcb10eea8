/**
 * @lifeline/core: lifecycle events, the decider, the EventLog port and the in-memory log.
 *
 * @module @lifeline/core
 */
export * as CommandHandler from './CommandHandler.js'
export * as Currency from './Currency.js'
export * as Customer from './Customer.js'
export * as DecodeError from './DecodeError.js'
export * as Decider from './Decider.js'
export * as Erasure from './Erasure.js'
export * as EventLog from './EventLog.js'
export * as ExpectedVersion from './ExpectedVersion.js'
export * as History from './History.js'
export * as Ids from './Ids.js'
export * as InMemoryEventLog from './InMemoryEventLog.js'
export * as LifecycleError from './LifecycleError.js'
export * as LifecycleEvent from './LifecycleEvent.js'
export * as ProjectionRunner from './ProjectionRunner.js'
export * as RecordedEvent from './RecordedEvent.js'
export * as Timestamp from './Timestamp.js'
export type { CustomerId, EventId } from './Ids.js'
export type { StrictObject, StrictOutput, StrictType } from './Codecs.js'
