import { main } from './cli.js'
import { processIo } from './Io.js'

process.exitCode = await main(process.argv.slice(2), processIo())
