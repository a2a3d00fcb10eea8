// The client's CPU per one-event append, Lifeline's log against a raw INSERT of the same row, in
// one process each after the other (20,000 appends each by default):
//   node scripts/bench-pg-append-cpu.mjs [COUNT] [URL]
import { PostgresEventLog } from '@lifeline/adapters-postgres'
import { Ids, LifecycleEvent } from '@lifeline/core'
import pg from 'pg'

const n = Number(process.argv[2] ?? 20_000)
const URL = process.argv[3] ?? process.env.LIFELINE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const event = (i) => ({ type: 'OptedIn', customerId: Ids.customerId(`p-${i}`), occurredAt: i, channel: 'seo' })
const measure = async (label, append) => {
  const c0 = process.cpuUsage()
  for (let i = 0; i < n; i++) await append(i)
  const c = process.cpuUsage(c0)
  console.log(`${label}: ${((c.user + c.system) / n).toFixed(0)} µs of CPU per append (${n} appends)`)
  return (c.user + c.system) / n
}
const pool = new pg.Pool({ connectionString: URL, max: 1 })
const schema = `bench_cpu_${process.pid}`
await pool.query(`CREATE SCHEMA ${schema}_raw; CREATE TABLE ${schema}_raw.events (
    global_position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id UUID NOT NULL UNIQUE, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
    type TEXT NOT NULL, data JSONB NOT NULL, metadata JSONB, occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL, UNIQUE (stream_id, stream_version))`)
const raw = await measure('raw INSERT', (i) => {
  const e = event(i)
  return pool.query(
    `INSERT INTO ${schema}_raw.events (event_id, stream_id, stream_version, type, data, occurred_at, recorded_at) VALUES ($1, $2, 1, $3, $4, $5, $6)`,
    [LifecycleEvent.idOf(e), e.customerId, e.type, JSON.stringify({ channel: 'seo' }), i, Date.now()],
  )
})
const log = await PostgresEventLog.open(pool, { schema })
const lifeline = await measure('Lifeline append', async (i) => {
  const e = event(i)
  const r = await log.append({ streamId: e.customerId, events: [e] })()
  if (r._tag === 'Left') throw new Error(JSON.stringify(r.left))
})
console.log(`Lifeline / raw: ${(lifeline / raw).toFixed(2)}x the client's CPU`)
await pool.query(`DROP SCHEMA ${schema} CASCADE; DROP SCHEMA ${schema}_raw CASCADE`)
await log.close()
