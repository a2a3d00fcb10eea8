/**
 * Opening the log named by `--db`: a SQLite file path, or a PostgreSQL URL
 * (`postgres://user@host:5432/db?schema=lifeline`). The adapters find their drivers (installed
 * with the CLI, which depends on both) from their own folders.
 */
import { PostgresEventLog, DriverUnavailable as PgUnavailable } from '@lifeline/adapters-postgres'
import { SqliteEventLog, DriverUnavailable as SqliteUnavailable } from '@lifeline/adapters-sqlite'
import type { EventLog } from '@lifeline/core'
import { UsageError } from './Io.js'

/** What the commands need of a log: the port, checkpoints, and closing it. */
export interface OpenLog extends EventLog.EventLog, EventLog.CheckpointStore {
  readonly close: () => Promise<void>
}

/** True when `--db` names a PostgreSQL database. */
export const isPostgres = (db: string): boolean => /^postgres(ql)?:\/\//.test(db)

/** Opens (creating if needed) the log named by `--db`, with a clear error when it cannot. */
export const openLog = async (db: string): Promise<OpenLog> => {
  if (isPostgres(db)) {
    const url = new URL(db)
    const schema = url.searchParams.get('schema') ?? 'lifeline'
    url.searchParams.delete('schema')
    try {
      return await PostgresEventLog.connect(url.toString(), { schema, maxConnections: 4 })
    } catch (error) {
      if (error instanceof PgUnavailable) throw new UsageError(error.message)
      throw new UsageError(`cannot open the database ${url.host}${url.pathname}: ${(error as Error).message}`)
    }
  }
  try {
    const log = SqliteEventLog.openFile(db)
    return { ...log, close: () => Promise.resolve(log.close()) }
  } catch (error) {
    if (error instanceof SqliteUnavailable) throw new UsageError(error.message)
    throw new UsageError(`cannot open the database ${db}: ${(error as Error).message}`)
  }
}
