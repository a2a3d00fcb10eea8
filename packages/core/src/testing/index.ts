/**
 * @lifeline/core/testing: the EventLog contract suite, a given/when/then specification for
 * deciders, a wait for projections, and event builders and arbitraries for tests.
 *
 * @module @lifeline/core/testing
 */
export { describeEventLogContract, type ContractSubject } from './EventLogContract.js'
export * as DeciderSpecification from './DeciderSpecification.js'
export { whenCaughtUp, type Positioned, type WaitOptions } from './whenCaughtUp.js'
export * as Arbitraries from './arbitraries.js'
export * as Fixtures from './fixtures.js'
