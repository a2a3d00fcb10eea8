// One benchmark case in its own process, so that its peak RSS is its own. Prints one JSON line.
//   node bench-worker.mjs KIND SOURCE EVENTS [--build DIR] [--generator DIR] [--folds N]
// KIND is `baseline` (a hand-written loop) or `report` (the full report fold); SOURCE is `array`
// (events generated first, then timed) or `stream` (generated while folding). `--build DIR`
// folds with the @lifeline/projections built in the checkout DIR (another commit, for a
// before/after comparison); `--generator DIR` generates with the @lifeline/cli built in DIR (the
// workload of that commit). `--folds N` folds the same array N times and reports each.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { build: { type: 'string' }, generator: { type: 'string' }, folds: { type: 'string', default: '1' } },
})
const [kind, source, eventsArg] = positionals
const built = (dir, pkg) => pathToFileURL(resolve(dir, 'packages', pkg, 'dist', 'index.js')).href
const { Fold, Report } = await import(
  values.build === undefined ? '@lifeline/projections' : built(values.build, 'projections')
)
const { Generator } = await import(values.generator === undefined ? '@lifeline/cli' : built(values.generator, 'cli'))

const targetEvents = Number(eventsArg)
// The generator makes about 10 events per arriving customer (referred friends included), so
// 10M events are about 1M customers.
const customers = Math.round(targetEvents / 10)
const options = { customers, start: Date.UTC(2025, 0, 1), days: 365, seed: 20251123 }

const events = () => (source === 'array' ? materialized : Generator.generate(options))
const materialized = source === 'array' ? [...Generator.generate(options)] : []

/** The baseline: a hand-written loop that only counts leads and sums revenue. */
const baseline = (stream) => {
  let leads = 0
  let n = 0
  const revenue = new Map()
  for (const e of stream) {
    n++
    if (e.type === 'OptedIn') leads++
    else if (e.type === 'Purchased') revenue.set(e.currency, (revenue.get(e.currency) ?? 0) + e.amountCents)
  }
  return { n, leads, revenue: Object.fromEntries(revenue) }
}

/** The full METRICS.md report in one pass, counting events on the way. */
const report = (stream) => {
  let n = 0
  const counted = (function* () {
    for (const e of stream) {
      n++
      yield e
    }
  })()
  const r = Fold.run(Report.fold(), source === 'array' ? stream : counted)
  return { n: source === 'array' ? stream.length : n, leads: r.leads.new, customers: r.customers.active }
}

// Wall-clock seconds, and CPU seconds of this process (less disturbed by other processes on a
// shared machine; garbage collector threads included).
const runs = []
const cpu = []
let out
for (let i = 0; i < Number(values.folds); i++) {
  const start = process.hrtime.bigint()
  const used = process.cpuUsage()
  out = kind === 'baseline' ? baseline(events()) : report(events())
  const { user, system } = process.cpuUsage(used)
  runs.push(Number(process.hrtime.bigint() - start) / 1e9)
  cpu.push((user + system) / 1e6)
}
const seconds = runs[0]
const types = {}
for (const e of materialized) types[e.type] = (types[e.type] ?? 0) + 1
console.log(
  JSON.stringify({
    kind,
    source,
    events: out.n,
    seconds,
    eventsPerSecond: out.n / seconds,
    folds: runs.map((s) => out.n / s),
    cpuFolds: cpu.map((s) => out.n / s),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    check: { leads: out.leads },
    types,
  }),
)
