/**
 * Test fixture: the CDNOW sample as Purchased events (one per line of the file, in its order).
 */
import { readFileSync } from 'node:fs'
import { Ids, type LifecycleEvent } from '@lifeline/core'

/** The CDNOW files' folder in this repository. */
export const CDNOW = new URL('../../../../data/cdnow/', import.meta.url)

/** Parses CDNOW_sample.txt (or the master file's layout with `master: true`) into events. */
export const cdnowEvents = (file = 'CDNOW_sample.txt', master = false): LifecycleEvent.LifecycleEvent[] => {
  const lines = readFileSync(new URL(file, CDNOW), 'utf8').split(/\r?\n/)
  const events: LifecycleEvent.LifecycleEvent[] = []
  lines.forEach((line, i) => {
    const cols = line.trim().split(/\s+/)
    if (cols.length < 4 || (master && i === 0)) return
    const [id, date, , dollars] = master
      ? [cols[0]!, cols[1]!, cols[2]!, cols[3]!]
      : [cols[0]!, cols[2]!, cols[3]!, cols[4]!]
    events.push({
      type: 'Purchased',
      customerId: Ids.customerId(id),
      occurredAt: Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))),
      orderId: `line-${i + 1}`,
      amountCents: Math.round(Number(dollars) * 100),
      currency: 'USD',
    })
  })
  return events
}
