/**
 * Finding better-sqlite3: resolved from this adapter's own folder, where npm installs a peer
 * dependency, not from the caller's (a CLI installed globally has no node_modules of the user's
 * to look in). Its native binding is built at install time; when it is missing or built for
 * another Node, the error says in one line what to run instead of listing the paths it tried.
 */
import { createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from './Driver.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The driver is not installed, or its native binding cannot be loaded: `message` says what to run. */
export class DriverUnavailable extends Error {
  readonly _tag = 'DriverUnavailable'
  override readonly name = 'DriverUnavailable'
}

/** The loaded driver. */
export interface Driver {
  /** Opens a connection to the file at `path` (`:memory:` for a private in-memory database). */
  readonly connect: (path: string) => Database
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const here = fileURLToPath(import.meta.url)

/** The folder holding the `node_modules` that `file` is in: where `npm` commands must run. */
const projectOf = (file: string): string => {
  const at = file.lastIndexOf(`${sep}node_modules${sep}`)
  return at < 0 ? process.cwd() : file.slice(0, at)
}

const BINDING =
  /Could not locate the bindings file|NODE_MODULE_VERSION|invalid ELF header|did not self-register|wrong ELF class/

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Loads better-sqlite3 from beside this adapter; throws `DriverUnavailable` with the command to run. */
export const loadDriver = (): Driver => {
  const require = createRequire(here)
  let entry: string
  try {
    entry = require.resolve('better-sqlite3')
  } catch {
    throw new DriverUnavailable(
      `better-sqlite3 is not installed beside @lifeline/adapters-sqlite: run "npm install better-sqlite3" in ${projectOf(here)}`,
    )
  }
  // The binding loads with the module or with the first connection, depending on the version.
  const attempt = <A>(f: () => A): A => {
    try {
      return f()
    } catch (error) {
      if (error instanceof Error && BINDING.test(error.message)) {
        throw new DriverUnavailable(
          `better-sqlite3's native binding is not built for Node ${process.version}: run "npm rebuild better-sqlite3" in ${projectOf(dirname(entry))}`,
        )
      }
      throw error
    }
  }
  const Database = attempt(() => require(entry) as new (path: string) => Database)
  return { connect: (path) => attempt(() => new Database(path)) }
}
