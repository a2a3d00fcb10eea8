/**
 * @lifeline/adapters-sqlite: the durable embedded EventLog on better-sqlite3.
 */
export * as SqliteEventLog from './SqliteEventLog.js'
export type { Database, Statement } from './Driver.js'
export { MIGRATIONS } from './schema/migrations.js'
