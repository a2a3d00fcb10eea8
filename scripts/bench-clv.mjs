// Fits BG/NBD and Gamma-Gamma on all of CDNOW_master (23,570 customers, calibration to
// 1997-09-30, weeks): time, likelihood evaluations and peak RSS. One JSON line.
import { readFileSync } from 'node:fs'
import { Ids } from '@lifeline/core'
import { BgNbd, Fold, GammaGamma, Rfm } from '@lifeline/projections'

const events = []
readFileSync(new URL('../data/cdnow/CDNOW_master.txt', import.meta.url), 'utf8')
  .split(/\r?\n/)
  .forEach((line, i) => {
    const [id, date, , dollars] = line.trim().split(/\s+/)
    if (i === 0 || dollars === undefined) return
    events.push({
      type: 'Purchased',
      customerId: Ids.customerId(id),
      occurredAt: Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))),
      orderId: `line-${i}`,
      amountCents: Math.round(Number(dollars) * 100),
      currency: 'USD',
    })
  })
const summary = Fold.run(Rfm.fold({ to: Date.UTC(1997, 9, 1), unit: 'week' }), events)
const time = (f) => {
  const start = process.hrtime.bigint()
  const value = f()
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 }
}
const bg = time(() => BgNbd.fit(summary.customers, 'week'))
const gg = time(() => GammaGamma.fit(summary.customers))
console.log(
  JSON.stringify({
    customers: summary.customers.length,
    bgnbd: {
      seconds: bg.seconds,
      evaluations: bg.value.evaluations,
      params: bg.value.params,
      logLikelihood: bg.value.logLikelihood,
    },
    gammaGamma: {
      seconds: gg.seconds,
      evaluations: gg.value.evaluations,
      customers: gg.value.customers,
      params: gg.value.params,
    },
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
)
