/**
 * @lifeline/adapters-postgres: the EventLog on PostgreSQL.
 *
 * @module @lifeline/adapters-postgres
 */
export * as OwnedProjection from './OwnedProjection.js'
export * as PostgresEventLog from './PostgresEventLog.js'
export { DriverUnavailable, loadPg, type Pg } from './DriverLoader.js'
export type { Pool, PoolClient, Queryable, Result } from './Driver.js'
export { MIGRATIONS, ORDER_LOCK } from './schema/migrations.js'
