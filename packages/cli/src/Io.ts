/**
 * The command's connection to the world: output streams and the exit status, injectable so that
 * tests run commands in-process.
 */

/** Where a command writes. */
export interface Io {
  /** Writes to standard output (the result: a report, JSON, exported events). */
  readonly stdout: (text: string) => void
  /** Writes to standard error (progress, messages, errors). */
  readonly stderr: (text: string) => void
  /** True when stderr is a terminal (progress bars); plain lines otherwise. */
  readonly isTty: boolean
  /**
   * Resolves when stdout has taken what was written (commands that stream many lines wait on it
   * now and then, so memory stays bounded); rejects with `OutputClosed` once the reader of stdout
   * has gone away. Absent for in-process callers, which have nothing to wait for.
   */
  readonly drained?: () => Promise<void>
}

/** Exit statuses. */
export const EXIT = {
  ok: 0,
  /** Some input was rejected; the rest was processed. */
  rejected: 1,
  /** The command could not run: bad usage, unreadable file, storage failure. */
  failed: 2,
} as const

/** A failure the command reports as one line and exit status 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Thrown by a write to a stdout whose reader has gone away: the command stops, quietly, with status 0. */
export class OutputClosed extends Error {
  override readonly name = 'OutputClosed'
}

/**
 * The process's own streams. When the reader of stdout goes away (`lifeline export | head -2`),
 * writing or waiting for stdout throws `OutputClosed`, which ends the command quietly with
 * status 0, as Unix tools do, instead of an EPIPE stack trace.
 */
export const processIo = (): Io => {
  let closed = false
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error
    closed = true
  }
  process.stdout.on('error', onError)
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  const gone = () => new OutputClosed('the reader of stdout has gone away')
  return {
    stdout: (text) => {
      if (closed || process.stdout.destroyed) throw gone()
      process.stdout.write(text)
    },
    stderr: (text) => {
      if (!process.stderr.destroyed) process.stderr.write(text)
    },
    isTty: process.stderr.isTTY,
    drained: () =>
      new Promise<void>((resolve, reject) => {
        if (closed || process.stdout.destroyed) return reject(gone())
        if (!process.stdout.writableNeedDrain) return resolve()
        const settle = (error?: unknown): void => {
          process.stdout.off('drain', settle)
          process.stdout.off('close', settle)
          process.stdout.off('error', settle)
          if (error === undefined && !closed && !process.stdout.destroyed) resolve()
          else reject(gone())
        }
        process.stdout.on('drain', settle)
        process.stdout.on('close', settle)
        process.stdout.on('error', settle)
      }),
  }
}
