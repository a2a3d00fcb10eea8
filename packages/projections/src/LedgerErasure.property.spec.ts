import v8 from 'node:v8'
import { Erasure, EventLog, Ids, InMemoryEventLog, type LifecycleEvent } from '@lifeline/core'
import { Arbitraries } from '@lifeline/core/testing'
import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as LedgerCheckpoint from './LedgerCheckpoint.js'
import * as LedgerErasure from './LedgerErasure.js'
import * as Report from './Report.js'

type Event = LifecycleEvent.LifecycleEvent

const idOf = (i: number): string => `customer-${i}@example.org`
const metaOf = (i: number, j: number): string => `private-note-${i}-${j}`

const histories = Arbitraries.histories({ idOf, metaOf })

const collect = async (events: AsyncIterable<Event>): Promise<Event[]> => {
  const out: Event[] = []
  for await (const event of events) out.push(event)
  return out
}

const v8Codec: LedgerErasure.Codec = { decode: (b) => v8.deserialize(b) as unknown, encode: (v) => v8.serialize(v) }

describe('erasure keeps every figure', () => {
  it('forgetting any set of customers leaves the whole report equal (refolded, and resumed from a rewritten checkpoint), and the log and the checkpoint then hold none of their ids or metadata values', async () => {
    await fc.assert(
      fc.asyncProperty(
        histories,
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.array(fc.nat({ max: 5 }), { maxLength: 6 }),
        fc.constantFrom<Report.Report['period']>(
          { from: null, to: null },
          { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' },
        ),
        async (lists, picks, cut, chosen, period) => {
          const log = InMemoryEventLog.make()
          for (const event of Arbitraries.interleave(lists, picks)) {
            const appended = await log.append({ streamId: event.customerId, events: [event] })()
            if (appended._tag === 'Left') throw new Error(EventLog.formatError(appended.left))
          }
          const options = {
            ...(period.from === null ? {} : { from: Date.parse(period.from) }),
            ...(period.to === null ? {} : { to: Date.parse(period.to) }),
          }
          const fold = Report.fold(options)
          const before = await collect(EventLog.readAll(log))
          const whole = Fold.run(fold, before)
          // A checkpoint after the first k events, stored as the CLI stores it (v8).
          const k = cut % (before.length + 1)
          let checkpoint: Uint8Array | string = v8.serialize(
            LedgerCheckpoint.snapshot(Fold.feed(fold, fold.initial(), before.slice(0, k))),
          )
          // The first of the chosen alone, the others in one call: both paths of the log.
          const forgotten = [...new Set(chosen.filter((i) => i < lists.length))]
          const ids = forgotten.map((i) => Ids.customerId(idOf(i)))
          const first = await log.forgetMany(ids.slice(0, 1))()
          const rest = await log.forgetMany(ids.slice(1))()
          if (first._tag === 'Left' || rest._tag === 'Left') throw new Error('forget failed')
          const results = [...first.right, ...rest.right]
          const renames = results.flatMap((r, i) =>
            r._tag === 'Forgotten' ? [{ customerId: ids[i]!, pseudonym: r.pseudonym }] : [],
          )
          const rewrite = LedgerErasure.checkpointRewriter(v8Codec)
          for (const batch of [renames.slice(0, 1), renames.slice(1)]) {
            if (batch.length === 0) continue
            const bytes = EventLog.checkpointBytes(checkpoint)
            const next = rewrite('report', bytes, batch)
            if (next === null) throw new Error('a ledger snapshot is rewritten, never dropped')
            checkpoint = next ?? bytes
          }
          const after = await collect(EventLog.readAll(log))
          expect(Fold.run(fold, after)).toEqual(whole)
          const resumed = LedgerCheckpoint.restore(
            v8.deserialize(EventLog.checkpointBytes(checkpoint)) as LedgerCheckpoint.Snapshot,
          )
          expect(fold.result(Fold.feed(fold, resumed, after.slice(k)))).toEqual(whole)
          const text = JSON.stringify(after)
          const bytes = EventLog.checkpointBytes(checkpoint)
          for (const i of forgotten) {
            expect(text).not.toContain(JSON.stringify(idOf(i)))
            expect(Erasure.holds(bytes, idOf(i))).toBe(false)
            for (let j = 0; j < 20; j++) expect(text).not.toContain(metaOf(i, j))
          }
          // The others keep their ids (what is forgotten is exactly the chosen set).
          for (let i = 0; i < lists.length; i++) {
            if (!forgotten.includes(i) && lists[i]!.length > 0) expect(text).toContain(JSON.stringify(idOf(i)))
          }
        },
      ),
      { numRuns: 150 },
    )
  })
})
