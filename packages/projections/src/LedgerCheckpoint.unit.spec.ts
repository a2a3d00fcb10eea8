import { Fixtures } from '@lifeline/core/testing'
import { describe, expect, it } from 'vitest'
import * as Fold from './Fold.js'
import * as Ledger from './Ledger.js'
import * as LedgerCheckpoint from './LedgerCheckpoint.js'
import * as Report from './Report.js'

const { at, cid, purchased, refunded } = Fixtures

describe('ledger checkpoints of refunds', () => {
  const options = { from: at('2025-02-01T00:00:00Z'), to: at('2025-04-01T00:00:00Z') }
  const fold = Report.fold(options)
  const before = [
    // a bought before from: its February order a2 is held until refunded.
    purchased('a', '2025-01-10T00:00:00Z', 'a1', 1000),
    purchased('a', '2025-02-10T00:00:00Z', 'a2', 1000),
    // b is new in the period: its refunded orders are held.
    purchased('b', '2025-02-11T00:00:00Z', 'b1', 1000),
    purchased('c', '2025-02-12T00:00:00Z', 'c1', 1000),
  ]
  const after = [refunded('a', '2025-02-20T00:00:00Z', 'a2', 100), refunded('b', '2025-02-21T00:00:00Z', 'b1', 100)]
  const later = [refunded('a', '2025-03-01T00:00:00Z', 'a2', 100), refunded('b', '2025-03-02T00:00:00Z', 'b1', 100)]

  it('a delta carries the order ids of changed rows, and clears those no longer held', () => {
    const state = Fold.feed(fold, fold.initial(), before)
    const rowOf = (id: string) => Ledger.rowOf(state.customers, cid(id))!
    expect(state.customers.refundOrders).toEqual(new Map([[rowOf('a'), new Set(['a2'])]]))
    const base = structuredClone(LedgerCheckpoint.snapshot(state))
    LedgerCheckpoint.markSaved(state)
    Fold.feed(fold, state, after)
    // a2's first refund empties a's list; b1's is held so that its next refund is not counted.
    expect(state.customers.refundOrders).toEqual(new Map([[rowOf('b'), new Set(['b1'])]]))
    const resumed = LedgerCheckpoint.restore(base, structuredClone(LedgerCheckpoint.delta(state, base.ids.length)))
    expect(resumed.customers.refundOrders).toEqual(state.customers.refundOrders)
    // Second refunds of a2 and b1 count no order again: orders a2, b1, c1; refunded a2, b1: 2 / 3.
    const r = fold.result(Fold.feed(fold, resumed, later))
    expect(r.refunds).toEqual({ count: 4, orderRate: 2 / 3 })
    expect(r).toEqual(Fold.run(fold, [...before, ...after, ...later]))
  })

  it('recognises a checkpoint of another format version by its version, and restores none', () => {
    const snapshot = LedgerCheckpoint.snapshot(Fold.feed(fold, fold.initial(), before))
    expect(LedgerCheckpoint.VERSION).toBe(6) // 6: the smaller rows of tiers and scoring
    expect(LedgerCheckpoint.versionOf(snapshot)).toBe(6)
    expect(LedgerCheckpoint.isCurrent(snapshot)).toBe(true)
    // What Lifeline wrote before refunds: version 2, without the facts of version 3.
    const { refundOrders: _orders, ...older } = { ...snapshot, version: 2 }
    expect(LedgerCheckpoint.versionOf(older)).toBe(2)
    expect(LedgerCheckpoint.isCurrent(older)).toBe(false)
    expect(() => LedgerCheckpoint.restore(older as unknown as LedgerCheckpoint.Snapshot)).toThrow(
      'a ledger checkpoint of version 2, not 6: fold again',
    )
    expect(LedgerCheckpoint.versionOf('not a checkpoint')).toBeNull()
    expect(LedgerCheckpoint.versionOf({ ids: [] })).toBeNull()
  })

  it('restores no checkpoint of format 5, whose columns format 6 no longer has, nor a delta of it', () => {
    // Given a snapshot as format 5 wrote it: a fit, cohort, month of the latest purchase, purchases
    // before from and survey scores column each, the first touch, engagement, its instant and
    // salesReadyAt in four columns,
    // and a ring of K (not K - 1) purchase instants.
    const state = Fold.feed(fold, fold.initial(), before)
    const current = LedgerCheckpoint.snapshot(state)
    const size = current.ids.length
    const { nurture: _nurture, ...rest } = current
    const format5 = {
      ...rest,
      version: 5,
      numbers: {
        ...current.numbers,
        fit: new Float64Array(size),
        firstNurturedAt: new Float64Array(size),
        engagement: new Float64Array(size),
        engagementAt: new Float64Array(size),
        salesReadyAt: new Float64Array(size),
      },
      integers: Object.fromEntries(
        [
          ...Object.keys(current.integers).filter((name) => name !== 'surveys'),
          'cohort',
          'lastPurchaseMonth',
          'nps',
          'csat',
          'fromWindowPurchases',
        ].map((name) => [name, new Int32Array(size)]),
      ),
      recent: [...current.recent, new Float64Array(size)],
    }
    // Then it is told apart by its version, and restoring it (alone or under a current delta) fails.
    expect(LedgerCheckpoint.versionOf(format5)).toBe(5)
    expect(LedgerCheckpoint.isCurrent(format5)).toBe(false)
    expect(() => LedgerCheckpoint.restore(format5 as unknown as LedgerCheckpoint.Snapshot)).toThrow(
      'a ledger checkpoint of version 5, not 6: fold again',
    )
    LedgerCheckpoint.markSaved(state)
    const change = { ...LedgerCheckpoint.delta(Fold.feed(fold, state, after), size), version: 5 }
    expect(LedgerCheckpoint.isCurrent(change)).toBe(false)
    expect(() =>
      LedgerCheckpoint.restore(structuredClone(current), change as unknown as LedgerCheckpoint.Delta),
    ).toThrow('a ledger checkpoint of version 5, not 6: fold again')
  })
})
