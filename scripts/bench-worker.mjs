// One benchmark case in its own process, so that its peak RSS is its own. Prints one JSON line.
import { Generator } from '@lifeline/cli'
import { Fold, Report } from '@lifeline/projections'

const [kind, source, eventsArg] = process.argv.slice(2)
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

const start = process.hrtime.bigint()
const out = kind === 'baseline' ? baseline(events()) : report(events())
const seconds = Number(process.hrtime.bigint() - start) / 1e9
console.log(
  JSON.stringify({
    kind,
    source,
    events: out.n,
    seconds,
    eventsPerSecond: out.n / seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    check: { leads: out.leads },
  }),
)
