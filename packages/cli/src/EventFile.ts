/**
 * Reads a file of events, JSON Lines, one line at a time (never the whole file as one string),
 * decoding each line and keeping its line number for error messages.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { DecodeError, History, LifecycleError, LifecycleEvent } from '@lifeline/core'
import { parse } from 'csv-parse'

/** One line of the file: a decoded event, or why it is not one. */
export type Line =
  | { readonly _tag: 'Event'; readonly line: number; readonly event: LifecycleEvent.LifecycleEvent }
  | { readonly _tag: 'Invalid'; readonly line: number; readonly message: string; readonly input: unknown }

/** Decodes an already-parsed value (a JSON object, a CSV record made an object). */
export const decodeValue = (line: number, json: unknown): Line => {
  const decoded = LifecycleEvent.decode(json)
  return decoded._tag === 'Right'
    ? { _tag: 'Event', line, event: decoded.right }
    : { _tag: 'Invalid', line, message: DecodeError.formatInline(decoded.left), input: json }
}

/** Decodes one line of JSON text. */
export const decodeLine = (line: number, text: string): Line => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { _tag: 'Invalid', line, message: `not valid JSON: ${DecodeError.renderValue(text)}`, input: text }
  }
  return decodeValue(line, json)
}

/** The lines of a JSON Lines file, decoded; blank lines are skipped. */
export async function* readJsonLines(path: string): AsyncGenerator<Line> {
  const input = createReadStream(path, { encoding: 'utf8' })
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  let n = 0
  for await (const text of lines) {
    n++
    if (text.trim() === '') continue
    yield decodeLine(n, n === 1 ? text.replace(/^\uFEFF/, '') : text)
  }
}

const NUMERIC = new Set(['amountCents', 'acquisitionCostCents'])

/**
 * A CSV record as the event object it stands for: empty cells are absent fields; `amountCents`
 * and `acquisitionCostCents` are numbers when they look like one (the decoder rejects the rest
 * with its usual message); `metadata` is JSON text, and `metadata.KEY` columns fill it too.
 */
export const csvRecordToObject = (record: Readonly<Record<string, string>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  let metadata: Record<string, unknown> | undefined
  for (const [key, cell] of Object.entries(record)) {
    if (cell === '') continue
    if (key.startsWith('metadata.')) {
      ;(metadata ??= {})[key.slice('metadata.'.length)] = cell
    } else if (key === 'metadata') {
      try {
        metadata = { ...(JSON.parse(cell) as Record<string, unknown>), ...metadata }
      } catch {
        out[key] = cell
      }
    } else out[key] = NUMERIC.has(key) && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell
  }
  if (metadata !== undefined && out['metadata'] === undefined) out['metadata'] = metadata
  return out
}

/** The records of a CSV file with a header line naming the event fields, decoded. */
export async function* readCsv(path: string): AsyncGenerator<Line> {
  const parser = createReadStream(path).pipe(
    parse({ columns: true, bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }),
  )
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield decodeValue(item.info.lines, csvRecordToObject(item.record))
    }
  } catch (error) {
    const e = error as { lines?: number; message: string }
    yield { _tag: 'Invalid', line: e.lines ?? 0, message: `not valid CSV: ${e.message}`, input: null }
  }
}

/** Reads JSON Lines, or CSV when the path ends in `.csv` (or `format` says so). */
export const readEvents = (path: string, format?: 'jsonl' | 'csv'): AsyncGenerator<Line> =>
  (format ?? (path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl')) === 'csv' ? readCsv(path) : readJsonLines(path)

/** A file's history after the codec and the lifecycle rules. */
export interface FileHistory {
  /** The accepted events, each customer in time order. */
  readonly events: readonly LifecycleEvent.LifecycleEvent[]
  /** Lines rejected by the codec or the rules. */
  readonly rejected: number
  /** Events repeated in the file (same event id as an earlier line): ignored. */
  readonly repeated: number
}

/**
 * Reads an events file (any order) through the codec and the lifecycle rules, writing one line
 * per rejected line, in line order, with its number, field or rule, and reason, to `stderr`.
 */
export const readHistory = async (
  path: string,
  stderr: (text: string) => void,
  format?: 'jsonl' | 'csv',
): Promise<FileHistory> => {
  const decoded: { source: number; event: LifecycleEvent.LifecycleEvent }[] = []
  const errors: { line: number; message: string }[] = []
  for await (const line of readEvents(path, format)) {
    if (line._tag === 'Invalid') errors.push(line)
    else decoded.push({ source: line.line, event: line.event })
  }
  const admitted = History.admit(decoded)
  for (const r of admitted.rejected) errors.push({ line: r.source, message: LifecycleError.format(r.error) })
  errors.sort((a, b) => a.line - b.line)
  for (const e of errors) stderr(`line ${e.line}: ${e.message}\n`)
  return {
    events: admitted.accepted.map((a) => a.event),
    rejected: errors.length,
    repeated: admitted.duplicates.length,
  }
}
