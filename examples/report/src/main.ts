import { run } from './report.js'

for (const line of await run()) console.log(line)
