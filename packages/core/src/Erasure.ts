/**
 * Erasure, the log's one sanctioned rewrite (EVENTS.md, "Erasure"): the pieces every log shares.
 * A forgotten customer's id becomes a pseudonym `erased-<UUID v4>` in its own events and in every
 * `referredBy` / `referredCustomerId` naming it; its events lose their metadata and get new random
 * ids; the log keeps only a keyed hash (HMAC-SHA-256 under a random per-log secret) of the id and
 * the erasure instant, to reject a re-import of the customer's earlier events as `Erased`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import type { CustomerId, EventId } from './Ids.js'
import type * as LifecycleEvent from './LifecycleEvent.js'
import type * as Timestamp from './Timestamp.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What `forget` did to one customer. */
export type ForgetResult = Forgotten | AlreadyErased | Unknown

/** The customer's events and the references to it were rewritten. */
export interface Forgotten {
  readonly _tag: 'Forgotten'
  /** The pseudonym that replaced the id: `erased-<UUID v4>`. */
  readonly pseudonym: CustomerId
  /** The customer's own events rewritten (pseudonym, no metadata, new ids). */
  readonly eventsRewritten: number
  /** Other customers' events whose `referredBy` / `referredCustomerId` named the customer. */
  readonly referencesRewritten: number
  /**
   * Checkpoints rewritten with the pseudonym (durable logs; 0 in memory). When several customers
   * are forgotten in one call, each checkpoint is rewritten once for all of them, and this counts
   * the call's.
   */
  readonly checkpointsRewritten: number
  /** Checkpoints that held the id and were not rewritten, so were removed (they refold); per call too. */
  readonly checkpointsDropped: number
  /** The erasure instant: earlier events of the customer are rejected as `Erased` from now on. */
  readonly erasedAt: Timestamp.Timestamp
  /**
   * True when the erasure is committed but the store could not yet remove the old bytes (SQLite:
   * a reader held an older snapshot, so the WAL was not truncated; the next `forget` or
   * checkpoint truncates it). A warning, not a failure.
   */
  readonly oldBytesPending: boolean
}

/** Nothing of the customer is left to erase: it was erased at `erasedAt` (a no-op). */
export interface AlreadyErased {
  readonly _tag: 'AlreadyErased'
  readonly erasedAt: Timestamp.Timestamp
}

/** The log never held the customer (a no-op). */
export interface Unknown {
  readonly _tag: 'Unknown'
}

/** The erasure a checkpoint rewriter applies: replace `customerId` by `pseudonym`. */
export interface Rename {
  readonly customerId: CustomerId
  readonly pseudonym: CustomerId
}

/**
 * Rewrites one stored checkpoint for an erasure of one or more customers (`renames`, each id to
 * its pseudonym): the new state (bytes or text), `null` to remove the checkpoint, or `undefined`
 * when the checkpoint is not one it knows. Either way, a state that still holds one of the ids
 * as a whole JSON or v8 string (`holdsId`) is removed, and its projection folds again.
 */
export type CheckpointRewriter = (
  name: string,
  state: Uint8Array,
  renames: readonly Rename[],
) => Uint8Array | string | null | undefined

/** Options of `forget`. */
export interface ForgetOptions {
  /** Rewrites the checkpoints it knows (e.g. ledger snapshots) with the pseudonym. */
  readonly rewriteCheckpoint?: CheckpointRewriter
}

/**
 * How an importer or a service reports an event it refuses as `Erased`: the rule only. Nothing
 * of the event (not even the field that named the customer) goes with it.
 */
export const REFUSAL = 'Erased: the event names a customer erased after it occurred; nothing of it is kept'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * One customer's erasure as a log reports it before its checkpoints are seen to: rewritten events
 * and references, no checkpoint counted yet, old bytes gone.
 */
export const forgotten = (
  rename: Rename,
  eventsRewritten: number,
  referencesRewritten: number,
  erasedAt: Timestamp.Timestamp,
): Forgotten => ({
  _tag: 'Forgotten',
  pseudonym: rename.pseudonym,
  eventsRewritten,
  referencesRewritten,
  checkpointsRewritten: 0,
  checkpointsDropped: 0,
  erasedAt,
  oldBytesPending: false,
})

/** A fresh pseudonym `erased-<random UUID v4>`. */
export const pseudonym = (): CustomerId => `erased-${randomUUID()}` as CustomerId

/** A fresh random event id (UUID v4). */
export const newEventId = (): EventId => randomUUID() as EventId

/** A fresh random per-log secret (32 bytes) for the keyed hashes of erased ids. */
export const newSecret = (): Uint8Array => new Uint8Array(randomBytes(32))

/** The keyed hash (HMAC-SHA-256, hex) under which a log records an erased id. */
export const key = (secret: Uint8Array, customerId: string): string =>
  createHmac('sha256', secret).update(customerId, 'utf8').digest('hex')

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Every customer id an event names: its own, and the `referredBy` / `referredCustomerId` it carries. */
export const namedIds = (event: LifecycleEvent.LifecycleEvent): readonly CustomerId[] => {
  if (event.type === 'OptedIn' && event.referredBy !== undefined) return [event.customerId, event.referredBy]
  if (event.type === 'Referred') return [event.customerId, event.referredCustomerId]
  return [event.customerId]
}

/**
 * The event with `rename.customerId` replaced by the pseudonym: as its customer (then its metadata
 * is removed) and as the customer it names (`referredBy`, `referredCustomerId`). The event id is
 * left to the caller (a rewritten event gets a new random one). `null` when it names neither.
 */
export const rewrite = <A extends LifecycleEvent.LifecycleEvent>(event: A, rename: Rename): A | null => {
  let changed = false
  let out: LifecycleEvent.LifecycleEvent = event
  if (out.customerId === rename.customerId) {
    const { metadata: _metadata, ...rest } = out
    out = { ...rest, customerId: rename.pseudonym }
    changed = true
  }
  if (out.type === 'OptedIn' && out.referredBy === rename.customerId) {
    out = { ...out, referredBy: rename.pseudonym }
    changed = true
  }
  if (out.type === 'Referred' && out.referredCustomerId === rename.customerId) {
    out = { ...out, referredCustomerId: rename.pseudonym }
    changed = true
  }
  return changed ? (out as A) : null
}

/**
 * The first event of an append that names a customer erased after the event occurred, as an
 * `Erased` failure's position, or null. `erasedAt` gives the erasure instant of each erased id
 * among those asked (ids not erased are left out).
 */
export const firstErased = (
  batches: readonly { readonly events: readonly LifecycleEvent.LifecycleEvent[] }[],
  erasedAt: ReadonlyMap<string, number>,
): { readonly batch: number; readonly index: number } | null => {
  if (erasedAt.size === 0) return null
  for (let b = 0; b < batches.length; b++) {
    const events = batches[b]!.events
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!
      for (const id of namedIds(event)) {
        const at = erasedAt.get(id)
        if (at !== undefined && event.occurredAt < at) return { batch: b, index }
      }
    }
  }
  return null
}

/** The distinct customer ids the batches' events name (for one erasure lookup per append). */
export const idsNamed = (
  batches: readonly { readonly events: readonly LifecycleEvent.LifecycleEvent[] }[],
): CustomerId[] => {
  const ids = new Set<CustomerId>()
  for (const batch of batches) for (const event of batch.events) for (const id of namedIds(event)) ids.add(id)
  return [...ids]
}

const indexOf = (haystack: Uint8Array, needle: Uint8Array): number => {
  if (needle.length === 0) return 0
  const first = needle[0]!
  outer: for (
    let i = haystack.indexOf(first);
    i !== -1 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

/**
 * The byte forms a serializer may give a string: UTF-8 (JSON, text), UTF-16LE (v8's two-byte
 * strings) and Latin-1 (v8's one-byte strings, when every character fits).
 */
export const byteForms = (s: string): Uint8Array[] => {
  const forms = [new TextEncoder().encode(s), new Uint8Array(Buffer.from(s, 'utf16le'))]
  if ([...s].every((c) => c.charCodeAt(0) < 256)) forms.push(new Uint8Array(Buffer.from(s, 'latin1')))
  return forms
}

/** True when `bytes` hold `s` in any of its byte forms (`byteForms`). */
export const holds = (bytes: Uint8Array, s: string): boolean => byteForms(s).some((form) => indexOf(bytes, form) !== -1)

const varint = (n: number): number[] => {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return out
}

/**
 * The byte forms of `id` as a whole string (not inside a longer one) in a serialized state: a
 * JSON string (`"id"`, UTF-8), and a string of `v8.serialize` (a one-byte or a two-byte string:
 * tag, length, characters).
 */
export const wholeIdForms = (id: string): Uint8Array[] => {
  const forms = [new TextEncoder().encode(JSON.stringify(id))]
  if ([...id].every((c) => c.charCodeAt(0) < 256)) {
    forms.push(new Uint8Array([0x22, ...varint(id.length), ...Buffer.from(id, 'latin1')]))
  }
  forms.push(new Uint8Array([0x63, ...varint(id.length * 2), ...Buffer.from(id, 'utf16le')]))
  return forms
}

/** True when a serialized state holds `id` as a whole string (`wholeIdForms`): `c10` is not found in `c100`. */
export const holdsId = (bytes: Uint8Array, id: string): boolean =>
  wholeIdForms(id).some((form) => indexOf(bytes, form) !== -1)

/**
 * What to do with one stored checkpoint after an erasure: its new bytes (`rewritten`), `drop`
 * it, or `keep` it: the rewriter's answer, unless the resulting state still holds one of the ids
 * as a whole string (`holdsId`), then `drop`. For durable logs' `forget`.
 */
export const checkpointAction = (
  name: string,
  state: Uint8Array,
  renames: readonly Rename[],
  rewriter: CheckpointRewriter | undefined,
):
  | { readonly _tag: 'keep' }
  | { readonly _tag: 'drop' }
  | { readonly _tag: 'rewritten'; readonly state: Uint8Array } => {
  const next = rewriter?.(name, state, renames)
  if (next === null) return { _tag: 'drop' }
  const bytes = next === undefined ? state : typeof next === 'string' ? new TextEncoder().encode(next) : next
  // Whatever the rewriter did, a state that still holds one of the ids is removed.
  if (renames.some((r) => holdsId(bytes, r.customerId))) return { _tag: 'drop' }
  return next === undefined ? { _tag: 'keep' } : { _tag: 'rewritten', state: bytes }
}
