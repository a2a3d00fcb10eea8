// A writer for the killed-writer test: opens a transaction, appends a batch through the log's
// function, says so, and waits to be killed before it can commit.
import pg from 'pg'

const [url, schema] = process.argv.slice(2)
const client = new pg.Client({ connectionString: url })
await client.connect()
await client.query('BEGIN')
const events = [1, 2, 3].map((i) => ({
  eventId: `00000000-0000-4000-8000-00000000010${i}`,
  type: 'Purchased',
  data: { orderId: `k${i}`, amountCents: 100, currency: 'USD' },
  metadata: null,
  occurredAt: i,
}))
await client.query(`SELECT * FROM ${schema}.lifeline_append('killed', 'any', $1::jsonb, 0)`, [JSON.stringify(events)])
process.stdout.write('appended, not committed\n')
setInterval(() => undefined, 1_000)
