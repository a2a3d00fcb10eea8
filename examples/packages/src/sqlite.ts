// @lifeline/adapters-sqlite: a durable log in one file.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ids, Timestamp, type LifecycleEvent } from '@lifeline/core'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'

const log = SqliteEventLog.openFile(join(mkdtempSync(join(tmpdir(), 'shop-')), 'shop.db'))
const event: LifecycleEvent.LifecycleEvent = {
  type: 'OptedIn',
  customerId: Ids.customerId('ada'),
  occurredAt: Timestamp.unsafeParse('2025-01-06T09:00:00Z'),
  channel: 'seo',
}
await log.append({ streamId: event.customerId, events: [event] })()
console.log(await log.headPosition()()) // { _tag: 'Right', right: 1 }
log.close()
