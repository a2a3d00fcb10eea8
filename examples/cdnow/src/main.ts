import { run } from './cdnow.js'

for (const line of await run()) console.log(line)
