// One of the concurrent writers of the PostgreSQL benchmark: COUNT one-event appends to its own
// customers, on a SQLite file or a PostgreSQL URL.
import { PostgresEventLog } from '@lifeline/adapters-postgres'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { Ids } from '@lifeline/core'
import Database from 'better-sqlite3'
import pg from 'pg'

const [target, name, countText] = process.argv.slice(2)
const postgres = target.startsWith('postgres')
let pool
let log
if (postgres) {
  const url = new URL(target)
  const schema = url.searchParams.get('schema')
  url.searchParams.delete('schema')
  pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  log = await PostgresEventLog.open(pool, { schema })
} else {
  log = SqliteEventLog.open(new Database(target), { busyTimeoutMs: 60_000 })
}
for (let i = 0; i < Number(countText); i++) {
  const id = Ids.customerId(`w${name}-${i}`)
  const r = await log.append({
    streamId: id,
    events: [{ type: 'OptedIn', customerId: id, occurredAt: i, channel: 'seo' }],
  })()
  if (r._tag === 'Left') throw new Error(JSON.stringify(r.left))
}
if (postgres) await pool.end()
else log.close()
