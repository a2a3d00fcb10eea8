/**
 * The command's connection to the world: output streams and the exit status, injectable so that
 * tests run commands in-process.
 */

/** Where a command writes. */
export interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** True when stderr is a terminal (progress bars); plain lines otherwise. */
  readonly isTty: boolean
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

/** The process's own streams. */
export const processIo = (): Io => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY,
})
