import v8 from 'node:v8'
import { Erasure, EventLog, InMemoryEventLog, type RecordedEvent } from '@lifeline/core'
import { Fixtures } from '@lifeline/core/testing'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as LedgerCheckpoint from './LedgerCheckpoint.js'
import * as LedgerErasure from './LedgerErasure.js'
import * as Report from './Report.js'

const { cid, optedIn, purchased, referred } = Fixtures
const alice = 'alice@example.org'
const codec: LedgerErasure.Codec = { decode: (b) => v8.deserialize(b) as unknown, encode: (v) => v8.serialize(v) }

const collect = async (log: ReturnType<typeof InMemoryEventLog.make>): Promise<RecordedEvent.RecordedEvent[]> => {
  const out: RecordedEvent.RecordedEvent[] = []
  for await (const event of EventLog.readAll(log)) out.push(event)
  return out
}

describe('LedgerErasure', () => {
  it('Given bob (webinar) who refers alice (seo), both buying, when alice is forgotten, then the figures worked out by hand stay: 2 leads, 1 referral converted, referral rate 1/2', async () => {
    const log = InMemoryEventLog.make()
    await log.append({
      streamId: cid('bob'),
      events: [
        optedIn('bob', '2025-01-01T09:00:00Z', { channel: 'webinar' }),
        purchased('bob', '2025-01-02T09:00:00Z', 'B-1', 1_000),
        referred('bob', '2025-01-03T09:00:00Z', alice),
      ],
    })()
    await log.append({
      streamId: cid(alice),
      events: [
        {
          ...optedIn(alice, '2025-01-04T09:00:00Z', { channel: 'seo', referredBy: 'bob' }),
          metadata: { phone: '555-0100' },
        },
        purchased(alice, '2025-01-05T09:00:00Z', 'A-1', 4_900),
      ],
    })()
    const fold = Report.fold({ from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2025-02-01T00:00:00Z') })
    // The snapshot after bob's three events and alice's opt-in: alice is its second row.
    const events = await collect(log)
    const state = Fold.feed(fold, fold.initial(), events.slice(0, 4))
    expect(state.customers.ids.slice(0, state.customers.size)).toEqual(['bob', alice])
    const snapshot = v8.serialize(LedgerCheckpoint.snapshot(state))
    LedgerCheckpoint.markSaved(state)
    const delta = v8.serialize({
      basePosition: 4,
      delta: LedgerCheckpoint.delta(Fold.feed(fold, state, events.slice(4)), 2),
    })

    const result = await log.forget(cid(alice))()
    if (result._tag === 'Left' || result.right._tag !== 'Forgotten') throw new Error(JSON.stringify(result))
    const rename = { customerId: cid(alice), pseudonym: result.right.pseudonym }
    const rewrite = LedgerErasure.checkpointRewriter(codec)
    const newSnapshot = rewrite('report', snapshot, [rename])
    const restored = v8.deserialize(newSnapshot as Uint8Array) as LedgerCheckpoint.Snapshot
    expect(restored.ids).toEqual(['bob', rename.pseudonym])
    expect(Erasure.holds(newSnapshot as Uint8Array, alice)).toBe(false)
    // The delta holds alice's changed row but no new customer: nothing of her to rename in it.
    expect(rewrite('report delta', delta, [rename])).toBeUndefined()
    expect(rewrite('other', new TextEncoder().encode('not v8'), [rename])).toBeUndefined()

    const after = await collect(log)
    const report = fold.result(Fold.feed(fold, LedgerCheckpoint.restore(restored), after.slice(4)))
    expect(report.leads.new).toBe(2)
    expect(report.leads.newByChannel).toEqual({ seo: 1, webinar: 1 })
    expect(report.referrals).toEqual({ count: 1, rate: 0.5, converted: 1 })
    expect(report).toEqual(Fold.run(fold, events))
  })

  it('renames a new customer of a delta, and a row of a live state', () => {
    const fold = Report.fold({})
    const state = Fold.feed(fold, fold.initial(), [optedIn('ann', '2025-01-01T00:00:00Z')])
    LedgerCheckpoint.markSaved(state)
    Fold.feed(fold, state, [optedIn(alice, '2025-01-02T00:00:00Z')])
    const delta = LedgerCheckpoint.delta(state, 1)
    const rename = { customerId: cid(alice), pseudonym: cid('erased-00000000-0000-4000-8000-000000000000') }
    expect(LedgerErasure.renameDelta(delta, [rename])?.newIds).toEqual([rename.pseudonym])
    expect(LedgerErasure.renameDelta(delta, [{ ...rename, customerId: cid('nobody') }])).toBeNull()
    expect(LedgerErasure.renameInState(state, rename)).toBe(true)
    expect(Ledger.rowOf(state.customers, alice)).toBeUndefined()
    expect(Ledger.rowOf(state.customers, rename.pseudonym)).toBe(1)
    expect(LedgerErasure.renameInState(state, rename)).toBe(false)
  })
})
