/**
 * Test fixture: runs the `lifeline` command in-process and captures what it prints.
 */
import { main } from './cli.js'

/** Runs the command line; gives the exit status and the captured stdout and stderr. */
export const run = async (argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> => {
  let stdout = ''
  let stderr = ''
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false })
  return { status, stdout, stderr }
}
