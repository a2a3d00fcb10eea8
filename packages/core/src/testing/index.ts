/**
 * @lifeline/core/testing: the EventLog contract suite and event builders for tests.
 */
export { describeEventLogContract, type ContractSubject } from './EventLogContract.js'
export * as Arbitraries from './arbitraries.js'
export * as Fixtures from './fixtures.js'
