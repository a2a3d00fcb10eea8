/**
 * The PostgreSQL server for the tests: 127.0.0.1:5432, database `test` (override with
 * LIFELINE_PG_URL). Unreachable outside CI, the tests are skipped with a message; in CI
 * (CI=true) an unreachable server is a failure.
 */
import pg from 'pg'

/** The connection string of the test server. */
export const URL = process.env['LIFELINE_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test'

/** True when the server answers. */
export const reachable = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Whether to run the PostgreSQL tests; throws in CI when the server is unreachable. */
export const available = async (): Promise<boolean> => {
  if (await reachable()) return true
  if (process.env['CI'] === 'true') throw new Error(`PostgreSQL is not reachable at ${URL}, and CI requires it`)
  console.warn(
    `PostgreSQL is not reachable at ${URL}: skipping the PostgreSQL tests (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)`,
  )
  return false
}

let n = 0
/** A schema name unique to this test run and test. */
export const freshSchema = (): string => `lifeline_t${process.pid}_${Date.now() % 1_000_000}_${++n}`
