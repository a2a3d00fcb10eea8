/**
 * Runs the samples of the packages' READMEs in turn. The PostgreSQL one needs a server: without
 * one it is skipped with a message, except in CI (CI=true), where that is a failure. Its schema
 * is dropped afterwards.
 */
import pg from 'pg'

await import('./core.js')
await import('./projections.js')
await import('./sqlite.js')
await import('./pipeline.js')
await import('./report-html.js')

const url = process.env['LIFELINE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
const reachable = await admin.connect().then(
  () => true,
  () => false,
)
if (reachable) {
  try {
    await import('./postgres.js')
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS readme_${process.pid} CASCADE`)
    await admin.end()
  }
} else if (process.env['CI'] === 'true') {
  throw new Error(`PostgreSQL is not reachable at ${url}, and CI requires it`)
} else {
  console.warn(`PostgreSQL is not reachable at ${url}: the PostgreSQL sample is skipped`)
}
