/**
 * Runs the service: `tsx src/main.ts [--port N] [--db PATH]`, stopped cleanly by SIGINT or
 * SIGTERM. With `--smoke` (what CI runs) it starts on a free port, posts one event, reads the
 * report, and stops.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { start } from './service.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    db: { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
})
const db = values.db ?? join(mkdtempSync(join(tmpdir(), 'lifeline-service-')), 'service.db')
const service = await start({ db, port: values.smoke ? 0 : Number(values.port) })
console.log(`lifeline service on ${service.url} (log: ${db})`)

if (values.smoke) {
  const posted = await fetch(`${service.url}/events`, {
    method: 'POST',
    body: JSON.stringify({
      type: 'Purchased',
      customerId: 'ada',
      occurredAt: '2025-01-10T10:00:00Z',
      orderId: 'A1',
      amountCents: 4900,
      currency: 'EUR',
    }),
  })
  console.log(`POST /events -> ${posted.status}`)
  const report = (await (await fetch(`${service.url}/report`)).json()) as { customers: { active: number } }
  console.log(`GET /report -> active customers ${report.customers.active}`)
  await service.close()
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`${signal}: stopping`)
      void service.close().then(() => process.exit(0))
    })
  }
}
