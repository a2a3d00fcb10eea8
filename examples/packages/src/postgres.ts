// @lifeline/adapters-postgres: the same log on PostgreSQL (LIFELINE_PG_URL, or the local server).
import { Ids, Timestamp, type LifecycleEvent } from '@lifeline/core'
import { PostgresEventLog } from '@lifeline/adapters-postgres'

const url = process.env['LIFELINE_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const log = await PostgresEventLog.connect(url, { schema: `readme_${process.pid}` })
const event: LifecycleEvent.LifecycleEvent = {
  type: 'OptedIn',
  customerId: Ids.customerId('ada'),
  occurredAt: Timestamp.unsafeParse('2025-01-06T09:00:00Z'),
  channel: 'seo',
}
await log.append({ streamId: event.customerId, events: [event] })()
console.log(await log.readStream(event.customerId)()) // { _tag: 'Right', right: [ { type: 'OptedIn', ... } ] }
await log.close()
