import { run } from './quickstart.js'

for (const line of await run()) console.log(line)
