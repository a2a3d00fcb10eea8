/**
 * Opening the SQLite log from the command line.
 */
import { createRequire } from 'node:module'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import type { Database } from '@lifeline/adapters-sqlite'
import { UsageError } from './Io.js'

const require = createRequire(import.meta.url)

/** Opens (creating if needed) the log at `path`, with a clear error when the driver is missing. */
export const openLog = (path: string): SqliteEventLog.SqliteEventLog => {
  let Driver: new (path: string) => Database
  try {
    Driver = require('better-sqlite3') as new (path: string) => Database
  } catch {
    throw new UsageError('the SQLite driver is not installed: npm install better-sqlite3')
  }
  try {
    return SqliteEventLog.open(new Driver(path))
  } catch (error) {
    throw new UsageError(`cannot open the database ${path}: ${(error as Error).message}`)
  }
}
