/**
 * The `lifeline` command: dispatches to its subcommands and turns every failure into one line
 * on stderr and an exit status, never a stack trace.
 */
import { EXIT, OutputClosed, UsageError, type Io } from './Io.js'
import * as ClvCommand from './clv.js'
import * as CustomersCommand from './customers.js'
import * as DemoCommand from './demo.js'
import * as ExportCommand from './export.js'
import * as ForgetCommand from './forget.js'
import * as ImportCommand from './import.js'
import * as ReportCommand from './report.js'

/** The top-level help text. */
export const help = `Usage: lifeline <command> [options]

Commands:
  import    import an events file (JSON Lines or CSV) into a SQLite log
  report    print the lifecycle report of a SQLite log or an events file
  clv       fit and check the predictive CLV models, and predict each customer's value
  customers list the customers (tier, stage, lead score, value) as a table, CSV or JSON Lines
  export    write a log as JSON Lines (to move it, e.g. from SQLite to PostgreSQL)
  forget    erase customers (the right to be forgotten); every figure stays the same
  demo      generate a year of a small business, import it and report on it

Run lifeline <command> --help for a command's options.
`

const commands: Record<string, (args: readonly string[], io: Io) => Promise<number>> = {
  import: ImportCommand.run,
  report: ReportCommand.run,
  clv: ClvCommand.run,
  customers: CustomersCommand.run,
  export: ExportCommand.run,
  forget: ForgetCommand.run,
  demo: DemoCommand.run,
}

/** Runs the command line (without `node` and the script) and returns the exit status. */
export const main = async (argv: readonly string[], io: Io): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help)
    return name === undefined ? EXIT.failed : EXIT.ok
  }
  const command = commands[name]
  if (command === undefined) {
    io.stderr(`lifeline: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(commands).join(', ')})\n`)
    return EXIT.failed
  }
  try {
    return await command(negativeValues(rest), io)
  } catch (error) {
    if (error instanceof OutputClosed) return EXIT.ok
    io.stderr(`lifeline ${name}: ${describe(error)}\n`)
    return EXIT.failed
  }
}

/**
 * `--flag -3` as `--flag=-3`: Node's argument parser takes a value starting with a dash for an
 * option, and would answer "argument is ambiguous" where the command can say what it expects
 * (days >= 0, ...). No command takes a negative number as a positional.
 */
const negativeValues = (args: readonly string[]): string[] => {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const next = args[i + 1]
    if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

const describe = (error: unknown): string => {
  if (error instanceof UsageError) return error.message
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return `no such file: ${(error as NodeJS.ErrnoException).path ?? ''}`
    if (code === 'EACCES') return `permission denied: ${(error as NodeJS.ErrnoException).path ?? ''}`
    if (code !== undefined && code.startsWith('ERR_PARSE_ARGS')) return `${error.message} (see --help)`
    return error.message
  }
  return String(error)
}
