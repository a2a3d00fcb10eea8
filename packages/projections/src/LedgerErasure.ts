/**
 * Erasure and the ledger: the ledger keeps customer ids (one per row), in its live state, its
 * snapshots (`ids`) and its deltas (`newIds`). When a log forgets a customer (EVENTS.md,
 * "Erasure"), these rename the row to the pseudonym, so that a report resumes from its
 * checkpoint (without refolding the log), is right, and holds no trace of the id. Every figure
 * stays the same: the row keeps all its facts, only its name changes, exactly as in the log.
 */
import type { Erasure } from '@lifeline/core'
import type * as Ledger from './Ledger.js'
import * as LedgerCheckpoint from './LedgerCheckpoint.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** How a store turns checkpoint values into bytes and back (e.g. `v8.serialize` / `v8.deserialize`). */
export interface Codec {
  /** The stored value back from its bytes; throws when they are not of this codec. */
  readonly decode: (bytes: Uint8Array) => unknown
  /** A value as the bytes (or text) to store. */
  readonly encode: (value: unknown) => Uint8Array | string
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const renamed = (ids: readonly string[], renames: readonly Erasure.Rename[]): string[] | null => {
  let out: string[] | null = null
  if (renames.length === 1) {
    const at = ids.indexOf(renames[0]!.customerId)
    if (at === -1) return null
    out = ids.slice()
    out[at] = renames[0]!.pseudonym
    return out
  }
  const to = new Map(renames.map((r) => [r.customerId as string, r.pseudonym as string]))
  for (let i = 0; i < ids.length; i++) {
    const pseudonym = to.get(ids[i]!)
    if (pseudonym === undefined) continue
    out ??= ids.slice()
    out[i] = pseudonym
  }
  return out
}

/** Renames the customer in a live ledger state, in place; false when the state does not know it. */
export const renameInState = (state: Ledger.State, rename: Erasure.Rename): boolean => {
  const c = state.customers
  const at = c.ids.indexOf(rename.customerId)
  if (at === -1 || at >= c.size) return false
  c.ids[at] = rename.pseudonym
  c.index = null
  return true
}

/** The snapshot with the customers renamed, or null when it holds none of them. */
export const renameSnapshot = (
  snapshot: LedgerCheckpoint.Snapshot,
  renames: readonly Erasure.Rename[],
): LedgerCheckpoint.Snapshot | null => {
  const ids = renamed(snapshot.ids, renames)
  return ids === null ? null : { ...snapshot, ids }
}

/** The delta with the customers renamed (among its new customers), or null when it holds none of them. */
export const renameDelta = (
  delta: LedgerCheckpoint.Delta,
  renames: readonly Erasure.Rename[],
): LedgerCheckpoint.Delta | null => {
  const newIds = renamed(delta.newIds, renames)
  return newIds === null ? null : { ...delta, newIds }
}

const isSnapshot = (u: unknown): u is LedgerCheckpoint.Snapshot =>
  LedgerCheckpoint.isCurrent<LedgerCheckpoint.Snapshot>(u) && Array.isArray((u as { ids?: unknown }).ids)

const isDelta = (u: unknown): u is LedgerCheckpoint.Delta =>
  LedgerCheckpoint.isCurrent<LedgerCheckpoint.Delta>(u) && Array.isArray((u as { newIds?: unknown }).newIds)

/**
 * A checkpoint rewriter for a log's `forget`: it renames the customers in every stored ledger
 * snapshot or delta (also one held in a property of a stored object, as a delta stored with the
 * position of its snapshot), and leaves other checkpoints alone (`undefined`). A ledger
 * checkpoint of another format version cannot be rewritten: it is removed when it holds the id
 * (the log checks), and the report folds again.
 *
 * @example
 * ```ts
 * const rewriteCheckpoint = LedgerErasure.checkpointRewriter({ decode: v8.deserialize, encode: v8.serialize })
 * await log.forget(customerId, { rewriteCheckpoint })()
 * ```
 */
export const checkpointRewriter =
  (codec: Codec): Erasure.CheckpointRewriter =>
  (_name, state, renames) => {
    let value: unknown
    try {
      value = codec.decode(state)
    } catch {
      return undefined
    }
    if (isSnapshot(value)) {
      const next = renameSnapshot(value, renames)
      return next === null ? undefined : codec.encode(next)
    }
    if (isDelta(value)) {
      const next = renameDelta(value, renames)
      return next === null ? undefined : codec.encode(next)
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const record = value as Record<string, unknown>
      for (const [key, inner] of Object.entries(record)) {
        const next = isSnapshot(inner)
          ? renameSnapshot(inner, renames)
          : isDelta(inner)
            ? renameDelta(inner, renames)
            : null
        if (next !== null) return codec.encode({ ...record, [key]: next })
      }
    }
    return undefined
  }
