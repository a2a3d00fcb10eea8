// A writer process for the multi-process test: appends N events to its own stream and races the
// other writers on a shared stream with expected versions, retrying on conflicts.
import { ExpectedVersion, Ids } from '@lifeline/core'
import Database from 'better-sqlite3'
import * as SqliteEventLog from '../SqliteEventLog.js'

const [path, name, countText] = process.argv.slice(2) as [string, string, string]
const log = SqliteEventLog.open(new Database(path), { busyTimeoutMs: 30_000, synchronous: 'NORMAL' })
const count = Number(countText)
let conflicts = 0
let appended = 0
const base = Date.UTC(2025, 0, 1)
for (let i = 0; i < count; i++) {
  const own = await log.append({
    streamId: Ids.customerId(name),
    events: [
      {
        type: 'Purchased',
        customerId: Ids.customerId(name),
        occurredAt: base + i,
        orderId: `${name}-${i}`,
        amountCents: 100,
        currency: 'USD',
      },
    ],
  })()
  if (own._tag === 'Left') throw new Error(JSON.stringify(own.left))
  appended += own.right.appended.length
  if (i % 10 === 0) {
    for (;;) {
      const stream = await log.readStream(Ids.customerId('shared'))()
      if (stream._tag === 'Left') throw new Error('read failed')
      const result = await log.append({
        streamId: Ids.customerId('shared'),
        events: [
          {
            type: 'Purchased',
            customerId: Ids.customerId('shared'),
            occurredAt: base + i,
            orderId: `${name}-${i}`,
            amountCents: 1,
            currency: 'USD',
          },
        ],
        expectedVersion: ExpectedVersion.exactly(stream.right.length),
      })()
      if (result._tag === 'Right') {
        appended += result.right.appended.length
        break
      }
      if (result.left._tag !== 'VersionConflict') throw new Error(JSON.stringify(result.left))
      conflicts++
    }
  }
}
log.close()
process.send?.({ conflicts, appended })
