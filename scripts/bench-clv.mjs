// Predictive CLV on all of CDNOW_master (23,570 customers, calibration to 1997-09-30, weeks;
// BG/BB in calendar months): one case per process, so that each reports its own peak RSS.
//   node scripts/bench-clv.mjs CASE   prints one JSON line: { case, seconds, peakRssMiB, ... }
// Cases: summary (the baseline: reading the file into events and summarizing them),
// nelder-mead-bgnbd (the previous fitter, for comparison), fit-bgnbd, fit-mbgnbd,
// fit-paretonbd, fit-bgbb, fit-gammagamma, auto-holdout, intervals-bgnbd, intervals-paretonbd.
import { readFileSync } from 'node:fs'
import { Ids } from '@lifeline/core'
import {
  BgBb,
  BgNbd,
  Clv,
  Fold,
  GammaGamma,
  Holdout,
  Intervals,
  MbgNbd,
  ModelChoice,
  Optimize,
  ParetoNbd,
  Patterns,
  PurchaseHistory,
  Rfm,
} from '@lifeline/projections'

const kase = process.argv[2] ?? 'fit-bgnbd'
/** Wall seconds, and CPU seconds of this process (less sensitive to a busy machine). */
const time = (f) => {
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  const value = f()
  const used = process.cpuUsage(cpu)
  return {
    value,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  }
}

const load = () => {
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
  return Fold.run(PurchaseHistory.fold, events)
}

const calibrationEnd = Date.UTC(1997, 9, 1)
const report = (extra) =>
  console.log(JSON.stringify({ case: kase, ...extra, peakRssMiB: process.resourceUsage().maxRSS / 1024 }))
const fitted = (f) => ({
  params: f.params,
  logLikelihood: f.estimate.logLikelihood,
  converged: f.estimate.converged,
  degenerate: f.estimate.degenerate,
  iterations: f.estimate.iterations,
  evaluations: f.estimate.evaluations,
})

if (kase === 'summary') {
  const t = time(() => Rfm.summarize(load(), { to: calibrationEnd, unit: 'week' }))
  report({ seconds: t.seconds, cpuSeconds: t.cpuSeconds, customers: t.value.customers.length })
} else {
  const history = load()
  const summary = Rfm.summarize(history, { to: calibrationEnd, unit: 'week' })
  const models = { bgnbd: BgNbd, mbgnbd: MbgNbd, paretonbd: ParetoNbd }
  if (kase === 'nelder-mead-bgnbd') {
    // The fitter this replaced: Nelder-Mead on the log-parameters, same likelihood.
    const problem = BgNbd.model.problem(Patterns.group(summary.customers), 'week', {})
    const t = time(() => Optimize.nelderMead((u) => -problem.logLikelihood(u.map(Math.exp)), [0, 0, 0, 0]))
    report({
      seconds: t.seconds,
      cpuSeconds: t.cpuSeconds,
      evaluations: t.value.evaluations,
      params: t.value.x.map(Math.exp),
    })
  } else if (kase.startsWith('fit-')) {
    const name = kase.slice(4)
    if (name === 'gammagamma') {
      const t = time(() => GammaGamma.fit(summary.customers))
      report({
        seconds: t.seconds,
        cpuSeconds: t.cpuSeconds,
        customers: t.value.customers,
        ...fitted({ ...t.value, params: t.value.params }),
      })
    } else if (name === 'bgbb') {
      const months = Rfm.summarize(history, { to: calibrationEnd, unit: 'month' })
      const t = time(() => BgBb.fit(months.customers, 'month'))
      report({ seconds: t.seconds, cpuSeconds: t.cpuSeconds, customers: months.customers.length, ...fitted(t.value) })
    } else {
      const t = time(() => models[name].fit(summary.customers, 'week'))
      report({ seconds: t.seconds, cpuSeconds: t.cpuSeconds, customers: summary.customers.length, ...fitted(t.value) })
    }
  } else if (kase === 'auto-holdout') {
    // What `lifeline clv --model auto --holdout-from 1997-10-01 --to 1998-07-01` computes once the
    // log is read: the split, three fits and their holdout checks, then the chosen model's analysis.
    const t = time(() => {
      const split = Holdout.split(history, { unit: 'week', from: calibrationEnd, to: Date.UTC(1998, 6, 1) })
      const choice = ModelChoice.choose(split.calibration, { unit: 'week', holdout: split })
      const chosen = choice.candidates.find((c) => c.name === choice.chosen)
      const analysis = Clv.analyze(split.calibration, {
        model: choice.chosen,
        horizon: { n: 52, unit: 'week' },
        discountRate: 0,
        fitted: chosen.fitted,
      })
      return { choice, analysis }
    })
    report({
      seconds: t.seconds,
      cpuSeconds: t.cpuSeconds,
      chosen: t.value.choice.chosen,
      maes: Object.fromEntries(t.value.choice.candidates.map((c) => [c.name, c.holdout.meanAbsoluteError])),
    })
  } else if (kase.startsWith('intervals-')) {
    const name = kase.slice('intervals-'.length)
    const analysis = Clv.analyze(summary, { model: name, horizon: { n: 52, unit: 'week' }, discountRate: 0.01 })
    const t = time(() =>
      Intervals.compute(Clv.MODELS[name], analysis.model, analysis.spend, analysis.customers, {
        level: 0.9,
        draws: 200,
        seed: 1,
        horizon: 52,
        ratePerUnit: 0.01,
      }),
    )
    report({ seconds: t.seconds, cpuSeconds: t.cpuSeconds, customers: t.value.customers.length, draws: 200 })
  } else throw new Error(`unknown case ${kase}`)
}
