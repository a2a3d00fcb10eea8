// The report page's cost and size. node scripts/bench-html.mjs CASE WORKDIR; prints one JSON line.
// - `cli`: `lifeline report --db` on the 1M-event log (checkpoint stored, so both resume from the
//   same state), with --json and with --html FILE, alternated, each in a fresh process as a user
//   runs it: the page's extra seconds are the median difference.
// - `size`: a report of 36 months, 30 channels and 60 campaigns (made here, two currencies, four
//   categories), its page rendered in-process: bytes, and the milliseconds of the render (the
//   page is written to a third argument's path, to look at).
import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { Fold, Report } from '@lifeline/projections'
import { Page } from '@lifeline/report-html'
import { timed } from './bench-common.mjs'

const [kind, work, out] = process.argv.slice(2)
const bin = resolve(import.meta.dirname, '..', 'packages', 'cli', 'bin', 'lifeline.js')
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

let result
if (kind === 'cli') {
  const db = join(work, 'html.db')
  copyFileSync(join(work, 'full-1000000.db'), db)
  const times = join(work, 'time.txt')
  // Wall seconds, and CPU seconds (user + system), which a busy shared machine distorts less.
  const lifeline = (...args) => {
    execFileSync(
      '/usr/bin/time',
      ['-f', '%e %U %S', '-o', times, process.execPath, bin, 'report', '--db', db, ...args],
      {
        stdio: 'ignore',
      },
    )
    const [wall, user, system] = readFileSync(times, 'utf8').trim().split(/\s+/).map(Number)
    return { wall, cpu: user + system }
  }
  lifeline('--json') // folds the log once and stores the checkpoint both runs resume from
  const page = join(work, 'report.html')
  const json = []
  const html = []
  for (let round = 0; round < 7; round++) {
    json.push(lifeline('--json'))
    html.push(lifeline('--html', page))
  }
  const wall = (runs) => median(runs.map((r) => r.wall))
  const cpu = (runs) => median(runs.map((r) => r.cpu))
  result = {
    case: 'cli',
    jsonSeconds: wall(json),
    htmlSeconds: wall(html),
    extraSeconds: wall(html) - wall(json),
    jsonCpuSeconds: cpu(json),
    htmlCpuSeconds: cpu(html),
    extraCpuSeconds: cpu(html) - cpu(json),
    pageBytes: statSync(page).size,
    loadAverage: loadavg()[0],
  }
} else if (kind === 'size') {
  // 36 months from January 2023; customers arrive every day through 30 channels, 60 campaigns.
  const events = []
  const start = Date.UTC(2023, 0, 1)
  const day = 86_400_000
  let seed = 7
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648
  const categories = ['books', 'music', 'video', 'games']
  for (let i = 0; i < 30_000; i++) {
    const id = `c${i}`
    const t0 = start + Math.floor(random() * 1080) * day + i
    const channel = `channel-${i % 30}`
    const campaign = `campaign-${String(i % 60).padStart(2, '0')}-spring-and-summer`
    events.push({
      type: 'OptedIn',
      customerId: id,
      occurredAt: t0,
      channel,
      campaign,
      acquisitionCostCents: 500 + (i % 7) * 100,
    })
    if (random() < 0.4) {
      const currency = random() < 0.2 ? 'EUR' : 'USD'
      let t = t0 + Math.floor(random() * 20) * day + 1
      for (let k = 0; k < 1 + Math.floor(random() * 6) && t < start + 1095 * day; k++) {
        events.push({
          type: 'Purchased',
          customerId: id,
          occurredAt: t,
          orderId: `${id}-${k}`,
          amountCents: 1000 + Math.floor(random() * 9000),
          currency,
          category: categories[k % 4],
        })
        t += Math.floor(10 + random() * 90) * day
      }
      if (random() < 0.3)
        events.push({
          type: 'Churned',
          customerId: id,
          occurredAt: t + day,
          reason: random() < 0.5 ? 'price' : 'service',
        })
    }
  }
  events.sort((a, b) => a.occurredAt - b.occurredAt)
  const report = Fold.run(Report.fold({ from: start, to: start + 1095 * day + day }), events)
  Page.render(report) // warm: the size case measures bytes; its time is the warm render's
  const { n: html, seconds } = await timed(() => Page.render(report))
  if (out !== undefined) writeFileSync(out, html) // to look at it
  result = {
    case: 'size',
    months: report.lifecycle.length,
    channels: Object.keys(report.channels).length,
    campaigns: Object.keys(report.campaigns).length,
    pageBytes: Buffer.byteLength(html),
    renderSeconds: seconds,
  }
} else throw new Error(`unknown case ${kind}`)
console.log(JSON.stringify(result))
