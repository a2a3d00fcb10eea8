/**
 * Finding `pg`: resolved from this adapter's own folder, where npm installs a peer dependency,
 * not from the caller's (a CLI installed globally has no node_modules of the user's to look in).
 */
import { createRequire } from 'node:module'
import { sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pool } from './Driver.js'

/** `pg` is not installed where this adapter can find it: `message` says what to run. */
export class DriverUnavailable extends Error {
  readonly _tag = 'DriverUnavailable'
  override readonly name = 'DriverUnavailable'
}

/** The part of `pg` the adapter uses. */
export interface Pg {
  readonly Pool: new (config: { readonly connectionString: string; readonly max: number }) => Pool
}

const here = fileURLToPath(import.meta.url)

/** Loads `pg` from beside this adapter; throws `DriverUnavailable` with the command to run. */
export const loadPg = (): Pg => {
  const require = createRequire(here)
  try {
    return require('pg') as Pg
  } catch {
    const at = here.lastIndexOf(`${sep}node_modules${sep}`)
    const project = at < 0 ? process.cwd() : here.slice(0, at)
    throw new DriverUnavailable(
      `pg is not installed beside @lifeline/adapters-postgres: run "npm install pg" in ${project}`,
    )
  }
}
