/**
 * `lifeline forget`: erases customers (EVENTS.md, "Erasure"): in the log, its checkpoints, and
 * the rejects file of its imports. Every figure of the report stays the same.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { EventLog, Ids, Timestamp, type CustomerId, type Erasure } from '@lifeline/core'
import { CheckpointedReport } from '@lifeline/pipeline'
import { openLog } from './Database.js'
import { rejectsPath } from './import.js'
import { EXIT, UsageError, type Io } from './Io.js'
import * as Rejects from './Rejects.js'

/** The command's help text. */
export const help = `Usage: lifeline forget ID... --db PATH|URL [--ids FILE]

Erases each customer ID (the right to be forgotten): its id becomes a pseudonym erased-<uuid> in
its events and wherever another event names it, its events lose their metadata and get new ids,
the report checkpoints are rewritten with the pseudonym, and its lines are removed from the
rejects file of the log's imports. Every figure of the report stays the same. An event of an
erased customer that occurred before the erasure is refused from then on (a re-import of an old
file); a later one starts a new relationship. See docs/erasure.md.

Options:
  --db PATH|URL    the SQLite file or the PostgreSQL URL
  --ids FILE       more ids, one a line (blank lines are skipped)
  -h, --help       this help

Prints one line per id: erased (with what was rewritten), already erased, or unknown. It does
not print the pseudonyms: a line pairing an id with its pseudonym would identify the erased
stream to whoever keeps the output.
`

/** The ids of the command line and of `--ids FILE`, checked, each once, in order. */
const idsOf = (positionals: readonly string[], file: string | undefined): CustomerId[] => {
  const ids: CustomerId[] = []
  const add = (value: string, where: string): void => {
    const decoded = Ids.CustomerIdCodec.decode(value)
    if (decoded._tag === 'Left')
      throw new UsageError(`${where}: ${JSON.stringify(value)} is not a customer id (1 to 256 characters)`)
    if (!ids.includes(decoded.right)) ids.push(decoded.right)
  }
  for (const [i, value] of positionals.entries()) add(value, `argument ${i + 1}`)
  if (file !== undefined) {
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.forEach((raw, i) => {
      const value = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      if (value.trim() !== '') add(value, `${file} line ${i + 1}`)
    })
  }
  return ids
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/** One line saying what `forget` did to a customer. */
export const describeResult = (id: string, result: Erasure.ForgetResult, rejectLines: number, many = false): string => {
  const rejects = rejectLines > 0 ? `; ${plural(rejectLines, 'line')} removed from the rejects file` : ''
  switch (result._tag) {
    case 'Forgotten':
      return (
        `${id}: erased: ${plural(result.eventsRewritten, 'event')}, ` +
        `${plural(result.referencesRewritten, 'reference')} by other customers, ` +
        `${plural(result.checkpointsRewritten, 'checkpoint')} rewritten${result.checkpointsRewritten > 0 && many ? ' (for all the ids)' : ''}` +
        (result.checkpointsDropped > 0
          ? `, ${plural(result.checkpointsDropped, 'checkpoint')} removed (refolded next time)`
          : '') +
        rejects +
        (result.oldBytesPending
          ? '; the old bytes are still in the WAL (a reader held an old snapshot): run forget again to truncate it'
          : '')
      )
    case 'AlreadyErased':
      return `${id}: already erased (${Timestamp.format(result.erasedAt)}), nothing to do${rejects}`
    case 'Unknown':
      return `${id}: unknown to this log, nothing to do${rejects}`
  }
}

/** Runs `lifeline forget`. */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      db: { type: 'string' },
      ids: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  })
  if (values.help) {
    io.stdout(help)
    return EXIT.ok
  }
  if (values.db === undefined) throw new UsageError('forget needs --db PATH or URL (see lifeline forget --help)')
  const ids = idsOf(positionals, values.ids)
  if (ids.length === 0) throw new UsageError('forget needs at least one ID, or --ids FILE (see lifeline forget --help)')
  const log = await openLog(values.db)
  let results: readonly Erasure.ForgetResult[]
  try {
    // One transaction for all the ids: each checkpoint is rewritten once, not once per id.
    const forgot = await log.forgetMany(ids, { rewriteCheckpoint: CheckpointedReport.rewriteCheckpoint })()
    if (forgot._tag === 'Left') throw new UsageError(`nothing erased: ${EventLog.formatError(forgot.left)}`)
    results = forgot.right
  } finally {
    await log.close()
  }
  const rejects = rejectsPath(values.db)
  if (!existsSync(rejects)) io.stderr(`no rejects file at ${resolve(rejects)}: no lines to remove\n`)
  const removed = Rejects.removeLines(rejects, ids)
  for (const [i, id] of ids.entries()) {
    io.stdout(`${describeResult(id, results[i]!, removed.get(id) ?? 0, ids.length > 1)}\n`)
  }
  return EXIT.ok
}
