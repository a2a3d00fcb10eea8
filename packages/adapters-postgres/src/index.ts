/**
 * @lifeline/adapters-postgres: the EventLog on PostgreSQL.
 */
export * as PostgresEventLog from './PostgresEventLog.js'
export type { Pool, PoolClient, Queryable, Result } from './Driver.js'
export { MIGRATIONS, ORDER_LOCK } from './schema/migrations.js'
