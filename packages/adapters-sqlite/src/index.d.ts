/**
 * @lifeline/adapters-sqlite: the durable embedded EventLog on better-sqlite3.
 *
 * @module @lifeline/adapters-sqlite
 */
export * as SqliteEventLog from './SqliteEventLog.js';
export { DriverUnavailable, loadDriver, type Driver } from './DriverLoader.js';
export type { Database, Statement, Transaction } from './Driver.js';
export { MIGRATIONS } from './schema/migrations.js';
