import { InMemoryEventLog, type EventLog } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as CheckpointedReport from './CheckpointedReport.js'
import * as Importer from './Importer.js'

const optIn = (customerId: string, day: number) => ({
  type: 'OptedIn',
  customerId,
  occurredAt: `2025-01-${String(day).padStart(2, '0')}T09:00:00Z`,
  channel: 'seo',
})

/** An in-memory log with a checkpoint store of a Map. */
const logWithCheckpoints = () => {
  const stored = new Map<string, EventLog.StoredCheckpoint>()
  const log: CheckpointedReport.CheckpointedLog = {
    ...InMemoryEventLog.make(),
    loadCheckpoint: (name) => () => Promise.resolve({ _tag: 'Right', right: stored.get(name) ?? null }),
    saveCheckpoint: (name, c) => () => {
      const state = typeof c.state === 'string' ? new TextEncoder().encode(c.state) : c.state
      stored.set(name, { position: c.position, state })
      return Promise.resolve({ _tag: 'Right', right: undefined })
    },
  }
  return { log, stored }
}

async function* slowly<A>(items: readonly A[]): AsyncGenerator<A> {
  for (const item of items) yield await Promise.resolve(item)
}

describe('Importer.importFrom', () => {
  it('takes any async iterable of raw lines and objects, numbering them from 1', async () => {
    const log = InMemoryEventLog.make()
    // 1: a line, 2: an object, 3: blank (skipped, keeps its number), 4: no JSON, 5: no customer.
    const inputs = [JSON.stringify(optIn('ada', 6)), optIn('bob', 7), '  ', '{nope', { type: 'OptedIn' }]
    const seen: Importer.Progress[] = []
    const result = await Importer.importFrom(log, slowly(inputs), { onProgress: (p) => seen.push(p), batchSize: 1 })
    expect(result.read).toBe(4)
    expect(result.appended).toBe(2)
    expect(result.rejected.map((r) => r.line)).toEqual([4, 5])
    // Two accepted events in batches of one: two writing reports, 1/2 then 2/2.
    expect(seen).toEqual([
      { phase: 'writing', done: 1, total: 2 },
      { phase: 'writing', done: 2, total: 2 },
    ])
    const again = await Importer.importFrom(log, inputs)
    expect([again.appended, again.alreadyStored]).toEqual([0, 2])
  })

  it('appends nothing with strict when any input is rejected', async () => {
    const log = InMemoryEventLog.make()
    const result = await Importer.importFrom(log, [optIn('ada', 6), '{nope'], { strict: true })
    expect(result.aborted).toBe(true)
    expect(await log.headPosition()()).toEqual({ _tag: 'Right', right: 0 })
  })
})

describe('CheckpointedReport.report', () => {
  it('stores a checkpoint at the head, folds only what is new after it, and ignores a damaged one', async () => {
    const { log, stored } = logWithCheckpoints()
    await Importer.importFrom(log, [optIn('ada', 6), optIn('bob', 7)])
    const first = await CheckpointedReport.report(log)()
    expect(first._tag === 'Right' && first.right.leads.new).toBe(2)
    const name = CheckpointedReport.checkpointName({})
    expect(stored.get(name)?.position).toBe(2)
    await Importer.importFrom(log, [optIn('cy', 8)])
    const second = await CheckpointedReport.report(log)()
    expect(second._tag === 'Right' && second.right.leads.new).toBe(3)
    // One customer changed of three: more than an eighth, so a new snapshot at position 3.
    expect(stored.get(name)?.position).toBe(3)
    stored.set(name, { position: 3, state: Uint8Array.of(1, 2, 3) })
    const damaged = await CheckpointedReport.report(log)()
    expect(damaged._tag === 'Right' && damaged.right.leads.new).toBe(3)
  })
})
