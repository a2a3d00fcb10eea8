// `pnpm bench`: throughput and peak memory, always as ratios to a baseline measured in the same
// run (the machine is shared and noisy). Each case runs in its own process.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

const worker = resolve(import.meta.dirname, 'bench-worker.mjs')
const only = process.argv[2]
const run = (...args) =>
  JSON.parse(
    execFileSync(process.execPath, ['--max-old-space-size=4096', worker, ...args], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1),
  )

const fmt = (n) => Math.round(n).toLocaleString('en')
const rows = []
const compare = (label, source, events) => {
  const base = run('baseline', source, String(events))
  const full = run('report', source, String(events))
  rows.push({
    case: label,
    events: fmt(full.events),
    'baseline ev/s': fmt(base.eventsPerSecond),
    'report ev/s': fmt(full.eventsPerSecond),
    'report / baseline': (full.eventsPerSecond / base.eventsPerSecond).toFixed(3),
    'baseline peak RSS MiB': base.peakRssMiB.toFixed(0),
    'report peak RSS MiB': full.peakRssMiB.toFixed(0),
  })
  console.log(
    `${label}: report ${fmt(full.eventsPerSecond)} ev/s vs baseline ${fmt(base.eventsPerSecond)} ev/s = ${(full.eventsPerSecond / base.eventsPerSecond).toFixed(3)}; peak RSS ${full.peakRssMiB.toFixed(0)} MiB`,
  )
}

if (only === undefined || only === 'report') {
  compare('report, 1M events in memory', 'array', 1_000_000)
  compare('report, 1M events streamed', 'stream', 1_000_000)
  compare('report, 10M events streamed', 'stream', 10_000_000)
}
console.table(rows)
