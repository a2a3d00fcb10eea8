/**
 * The rejects file of an import after an erasure: every line that holds the forgotten id (as a
 * customer, a referrer, a referred person, or anywhere in the rejected input) is removed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** True when a raw input line (JSON Lines or CSV) names the id as a whole value. */
const rawHolds = (raw: string, id: string): boolean =>
  raw.includes(JSON.stringify(id)) || new RegExp(`(^|,)"?${escape(id)}"?(,|$)`).test(raw)

/**
 * True when a line of a rejects file names the id as a whole value: as the rejected input's
 * `customerId`, `referredBy` or `referredCustomerId`, in its raw text when it could not be
 * decoded, or quoted in the reason. `bob` does not match a line of `bobby`.
 */
export const lineHolds = (line: string, id: string): boolean => {
  let record: unknown
  try {
    record = JSON.parse(line)
  } catch {
    return rawHolds(line, id)
  }
  if (typeof record !== 'object' || record === null) return rawHolds(line, id)
  const { input, reason } = record as { input?: unknown; reason?: unknown }
  if (typeof reason === 'string' && reason.includes(JSON.stringify(id))) return true
  if (typeof input === 'string') return rawHolds(input, id)
  if (typeof input === 'object' && input !== null) {
    const fields = input as Record<string, unknown>
    return ['customerId', 'referredBy', 'referredCustomerId'].some((k) => fields[k] === id)
  }
  return false
}

/**
 * Removes from the rejects file at `path` every line holding one of `ids`; gives how many lines
 * it removed for each id (0 when the file does not exist). The file is rewritten in place.
 */
export const removeLines = (path: string, ids: readonly string[]): Map<string, number> => {
  const removed = new Map(ids.map((id) => [id, 0]))
  if (!existsSync(path)) return removed
  const lines = readFileSync(path, 'utf8').split('\n')
  const kept: string[] = []
  for (const line of lines) {
    const holders = line === '' ? [] : ids.filter((id) => lineHolds(line, id))
    for (const id of holders) removed.set(id, removed.get(id)! + 1)
    if (holders.length === 0) kept.push(line)
  }
  if ([...removed.values()].some((n) => n > 0)) writeFileSync(path, kept.join('\n'))
  return removed
}
