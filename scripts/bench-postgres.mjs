// PostgreSQL against SQLite, in the same run: import of the generated JSONL file, report (read
// and fold), and four concurrent writers. One JSON line per case.
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { Importer, readEvents } from '@lifeline/pipeline'
import { PostgresEventLog } from '@lifeline/adapters-postgres'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import Database from 'better-sqlite3'
import pg from 'pg'
import { foldReport, freshSqlite, timed } from './bench-common.mjs'

const [kind, eventsArg, work] = process.argv.slice(2)
const file = join(work, `events-${eventsArg}.jsonl`)
const url = process.env.LIFELINE_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test'
const schema = `lifeline_bench_${process.pid}`
const sqlitePath = (name) => freshSqlite(work, name)

let result
const pool = new pg.Pool({ connectionString: url, max: 8 })
try {
  switch (kind) {
    case 'import-sqlite': {
      const log = SqliteEventLog.open(new Database(sqlitePath('pg-compare.db')))
      result = await timed(async () => (await Importer.importLines(log, readEvents(file))).appended)
      log.close()
      break
    }
    case 'import-postgres': {
      const log = await PostgresEventLog.open(pool, { schema })
      result = await timed(async () => (await Importer.importLines(log, readEvents(file))).appended)
      break
    }
    case 'report-sqlite': {
      const log = SqliteEventLog.open(new Database(join(work, `full-${eventsArg}.db`)))
      result = await timed(() => foldReport(log))
      log.close()
      break
    }
    case 'report-postgres': {
      // Fill the schema first (not timed), then read and fold everything.
      const log = await PostgresEventLog.open(pool, { schema })
      await Importer.importLines(log, readEvents(file))
      result = await timed(() => foldReport(log))
      break
    }
    case 'writers-sqlite':
    case 'writers-postgres': {
      // Four processes append 2,000 one-event batches each to their own customers, at once.
      const target = kind === 'writers-sqlite' ? sqlitePath('writers.db') : `${url}?schema=${schema}`
      if (kind === 'writers-postgres') await PostgresEventLog.open(pool, { schema })
      else SqliteEventLog.open(new Database(target)).close()
      const writer = resolve(import.meta.dirname, 'bench-writer.mjs')
      result = await timed(
        () =>
          new Promise((done, fail) => {
            let finished = 0
            for (let w = 0; w < 4; w++) {
              spawn(process.execPath, [writer, target, String(w), '2000'], { stdio: 'inherit' }).on('exit', (code) => {
                if (code !== 0) fail(new Error(`writer ${w} exited ${code}`))
                else if (++finished === 4) done(8000)
              })
            }
          }),
      )
      break
    }
    default:
      throw new Error(`unknown case ${kind}`)
  }
} finally {
  if (kind.endsWith('postgres')) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await pool.end()
}
console.log(
  JSON.stringify({ case: kind, events: result.n, seconds: result.seconds, eventsPerSecond: result.n / result.seconds }),
)
