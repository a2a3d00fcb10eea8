// SQLite benchmark cases, one per process: node scripts/bench-sqlite.mjs CASE EVENTS [ROUND] WORKDIR.
// Prints one JSON line: { case, events, seconds, peakRssMiB }.
import { createHash } from 'node:crypto'
import { appendFileSync, createReadStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { Generator, main, reportFromDatabase } from '@lifeline/cli'
import { Importer, readEvents } from '@lifeline/pipeline'
import { Customer, Decider, ExpectedVersion, LifecycleEvent } from '@lifeline/core'
import { LedgerErasure, ProjectionRunner, Report } from '@lifeline/projections'
import v8 from 'node:v8'
import Database from 'better-sqlite3'
import { foldReport, freshSqlite, timed } from './bench-common.mjs'

const [kind, eventsArg, ...rest] = process.argv.slice(2)
const work = rest.at(-1)
const round = rest.length > 1 ? Number(rest[0]) : 0
const target = Number(eventsArg)
const options = { customers: Math.round(target / 10), start: Date.UTC(2025, 0, 1), days: 365, seed: 20251123 }
const file = join(work, `events-${target}.jsonl`)
// The same events with customers in no time order: the lines shuffled (seeded), as an export
// sorted by something else would give them.
const shuffled = join(work, `events-${target}-shuffled.jsonl`)
const fresh = (name) => freshSqlite(work, name)
const open = (path) => SqliteEventLog.open(new Database(path))
const timedAsync = timed
const generated = () => [...Generator.generate(options)]
const rowOf = (event, version) => {
  const { type, customerId, occurredAt, eventId: _e, metadata, ...data } = event
  return [
    LifecycleEvent.idOf(event),
    customerId,
    version,
    type,
    JSON.stringify(data),
    metadata === undefined ? null : JSON.stringify(metadata),
    occurredAt,
    0,
  ]
}
const INSERT =
  'INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata, occurred_at, recorded_at) VALUES (?,?,?,?,?,?,?,?)'

/**
 * Writes the shuffled file in bounded memory (10M events do not fit as objects): each generated
 * line goes to one of 64 buckets at random, then each bucket is shuffled in memory and appended.
 */
async function shuffle() {
  let seed = 20251130
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
  const buckets = Array.from({ length: 64 }, (_, i) => join(work, `bucket-${i}.tmp`))
  const pending = buckets.map(() => [])
  const flush = (i) => {
    appendFileSync(buckets[i], pending[i].join(''))
    pending[i] = []
  }
  for (const b of buckets) rmSync(b, { force: true })
  for (const e of Generator.generate(options)) {
    const i = Math.floor(random() * 64)
    pending[i].push(`${JSON.stringify(LifecycleEvent.encode(e))}\n`)
    if (pending[i].length === 10_000) flush(i)
  }
  pending.forEach((_, i) => flush(i))
  rmSync(shuffled, { force: true })
  for (const b of buckets) {
    const lines = readFileSync(b, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[lines[i], lines[j]] = [lines[j], lines[i]]
    }
    appendFileSync(shuffled, lines.join('\n') + '\n')
    rmSync(b)
  }
}

let result
switch (kind) {
  case 'setup': {
    // The input file and a database of the whole history, for the read and incremental cases.
    if (!existsSync(file) && !rest.includes('--files-only'))
      writeFileSync(
        file,
        generated()
          .map((e) => JSON.stringify(LifecycleEvent.encode(e)))
          .join('\n') + '\n',
      )
    if (!existsSync(shuffled)) await shuffle()
    if (rest.includes('--files-only')) {
      result = { n: 0, seconds: 0 }
      break
    }
    const db = join(work, `full-${target}.db`)
    if (!existsSync(db)) {
      const log = open(db)
      await Importer.importLines(log, readEvents(file))
      log.close()
    }
    result = { n: 0, seconds: 0 }
    break
  }
  case 'import-raw': {
    // Baseline: the same rows, prepared in advance, inserted in 5,000-row transactions.
    const versions = new Map()
    const rows = generated()
      .sort((a, b) => a.occurredAt - b.occurredAt)
      .map((e) => {
        const v = (versions.get(e.customerId) ?? 0) + 1
        versions.set(e.customerId, v)
        return rowOf(e, v)
      })
    const log = open(fresh('raw.db'))
    const insert = log.db.prepare(INSERT)
    const batch = log.db.transaction((slice) => {
      for (const row of slice) insert.run(...row)
    })
    result = await timed(() => {
      for (let i = 0; i < rows.length; i += 5000) batch.immediate(rows.slice(i, i + 5000))
      return rows.length
    })
    log.close()
    break
  }
  case 'import': {
    // Lifeline: read and parse the JSONL file, decode, rules, append.
    const log = open(fresh('import.db'))
    result = await timedAsync(async () => (await Importer.importLines(log, readEvents(file))).appended)
    log.close()
    break
  }
  case 'import-lines-raw': {
    // The least a durable idempotent log needs (issue 16): a raw better-sqlite3 loop that parses
    // each line of the shuffled file and inserts it, in 10,000-row transactions, into a table with
    // an integer position, a unique event id (a hash of the line) and a unique (stream, version).
    const db = new Database(fresh('lines-raw.db'))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
      version INTEGER NOT NULL, data TEXT NOT NULL, UNIQUE (stream, version))`)
    const insert = db.prepare('INSERT INTO events (event_id, stream, version, data) VALUES (?, ?, ?, ?)')
    const batch = db.transaction((rows) => {
      for (const row of rows) insert.run(...row)
    })
    result = await timedAsync(async () => {
      const versions = new Map()
      let rows = []
      let n = 0
      for await (const line of createInterface({ input: createReadStream(shuffled), crlfDelay: Infinity })) {
        if (line === '') continue
        const event = JSON.parse(line)
        const version = (versions.get(event.customerId) ?? 0) + 1
        versions.set(event.customerId, version)
        rows.push([createHash('sha1').update(line).digest('hex'), event.customerId, version, line])
        if (rows.length === 10_000) {
          batch.immediate(rows)
          rows = []
        }
        n++
      }
      batch.immediate(rows)
      return n
    })
    db.close()
    break
  }
  case 'import-shuffled':
  case 'reimport-shuffled': {
    // Lifeline's import of the shuffled file into a new log; then the same file again into it.
    const path = join(work, `shuffled-${target}.db`)
    const log = open(kind === 'import-shuffled' ? fresh(`shuffled-${target}.db`) : path)
    result = await timedAsync(async () => {
      const r = await Importer.importLines(log, readEvents(shuffled))
      if (r.rejectedCount > 0) throw new Error(`${r.rejectedCount} rejected`)
      return kind === 'import-shuffled' ? r.appended : r.alreadyStored
    })
    log.close()
    break
  }
  case 'per-customer-raw':
  case 'per-customer': {
    // One transaction per customer: its whole history, after checking the stream's version.
    const byCustomer = new Map()
    for (const e of generated().slice(0, 100_000)) {
      const list = byCustomer.get(e.customerId)
      if (list === undefined) byCustomer.set(e.customerId, [e])
      else list.push(e)
    }
    const log = open(fresh(`${kind}.db`))
    if (kind === 'per-customer-raw') {
      const version = log.db.prepare('SELECT COALESCE(MAX(stream_version), 0) AS v FROM events WHERE stream_id = ?')
      const insert = log.db.prepare(INSERT)
      const append = log.db.transaction((id, events) => {
        const v = version.get(id).v
        if (v !== 0) throw new Error('conflict')
        events.forEach((e, i) => insert.run(...rowOf(e, v + i + 1)))
      })
      result = await timed(() => {
        let n = 0
        for (const [id, events] of byCustomer) {
          append.immediate(id, events)
          n += events.length
        }
        return n
      })
    } else {
      result = await timedAsync(async () => {
        let n = 0
        for (const [id, events] of byCustomer) {
          let state = Customer.initial
          for (const event of events) {
            const decision = Decider.decideEvent(event, state)
            if (decision._tag === 'Left') throw new Error('rejected')
            state = Customer.evolve(state, event)
          }
          const appended = await log.append({ streamId: id, events, expectedVersion: ExpectedVersion.exactly(0) })()
          if (appended._tag === 'Left') throw new Error('conflict')
          n += appended.right.appended.length
        }
        return n
      })
    }
    log.close()
    break
  }
  case 'read-raw': {
    // Baseline: read every row in order and JSON-parse its data.
    const log = open(join(work, `full-${target}.db`))
    const page = log.db.prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?')
    result = await timed(() => {
      let after = 0
      let n = 0
      for (;;) {
        const rows = page.all(after, 5000)
        for (const row of rows) {
          JSON.parse(row.data)
          n++
        }
        if (rows.length < 5000) return n
        after = rows.at(-1).global_position
      }
    })
    log.close()
    break
  }
  case 'report-full': {
    // Lifeline: read everything and fold the full report.
    const log = open(join(work, `full-${target}.db`))
    result = await timed(() => foldReport(log))
    log.close()
    break
  }
  case 'report-incremental-setup': {
    // A copy of the full database with the report's checkpoint stored, as `lifeline report --db` leaves it.
    const path = fresh('incremental.db')
    const { copyFileSync } = await import('node:fs')
    copyFileSync(join(work, `full-${target}.db`), path)
    result = await timed(() => reportFromDatabase(path, {}).then(() => 0))
    break
  }
  case 'report-incremental': {
    // The CLI's path, in a process of its own (code not yet warm, as in a real `lifeline report`):
    // 1,000 new events are imported (untimed), then the report resumes from the stored checkpoint,
    // folds them, and stores its checkpoint again. Each round adds 1,000 more events.
    const path = join(work, 'incremental.db')
    const log = open(path)
    const more = [
      ...Generator.generate({ ...options, customers: 200, seed: 99 + round, idPrefix: `new${round}-` }),
    ].slice(0, 1000)
    const imported = await Importer.importLines(
      log,
      more.map((event, i) => ({ _tag: 'Event', line: i + 1, event })),
    )
    log.close()
    if (imported.appended !== 1000) throw new Error(`expected 1,000 new events, appended ${imported.appended}`)
    result = await timedAsync(async () => {
      await reportFromDatabase(path, {})
      return imported.appended
    })
    break
  }
  case 'report-live': {
    // A service's path: a runner kept in memory, caught up with 1,000 new events, then the result.
    const path = fresh('live.db')
    const { copyFileSync } = await import('node:fs')
    copyFileSync(join(work, `full-${target}.db`), path)
    const log = open(path)
    const runner = ProjectionRunner.make(log, Report.fold(), undefined, 5000)
    await runner.catchUp()
    runner.result()
    const more = [...Generator.generate({ ...options, customers: 200, seed: 99, idPrefix: 'new-' })].slice(0, 1000)
    const imported = await Importer.importLines(
      log,
      more.map((event, i) => ({ _tag: 'Event', line: i + 1, event })),
    )
    if (imported.appended !== 1000) throw new Error(`expected 1,000 new events, appended ${imported.appended}`)
    result = await timedAsync(async () => {
      await runner.catchUp()
      runner.result()
      return imported.appended
    })
    log.close()
    break
  }
  case 'forget-setup': {
    // Copies of the full database with the report's checkpoint stored, as `lifeline report --db`
    // leaves it: one for erasures one call per customer, one for one call for all.
    const { copyFileSync } = await import('node:fs')
    const path = fresh('forget-one.db')
    copyFileSync(join(work, `full-${target}.db`), path)
    result = await timed(() => reportFromDatabase(path, {}).then(() => 0))
    copyFileSync(path, fresh('forget-many.db'))
    break
  }
  case 'forget-one':
  case 'forget-many': {
    // Customers (every 50th of the log's) forgotten with the report's checkpoint rewritten and
    // the WAL truncated: 1,000 in one call, as `lifeline forget --ids FILE` does; or 50, one call
    // (transaction) each, as a service's DELETE does (each rewrites the report's snapshot, some
    // megabytes, so 1,000 of them would take minutes).
    const log = open(join(work, `${kind}.db`))
    const ids = log.db
      .prepare('SELECT stream_id AS id FROM events WHERE stream_version = 1 ORDER BY global_position')
      .all()
      .map((r) => r.id)
      .filter((_, i) => i % 50 === 0)
      .slice(0, kind === 'forget-many' ? 1000 : 50)
    const rewriteCheckpoint = LedgerErasure.checkpointRewriter({ decode: v8.deserialize, encode: v8.serialize })
    const check = (results) => {
      for (const r of results) if (r._tag !== 'Forgotten') throw new Error(`not forgotten: ${JSON.stringify(r)}`)
    }
    result = await timed(async () => {
      if (kind === 'forget-many') {
        const r = await log.forgetMany(ids, { rewriteCheckpoint })()
        if (r._tag === 'Left') throw new Error(JSON.stringify(r.left))
        check(r.right)
      } else
        for (const id of ids) {
          const r = await log.forget(id, { rewriteCheckpoint })()
          if (r._tag === 'Left') throw new Error(JSON.stringify(r.left))
          check([r.right])
        }
      return ids.length
    })
    const stored = log.db.prepare('SELECT COUNT(*) AS n FROM checkpoints').get().n
    if (stored !== 1) throw new Error(`the report's checkpoint was dropped (${stored} left)`)
    log.close()
    break
  }
  case 'forget-resume': {
    // The report right after the erasures: it resumes from the rewritten checkpoint (no refold).
    const path = join(work, `forget-${rest[0]}.db`)
    result = await timed(() => reportFromDatabase(path, {}).then(() => 0))
    break
  }
  case 'cli-report-db':
  case 'cli-customers-csv': {
    // The commands as a user runs them, in a process of their own, on a copy of the full log
    // without a checkpoint (both fold everything and store a snapshot): `lifeline report --db
    // --json`, and `lifeline customers --db --format csv`, the whole list, written to /dev/null
    // through the same waiting for the output to drain as a terminal or a pipe.
    const path = fresh('cli.db')
    const { copyFileSync, openSync, writeSync, closeSync } = await import('node:fs')
    copyFileSync(join(work, `full-${target}.db`), path)
    const fd = openSync('/dev/null', 'w')
    let bytes = 0
    const io = {
      stdout: (text) => {
        bytes += text.length
        writeSync(fd, text)
      },
      stderr: () => undefined,
      isTty: false,
      drained: () => Promise.resolve(),
    }
    const args =
      kind === 'cli-report-db' ? ['report', '--db', path, '--json'] : ['customers', '--db', path, '--format', 'csv']
    result = await timed(async () => {
      const status = await main(args, io)
      if (status !== 0) throw new Error(`lifeline ${args[0]} exited with ${status}`)
      return target
    })
    closeSync(fd)
    result.bytes = bytes
    break
  }
  default:
    throw new Error(`unknown case ${kind}`)
}
console.log(
  JSON.stringify({
    case: kind,
    events: result.n,
    seconds: result.seconds,
    ...(result.bytes === undefined ? {} : { bytes: result.bytes }),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
)
