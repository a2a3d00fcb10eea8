/**
 * `lifeline export`: writes the whole log as JSON Lines in the wire format, event ids included,
 * in global order; importing the file elsewhere gives the same history (how to move a log from
 * SQLite to PostgreSQL).
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { EventLog, LifecycleEvent, RecordedEvent } from '@lifeline/core'
import { openLog } from './Database.js'
import { EXIT, UsageError, type Io } from './Io.js'

/** The command's help text. */
export const help = `Usage: lifeline export --db PATH|URL [--out FILE]

Writes every event of the log, in global order, as JSON Lines in the wire format with its
eventId (to stdout, or to FILE). Import the file into another log to move the history:

  lifeline export --db shop.db --out shop.jsonl
  lifeline import shop.jsonl --db postgres://app@db:5432/shop

Options:
  --db PATH|URL    the SQLite file or the PostgreSQL URL
  --out FILE       the file to write (default: stdout)
  -h, --help       this help
`

/** Runs `lifeline export`. */
export const run = async (args: readonly string[], io: Io): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: { db: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  })
  if (values.help) {
    io.stdout(help)
    return EXIT.ok
  }
  if (values.db === undefined) throw new UsageError('export needs --db PATH or URL (see lifeline export --help)')
  const log = await openLog(values.db)
  const file = values.out === undefined ? null : createWriteStream(values.out)
  let n = 0
  try {
    for await (const event of EventLog.readAll(log, { pageSize: 5_000 })) {
      const line = `${JSON.stringify(LifecycleEvent.encode(RecordedEvent.toLifecycleEvent(event)))}\n`
      if (file === null) {
        io.stdout(line)
        if (n % 1_000 === 999) await io.drained?.()
      } else if (!file.write(line)) await once(file, 'drain')
      n++
    }
  } finally {
    await log.close()
    if (file !== null) {
      file.end()
      await once(file, 'finish')
    }
  }
  io.stderr(`exported ${n.toLocaleString('en')} event(s)\n`)
  return EXIT.ok
}
