/**
 * @lifeline/cli: the `lifeline` command, callable in-process.
 *
 * @module @lifeline/cli
 */
export { main, help } from './cli.js'
export { EXIT, OutputClosed, UsageError, processIo, type Io } from './Io.js'
export { readJsonLines, readCsv, readEvents, decodeLine, type Line } from './EventFile.js'
export * as Generator from './Generator.js'
export * as Importer from './Importer.js'
export * as ClvCommand from './clv.js'
export { fromDatabase as reportFromDatabase } from './report.js'
