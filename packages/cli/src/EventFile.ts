/**
 * Reads a file of events, JSON Lines, one line at a time (never the whole file as one string),
 * decoding each line and keeping its line number for error messages.
 */
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { DecodeError, LifecycleEvent } from '@lifeline/core'

/** One line of the file: a decoded event, or why it is not one. */
export type Line =
  | { readonly _tag: 'Event'; readonly line: number; readonly event: LifecycleEvent.LifecycleEvent }
  | { readonly _tag: 'Invalid'; readonly line: number; readonly message: string }

/** Decodes one line of JSON text. */
export const decodeLine = (line: number, text: string): Line => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { _tag: 'Invalid', line, message: `not valid JSON: ${DecodeError.renderValue(text)}` }
  }
  const decoded = LifecycleEvent.decode(json)
  return decoded._tag === 'Right'
    ? { _tag: 'Event', line, event: decoded.right }
    : { _tag: 'Invalid', line, message: DecodeError.format(decoded.left) }
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
