/**
 * `lifeline import`: imports an events file (JSON Lines or CSV) into the SQLite log.
 */
import { createHash } from 'node:crypto'
import { accessSync, appendFileSync, constants, createReadStream, existsSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Importer, readEvents } from '@lifeline/pipeline'
import { EXIT, UsageError, type Io } from './Io.js'
import { progress } from './Progress.js'
import { isPostgres, openLog } from './Database.js'

/** The command's help text. */
export const help = `Usage: lifeline import FILE --db PATH [--strict]

Imports lifecycle events into the SQLite log at PATH (created if needed). FILE is JSON Lines, or
CSV with a header line naming the same fields (when it ends in .csv, or with --format csv). Each
event goes through the codec, then the lifecycle rules (each customer in time order), then the
log. Importing the same file again appends nothing.

Options:
  --db PATH|URL      the SQLite file, or a PostgreSQL URL (postgres://user@host/db?schema=lifeline)
  --strict           any rejected line aborts the import: nothing is appended
  --format F         jsonl or csv (default: from the file name)
  -h, --help         this help

Rejected lines are appended, with their line number, reason and content, to PATH.rejects.jsonl
(for PostgreSQL: HOST-DB-SCHEMA.rejects.jsonl in the working directory); the exit status is then 1.
`

/**
 * Where rejections go: next to a SQLite file (`PATH.rejects.jsonl`); for PostgreSQL, in the
 * working directory, named after the host, database and schema.
 */
export const rejectsPath = (db: string): string => {
  if (!isPostgres(db)) return `${db}.rejects.jsonl`
  const url = new URL(db)
  const name = `${url.hostname}-${url.pathname.slice(1) || 'postgres'}-${url.searchParams.get('schema') ?? 'lifeline'}`
  return `${name.replace(/[^a-zA-Z0-9_.-]/g, '_')}.rejects.jsonl`
}

/** What identifies a rejected line in the rejects file: the file, the line and its content. */
const rejectKey = (file: unknown, line: unknown, input: unknown): string =>
  createHash('sha1')
    .update(JSON.stringify([file, line, input]))
    .digest('base64')

/**
 * The rejects file of `db`, appended to as rejections come (in blocks, so a million rejections
 * cost a few writes). A line already listed there for the same file, with the same content
 * (an earlier import of the same file), is not listed again.
 */
export const rejectsFile = async (db: string, source: string) => {
  const path = rejectsPath(db)
  const listed = new Set<string>()
  if (existsSync(path)) {
    for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      try {
        const r = JSON.parse(text) as { file?: unknown; line?: unknown; input?: unknown }
        listed.add(rejectKey(r.file, r.line, r.input))
      } catch {
        // A line of the file that is not JSON (edited by hand): kept, and not a key.
      }
    }
  }
  const at = new Date().toISOString()
  const first: Importer.Rejection[] = []
  let block = ''
  let count = 0
  let again = 0
  const flush = (): void => {
    if (block !== '') appendFileSync(path, block)
    block = ''
  }
  return {
    path,
    /** The first ten rejections, to print. */
    first,
    /** How many rejections there were, and how many of them were listed already. */
    counts: () => ({ count, again }),
    add: (r: Importer.Rejection): void => {
      count++
      if (first.length < 10) first.push(r)
      // The input as the file will hold it (JSON), so that keys compare equal after a round trip.
      const input = JSON.parse(JSON.stringify(r.input ?? null)) as unknown
      if (listed.has(rejectKey(source, r.line, input))) {
        again++
        return
      }
      block += `${JSON.stringify({ file: source, importedAt: at, ...r })}\n`
      if (block.length > 1 << 20) flush()
    },
    flush,
  }
}

/** Prints an import's summary; returns the exit status. */
export const summarize = (
  io: Io,
  result: Importer.Result,
  rejects: Awaited<ReturnType<typeof rejectsFile>>,
): number => {
  const fmt = (n: number) => n.toLocaleString('en')
  const { count, again } = rejects.counts()
  const path = rejects.path
  const listed = again > 0 ? ` (${fmt(again)} listed there already by an earlier import)` : ''
  if (result.aborted) {
    io.stderr(`--strict: ${fmt(count)} line(s) rejected, nothing imported; details in ${path}${listed}\n`)
    for (const r of rejects.first) io.stderr(`line ${r.line}: ${r.reason}\n`)
    return EXIT.rejected
  }
  io.stderr(
    `imported ${fmt(result.appended)} event(s) from ${fmt(result.read)} line(s)` +
      (result.alreadyStored > 0 ? `; ${fmt(result.alreadyStored)} already stored` : '') +
      (result.repeated > 0 ? `; ${fmt(result.repeated)} repeated in the file` : '') +
      '\n',
  )
  if (count === 0) return EXIT.ok
  for (const r of rejects.first) io.stderr(`line ${r.line}: ${r.reason}\n`)
  if (count > 10) io.stderr(`... and ${fmt(count - 10)} more\n`)
  io.stderr(`${fmt(count)} line(s) rejected; every one is in ${path}${listed}\n`)
  return EXIT.rejected
}

/** Runs `lifeline import`. */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      db: { type: 'string' },
      strict: { type: 'boolean', default: false },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  })
  if (values.help) {
    io.stdout(help)
    return EXIT.ok
  }
  const [file, ...extra] = positionals
  if (file === undefined || extra.length > 0) throw new UsageError('import takes one FILE (see lifeline import --help)')
  if (values.db === undefined) throw new UsageError('import needs --db PATH (see lifeline import --help)')
  if (values.format !== undefined && values.format !== 'jsonl' && values.format !== 'csv') {
    throw new UsageError(`--format: ${JSON.stringify(values.format)} is not jsonl or csv`)
  }
  // An input that cannot be read creates no database.
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`)
  if (statSync(file).isDirectory()) throw new UsageError(`${file} is a directory, not an events file`)
  try {
    accessSync(file, constants.R_OK)
  } catch {
    throw new UsageError(`permission denied: ${file}`)
  }
  const log = await openLog(values.db)
  try {
    const rejects = await rejectsFile(values.db, file)
    try {
      const result = await Importer.importLines(log, readEvents(file, values.format), {
        strict: values.strict,
        onProgress: progress(io).import,
        onRejected: rejects.add,
      })
      rejects.flush()
      return summarize(io, result, rejects)
    } catch (error) {
      rejects.flush()
      throw error
    }
  } finally {
    await log.close()
  }
}
