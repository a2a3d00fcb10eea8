/**
 * Opening the log named by `--db`: a SQLite file path, or a PostgreSQL URL
 * (`postgres://user@host:5432/db?schema=lifeline`).
 */
import { createRequire } from 'node:module'
import { PostgresEventLog, type Pool } from '@lifeline/adapters-postgres'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import type { Database } from '@lifeline/adapters-sqlite'
import type { EventLog } from '@lifeline/core'
import { UsageError } from './Io.js'

const require = createRequire(import.meta.url)

/** What the commands need of a log: the port, checkpoints, and closing it. */
export interface OpenLog extends EventLog.EventLog, EventLog.CheckpointStore {
  readonly close: () => Promise<void>
}

/** True when `--db` names a PostgreSQL database. */
export const isPostgres = (db: string): boolean => /^postgres(ql)?:\/\//.test(db)

const load = <A>(name: string): A => {
  try {
    return require(name) as A
  } catch {
    throw new UsageError(`the ${name} driver is not installed: npm install ${name}`)
  }
}

/** Opens (creating if needed) the log named by `--db`, with a clear error when it cannot. */
export const openLog = async (db: string): Promise<OpenLog> => {
  if (isPostgres(db)) {
    const pg = load<{
      Pool: new (config: { connectionString: string; max: number }) => Pool & { end(): Promise<void> }
    }>('pg')
    const url = new URL(db)
    const schema = url.searchParams.get('schema') ?? 'lifeline'
    url.searchParams.delete('schema')
    const pool = new pg.Pool({ connectionString: url.toString(), max: 4 })
    try {
      const log = await PostgresEventLog.open(pool, { schema })
      return { ...log, close: () => pool.end() }
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw new UsageError(`cannot open the database ${url.host}${url.pathname}: ${(error as Error).message}`)
    }
  }
  const Driver = load<new (path: string) => Database>('better-sqlite3')
  try {
    const log = SqliteEventLog.open(new Driver(db))
    return { ...log, close: () => Promise.resolve(log.close()) }
  } catch (error) {
    throw new UsageError(`cannot open the database ${db}: ${(error as Error).message}`)
  }
}
