/**
 * @lifeline/cli: the `lifeline` command, callable in-process. The pipelines it runs (import,
 * checkpointed report) are in `@lifeline/pipeline`.
 *
 * @module @lifeline/cli
 */
export { main, help } from './cli.js'
export { EXIT, OutputClosed, UsageError, processIo, type Io } from './Io.js'
export * as Generator from './Generator.js'
export * as ClvCommand from './clv.js'
export { fromDatabase as reportFromDatabase } from './report.js'
