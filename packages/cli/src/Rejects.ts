/**
 * The rejects file of an import after an erasure: every line that holds the forgotten id (as a
 * customer, a referrer, a referred person, or anywhere in the rejected input) is removed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const holdsId = (value: unknown, id: string): boolean => {
  if (typeof value === 'string') return value.includes(id)
  if (Array.isArray(value)) return value.some((v) => holdsId(v, id))
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([k, v]) => k.includes(id) || holdsId(v, id))
  }
  return false
}

/** True when a line of a rejects file holds the id: in its raw text, or in any decoded string. */
export const lineHolds = (line: string, id: string): boolean => {
  if (line.includes(id) || line.includes(JSON.stringify(id).slice(1, -1))) return true
  try {
    return holdsId(JSON.parse(line), id)
  } catch {
    return false
  }
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
