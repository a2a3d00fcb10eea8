/**
 * Erasure on SQLite: the rewrite of a forgotten customer's events, the references to it and the
 * checkpoints holding it, in one write transaction that alone may UPDATE events (the update
 * trigger calls `lifeline_erasing()`, which answers 1 only during that rewrite, and only on the
 * log's own connection).
 */
import { Erasure, EventLog, type CustomerId } from '@lifeline/core'
import type { Database } from '../Driver.js'
import { dataOf, fromRow, type EventRow } from './rows.js'

/**
 * The switch of `lifeline_erasing()`, the function the update trigger of events calls: on only
 * while `forget` rewrites, on the connection that registered it.
 */
export interface Switch {
  on: boolean
}

/** Registers `lifeline_erasing()` on the connection (before migrating: the trigger names it). */
export const register = (db: Database): Switch => {
  const erasing: Switch = { on: false }
  db.function('lifeline_erasing', { deterministic: false, directOnly: false }, () => (erasing.on ? 1 : 0))
  return erasing
}

/** The prepared statements of erasure. */
export const statements = (db: Database) => ({
  secret: db.prepare('SELECT secret FROM lifeline_secret WHERE id = 1'),
  any: db.prepare('SELECT EXISTS (SELECT 1 FROM erasures) AS any'),
  erasedAt: db.prepare('SELECT erased_at AS at FROM erasures WHERE key = ?'),
  record: db.prepare(
    'INSERT INTO erasures (key, erased_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET erased_at = excluded.erased_at',
  ),
  generation: db.prepare('SELECT n FROM lifeline_erasure_generation WHERE id = 1'),
  /** Whether ANALYZE has kept sample keys (sqlite_stat4) that may hold an erased id. */
  samples: db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('sqlite_stat4', 'sqlite_stat3')"),
  analyze: db.prepare('ANALYZE events'),
  nextGeneration: db.prepare('UPDATE lifeline_erasure_generation SET n = n + 1 WHERE id = 1'),
  own: db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY global_position'),
  references: db.prepare(
    `SELECT * FROM events WHERE type = 'OptedIn' AND json_extract(data, '$.referredBy') = ?
     UNION ALL SELECT * FROM events WHERE type = 'Referred' AND json_extract(data, '$.referredCustomerId') = ?`,
  ),
  rewrite: db.prepare(
    'UPDATE events SET event_id = ?, stream_id = ?, data = ?, metadata = ? WHERE global_position = ?',
  ),
  checkpoints: db.prepare('SELECT name, state FROM checkpoints'),
  saveState: db.prepare('UPDATE checkpoints SET state = ? WHERE name = ?'),
  drop: db.prepare('DELETE FROM checkpoints WHERE name = ?'),
})

/** The per-log secret of the keyed hashes. */
export const secretOf = (s: ReturnType<typeof statements>): Uint8Array =>
  new Uint8Array((s.secret.get() as { secret: Uint8Array }).secret)

/** The erasure instants of the erased ids among `ids` (no hashing at all while nobody is erased). */
export const erasedAt = (
  s: ReturnType<typeof statements>,
  secret: Uint8Array,
  ids: readonly string[],
): Map<CustomerId, number> => {
  const out = new Map<CustomerId, number>()
  if (ids.length === 0 || (s.any.get() as { any: number }).any === 0) return out
  for (const id of ids) {
    const row = s.erasedAt.get(Erasure.key(secret, id)) as { at: number } | undefined
    if (row !== undefined) out.set(id as CustomerId, row.at)
  }
  return out
}

/** The rewrite of one customer's events and references; must run inside a write transaction. */
const forgetOne = (
  s: ReturnType<typeof statements>,
  erasing: Switch,
  secret: Uint8Array,
  customerId: CustomerId,
  now: number,
): { readonly result: Erasure.ForgetResult; readonly rename: Erasure.Rename | null } => {
  const key = Erasure.key(secret, customerId)
  const rows = new Map<number, EventRow>()
  for (const row of s.own.all(customerId) as EventRow[]) rows.set(row.global_position, row)
  for (const row of s.references.all(customerId, customerId) as EventRow[]) rows.set(row.global_position, row)
  if (rows.size === 0) {
    const prior = s.erasedAt.get(key) as { at: number } | undefined
    return {
      result: prior === undefined ? { _tag: 'Unknown' } : { _tag: 'AlreadyErased', erasedAt: prior.at },
      rename: null,
    }
  }
  const rename = { customerId, pseudonym: Erasure.pseudonym() }
  let eventsRewritten = 0
  let referencesRewritten = 0
  erasing.on = true
  try {
    for (const row of rows.values()) {
      const rewritten = Erasure.rewrite(fromRow(row), rename)
      if (rewritten === null) continue
      if (row.stream_id === customerId) eventsRewritten++
      else referencesRewritten++
      const metadata = rewritten.metadata === undefined ? null : JSON.stringify(rewritten.metadata)
      s.rewrite.run(Erasure.newEventId(), rewritten.customerId, dataOf(rewritten), metadata, row.global_position)
    }
  } finally {
    erasing.on = false
  }
  s.record.run(key, now)
  const result = Erasure.forgotten(rename, eventsRewritten, referencesRewritten, now)
  return { result, rename }
}

/**
 * Forgets the customers in order, then rewrites each checkpoint once for all of them; must run
 * inside a write transaction.
 */
export const forget = (
  s: ReturnType<typeof statements>,
  erasing: Switch,
  secret: Uint8Array,
  customerIds: readonly CustomerId[],
  now: number,
  options: Erasure.ForgetOptions,
): Erasure.ForgetResult[] => {
  const done = customerIds.map((id) => forgetOne(s, erasing, secret, id, now))
  const renames = done.flatMap((d) => (d.rename === null ? [] : [d.rename]))
  if (renames.length === 0) return done.map((d) => d.result)
  // Checkpoints saved from now on by a report that read under the old generation are refused.
  s.nextGeneration.run()
  // Statistics an operator's ANALYZE kept sample the index keys (customer ids among them): take
  // them again from the rewritten rows.
  if (s.samples.get() !== undefined) s.analyze.run()
  let checkpointsRewritten = 0
  let checkpointsDropped = 0
  for (const { name, state } of s.checkpoints.all() as { name: string; state: string | Uint8Array }[]) {
    const action = Erasure.checkpointAction(name, EventLog.storedBytes(state), renames, options.rewriteCheckpoint)
    if (action._tag === 'drop') {
      s.drop.run(name)
      checkpointsDropped++
    } else if (action._tag === 'rewritten') {
      s.saveState.run(action.state, name)
      checkpointsRewritten++
    }
  }
  return done.map(({ result }) =>
    result._tag === 'Forgotten' ? { ...result, checkpointsRewritten, checkpointsDropped } : result,
  )
}
