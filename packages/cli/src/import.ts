/**
 * `lifeline import`: imports an events file (JSON Lines or CSV) into the SQLite log.
 */
import { appendFileSync } from 'node:fs'
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

/** Writes the rejections next to the database; returns the file's path. */
export const writeRejects = (db: string, source: string, rejected: readonly Importer.Rejection[]): string => {
  const path = rejectsPath(db)
  const at = new Date().toISOString()
  appendFileSync(path, rejected.map((r) => `${JSON.stringify({ file: source, importedAt: at, ...r })}\n`).join(''))
  return path
}

/** Prints an import's summary; returns the exit status. */
export const summarize = (io: Io, db: string, source: string, result: Importer.Result): number => {
  const fmt = (n: number) => n.toLocaleString('en')
  if (result.aborted) {
    const path = writeRejects(db, source, result.rejected)
    io.stderr(`--strict: ${fmt(result.rejected.length)} line(s) rejected, nothing imported; details in ${path}\n`)
    for (const r of result.rejected.slice(0, 10)) io.stderr(`line ${r.line}: ${r.reason}\n`)
    return EXIT.rejected
  }
  io.stderr(
    `imported ${fmt(result.appended)} event(s) from ${fmt(result.read)} line(s)` +
      (result.alreadyStored > 0 ? `; ${fmt(result.alreadyStored)} already stored` : '') +
      (result.repeated > 0 ? `; ${fmt(result.repeated)} repeated in the file` : '') +
      '\n',
  )
  if (result.rejected.length === 0) return EXIT.ok
  const path = writeRejects(db, source, result.rejected)
  for (const r of result.rejected.slice(0, 10)) io.stderr(`line ${r.line}: ${r.reason}\n`)
  if (result.rejected.length > 10) io.stderr(`... and ${fmt(result.rejected.length - 10)} more\n`)
  io.stderr(`${fmt(result.rejected.length)} line(s) rejected; every one is in ${path}\n`)
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
  const log = await openLog(values.db)
  try {
    const bar = progress(io, 'importing')
    const result = await Importer.importLines(log, readEvents(file, values.format), {
      strict: values.strict,
      onProgress: bar.import,
    })
    return summarize(io, values.db, file, result)
  } finally {
    await log.close()
  }
}
