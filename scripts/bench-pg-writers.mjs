// PostgreSQL with many writers (issue 16), in one run:
//   node scripts/bench-pg-writers.mjs [URL] [--latency-only]
// 1. 1, 4 and 16 writer processes appending one-event batches and 50-event batches through the
//    log, against the same number of raw `pg` processes inserting the same rows (the same
//    content-derived event ids) into a table with the same five indexes with plain autocommitted
//    INSERTs and no lock. Every process connects
//    before the clock starts. Three rounds, raw and log alternating; prints the median ratio
//    (log / raw) and each round's.
// 2. LISTEN/NOTIFY: the time from an append to a follower (polling once a minute, so only the
//    notification wakes it) receiving the event, median and 99th percentile of 300 appends.
import { spawn } from 'node:child_process'
import { PostgresEventLog } from '@lifeline/adapters-postgres'
import { EventLog, Ids, LifecycleEvent } from '@lifeline/core'
import pg from 'pg'

const [mode, ...args] = process.argv.slice(2)
const URL =
  (mode === 'worker' ? args[0] : mode?.startsWith('postgres') ? mode : undefined) ??
  process.env.LIFELINE_PG_URL ??
  'postgres://postgres@127.0.0.1:5432/test'

const rawTable = (schema) => `
  CREATE SCHEMA ${schema};
  CREATE TABLE ${schema}.events (
    global_position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id UUID NOT NULL UNIQUE, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
    type TEXT NOT NULL, data JSONB NOT NULL, metadata JSONB, occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL, UNIQUE (stream_id, stream_version));
  -- The log's other two indexes (migration 3: the events naming a customer, for erasure).
  CREATE INDEX ON ${schema}.events ((data->>'referredBy')) WHERE type = 'OptedIn';
  CREATE INDEX ON ${schema}.events ((data->>'referredCustomerId')) WHERE type = 'Referred'`

if (mode === 'worker') {
  // A writer: connects, says so, waits for "go", appends, says how many events.
  const [, kind, schema, name, batchText, countText] = args
  const batch = Number(batchText)
  const count = Number(countText)
  const pool = new pg.Pool({ connectionString: URL, max: 1 })
  const log = kind === 'log' ? await PostgresEventLog.open(pool, { schema }) : null
  await pool.query('SELECT 1')
  process.stdout.write('ready\n')
  await new Promise((go) => process.stdin.once('data', go))
  let n = 0
  for (let i = 0; i < count; i++) {
    const id = Ids.customerId(`w${name}-${i}`)
    const events = Array.from({ length: batch }, (_, k) => ({
      type: k === 0 ? 'OptedIn' : 'Nurtured',
      customerId: id,
      occurredAt: k,
      ...(k === 0 ? { channel: 'seo' } : { touch: 'email' }),
    }))
    if (log !== null) {
      const r = await log.append({ streamId: id, events })()
      if (r._tag === 'Left') throw new Error(EventLog.formatError(r.left))
    } else {
      const values = []
      const rows = events.map((e, k) => {
        const at = values.length
        values.push(
          // The same rows as the log's: the id derived from the event's content (what makes an
          // append idempotent), as the import's baseline hashes each line.
          LifecycleEvent.idOf(e),
          id,
          k + 1,
          e.type,
          JSON.stringify(e.channel ? { channel: 'seo' } : { touch: 'email' }),
          k,
          Date.now(),
        )
        return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $${at + 7})`
      })
      await pool.query(
        `INSERT INTO ${schema}.events (event_id, stream_id, stream_version, type, data, occurred_at, recorded_at) VALUES ${rows.join(', ')}`,
        values,
      )
    }
    n += batch
  }
  process.stdout.write(`${n}\n`)
  await pool.end()
  process.exit(0)
}

const admin = new pg.Pool({ connectionString: URL, max: 2 })
const run = async (kind, writers, batch, count) => {
  const schema = `bench_w_${kind}_${process.pid}_${writers}_${batch}`
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  if (kind === 'raw') await admin.query(rawTable(schema))
  else (await PostgresEventLog.open(new pg.Pool({ connectionString: URL, max: 1 }), { schema })).close()
  const children = Array.from({ length: writers }, (_, w) =>
    spawn(
      process.execPath,
      [import.meta.filename, 'worker', URL, kind, schema, String(w), String(batch), String(count)],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  )
  const lines = (child) => {
    const queue = []
    let wake = null
    let rest = ''
    child.stdout.on('data', (chunk) => {
      rest += chunk
      const parts = rest.split('\n')
      rest = parts.pop()
      queue.push(...parts)
      wake?.()
    })
    return async () => {
      while (queue.length === 0) await new Promise((r) => (wake = r))
      return queue.shift()
    }
  }
  const next = children.map(lines)
  await Promise.all(next.map((n) => n())) // every writer connected
  const start = process.hrtime.bigint()
  for (const c of children) c.stdin.write('go\n')
  const counts = await Promise.all(next.map((n) => n()))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  const events = counts.reduce((a, b) => a + Number(b), 0)
  return events / seconds
}

const rows = []
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
for (const writers of process.argv.includes('--latency-only') ? [] : [1, 4, 16]) {
  for (const batch of [1, 50]) {
    // Each writer appends 1,000 one-event batches, or 40 of 50 events (2,000). Three rounds, raw
    // and log alternating (the machine is shared and noisy): the median of the three ratios.
    const count = batch === 1 ? 1000 : 40
    const ratios = []
    const raws = []
    const logs = []
    for (let round = 0; round < 3; round++) {
      const raw = await run('raw', writers, batch, count)
      const log = await run('log', writers, batch, count)
      raws.push(raw)
      logs.push(log)
      ratios.push(log / raw)
    }
    const ratio = median(ratios)
    rows.push({
      writers,
      'events per append': batch,
      'raw ev/s': Math.round(median(raws)),
      'log ev/s': Math.round(median(logs)),
      'log / raw': ratio.toFixed(3),
      rounds: ratios.map((r) => r.toFixed(2)).join(' '),
    })
    console.log(
      `${writers} writer(s), ${batch}-event appends: log ${ratio.toFixed(3)} of raw (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
    )
  }
}
if (rows.length > 0) console.table(rows)

// LISTEN/NOTIFY latency.
const schema = `bench_listen_${process.pid}`
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
const writer = await PostgresEventLog.open(new pg.Pool({ connectionString: URL, max: 2 }), { schema })
const follower = await PostgresEventLog.open(new pg.Pool({ connectionString: URL, max: 3 }), {
  schema,
  pollIntervalMs: 60_000,
})
const received = new Map()
const controller = new AbortController()
const following = (async () => {
  for await (const e of EventLog.subscribe(follower, { signal: controller.signal }))
    received.set(e.globalPosition, process.hrtime.bigint())
})()
await new Promise((r) => setTimeout(r, 500))
const latencies = []
for (let i = 0; i < 300; i++) {
  const id = Ids.customerId(`l${i}`)
  const before = process.hrtime.bigint()
  const r = await writer.append({
    streamId: id,
    events: [{ type: 'OptedIn', customerId: id, occurredAt: i, channel: 'seo' }],
  })()
  const position = r.right.appended[0].globalPosition
  while (!received.has(position)) await new Promise((res) => setTimeout(res, 1))
  latencies.push(Number(received.get(position) - before) / 1e6)
  await new Promise((res) => setTimeout(res, 5))
}
controller.abort()
await following
await writer.close()
await follower.close()
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
await admin.end()
latencies.sort((a, b) => a - b)
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
console.log(
  `LISTEN/NOTIFY: from the append's call to the follower receiving it (an upper bound of commit-to-receive), ` +
    `median ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms over ${latencies.length} appends (target: median < 20 ms)`,
)
