// Helpers shared by the benchmark scripts.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { ProjectionRunner, Report } from '@lifeline/projections'

/** Runs `f` (sync or async) and gives its result `n` and the seconds it took. */
export const timed = async (f) => {
  const start = process.hrtime.bigint()
  const n = await f()
  return { n, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}

/** A SQLite file path in `work`, with any earlier file of that name (and its WAL) removed. */
export const freshSqlite = (work, name) => {
  const path = join(work, name)
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
  return path
}

/** Reads a whole log and folds the full report; gives the position reached. */
export const foldReport = async (log) => {
  const runner = ProjectionRunner.make(log, Report.fold(), undefined, 5000)
  await runner.catchUp()
  runner.result()
  return runner.position()
}
