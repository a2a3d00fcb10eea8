/**
 * Reads a file of events, JSON Lines or CSV, one line at a time (never the whole file as one
 * string), decoding each line and keeping its line number for error messages. Bytes are checked
 * for UTF-8 line by line before they are decoded: a line that is not valid UTF-8 is rejected,
 * never read with replacement characters (which could make two different ids one).
 */
import { isUtf8 } from 'node:buffer'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { DecodeError, History, LifecycleError, LifecycleEvent } from '@lifeline/core'
import { parse } from 'csv-parse'

/** One line of the file: a decoded event, or why it is not one. */
export type Line =
  | { readonly _tag: 'Event'; readonly line: number; readonly event: LifecycleEvent.LifecycleEvent }
  | { readonly _tag: 'Invalid'; readonly line: number; readonly message: string; readonly input: unknown }

/** A file that cannot be read as events at all (a bad CSV header): nothing of it is imported. */
export class InvalidFile extends Error {
  override readonly name = 'InvalidFile'
}

/** The reason given for a line whose bytes are not UTF-8. */
export const NOT_UTF8 = 'not valid UTF-8 (the line is rejected whole: fix the encoding of the file)'

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

/**
 * The physical lines of a byte stream, numbered from 1, as bytes without their `\n` (nor a `\r`
 * before it), so that each can be checked for UTF-8 before it is decoded.
 */
export async function* byteLines(input: AsyncIterable<Buffer>): AsyncGenerator<{ n: number; bytes: Buffer }> {
  let rest: Buffer | null = null
  let n = 0
  const cut = (line: Buffer): Buffer =>
    line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line
  for await (const chunk of input) {
    const data: Buffer = rest === null ? chunk : Buffer.concat([rest, chunk])
    let start = 0
    for (let end = data.indexOf(0x0a); end >= 0; end = data.indexOf(0x0a, start)) {
      yield { n: ++n, bytes: cut(data.subarray(start, end)) }
      start = end + 1
    }
    rest = start < data.length ? Buffer.from(data.subarray(start)) : null
  }
  if (rest !== null) yield { n: ++n, bytes: cut(rest) }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The lines of a JSON Lines file, decoded; blank lines are skipped. A line that is not valid
 * UTF-8 is rejected whole; its bytes are kept, as base64, in the rejection's input.
 */
export async function* readJsonLines(path: string): AsyncGenerator<Line> {
  yield* jsonLinesOf(createReadStream(path))
}

/**
 * The lines of a JSON Lines byte stream (a file, an HTTP request body, a socket), decoded, as
 * `readJsonLines` reads a file.
 */
export async function* jsonLinesOf(input: AsyncIterable<Buffer>): AsyncGenerator<Line> {
  for await (const { n, bytes } of byteLines(input)) {
    const body = n === 1 && bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes
    if (!isUtf8(body)) {
      yield { _tag: 'Invalid', line: n, message: NOT_UTF8, input: { base64: body.toString('base64') } }
      continue
    }
    const text = body.toString('utf8')
    if (text.trim() === '') continue
    yield decodeLine(n, text)
  }
}

const NUMERIC = new Set(['amountCents', 'acquisitionCostCents', 'score'])

/** The columns a CSV header may name: every field of every event type, and `metadata.KEY`. */
export const CSV_COLUMNS: ReadonlySet<string> = new Set([
  'type',
  'customerId',
  'occurredAt',
  'eventId',
  'metadata',
  ...LifecycleEvent.EVENT_TYPES.flatMap((type) => LifecycleEvent.DATA_KEYS[type]),
])

/**
 * Checks a CSV header: every column names a field (or `metadata.KEY`) and no column is named
 * twice. Throws `InvalidFile` naming the column otherwise.
 */
export const checkCsvHeader = (columns: readonly string[]): void => {
  const seen = new Set<string>()
  for (const column of columns) {
    if (seen.has(column)) throw new InvalidFile(`the header names the column ${JSON.stringify(column)} twice`)
    seen.add(column)
    const isMetadata = column.startsWith('metadata.') && column.length > 'metadata.'.length
    if (!CSV_COLUMNS.has(column) && !isMetadata) {
      throw new InvalidFile(`the header's column ${JSON.stringify(column)} is no event field (nor metadata.KEY)`)
    }
  }
}

/**
 * A CSV record as the event object it stands for: empty cells are absent fields; `amountCents`,
 * `acquisitionCostCents` and `score` are numbers when they look like one (the decoder rejects
 * the rest with its usual message); `metadata` is JSON text, and `metadata.KEY` columns fill it too.
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

/**
 * The records of a CSV file with a header line naming the event fields, decoded. A header that
 * names a column twice, or a column that is no field, rejects the file (`InvalidFile`); a record
 * on a line whose bytes are not valid UTF-8 is rejected whole.
 */
export async function* readCsv(path: string): AsyncGenerator<Line> {
  yield* csvOf(createReadStream(path), path)
}

/** The records of a CSV byte stream, decoded, as `readCsv` reads a file; `name` names it in errors. */
export async function* csvOf(input: AsyncIterable<Buffer>, name = 'the input'): AsyncGenerator<Line> {
  // The physical lines that are not UTF-8, noted as their bytes pass on to the parser: the
  // parser reads a record only after its bytes went through, so its lines are known by then.
  const badLines = new Set<number>()
  async function* checked(): AsyncGenerator<Buffer> {
    const lines = byteLines(input)
    for await (const { n, bytes } of lines) {
      if (!isUtf8(bytes)) badLines.add(n)
      yield Buffer.concat([bytes, NEWLINE])
    }
  }
  const parser = Readable.from(checked()).pipe(
    parse({
      columns: (header: string[]) => {
        if (badLines.has(1)) throw new InvalidFile(`the header line is ${NOT_UTF8}`)
        checkCsvHeader(header)
        return header
      },
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }),
  )
  let lastLine = 1
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const end = item.info.lines
      let invalid = false
      for (let l = lastLine + 1; l <= end; l++) if (badLines.has(l)) invalid = true
      lastLine = end
      yield invalid
        ? { _tag: 'Invalid', line: end, message: NOT_UTF8, input: null }
        : decodeValue(end, csvRecordToObject(item.record))
    }
  } catch (error) {
    const e = error as { lines?: number; message: string; cause?: unknown }
    const invalid = error instanceof InvalidFile ? error : e.cause instanceof InvalidFile ? e.cause : null
    if (invalid !== null) throw new InvalidFile(`${name}: ${invalid.message}; nothing of the file was read`)
    yield { _tag: 'Invalid', line: e.lines ?? 0, message: `not valid CSV: ${e.message}`, input: null }
  }
}

const NEWLINE = Buffer.from('\n')

/** Reads JSON Lines, or CSV when the path ends in `.csv` (or `format` says so). */
export const readEvents = (path: string, format?: 'jsonl' | 'csv'): AsyncGenerator<Line> =>
  (format ?? (path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl')) === 'csv' ? readCsv(path) : readJsonLines(path)

/**
 * Decodes any sequence of raw inputs, numbered from 1: a string is one line of JSON text (blank
 * lines are skipped, and keep their number), anything else an already-parsed event object (a
 * row of a query, a message of a queue).
 */
export async function* decodeAll(inputs: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<Line> {
  let n = 0
  for await (const input of inputs) {
    n++
    if (typeof input === 'string') {
      if (input.trim() !== '') yield decodeLine(n, input)
    } else yield decodeValue(n, input)
  }
}

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
