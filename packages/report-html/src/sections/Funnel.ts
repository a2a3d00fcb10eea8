/**
 * The funnel over the period's new leads: opted in, nurtured, converted, repeat, referred, with
 * each step's overall rate (of all new leads) and relative rate (of its parent step).
 */
import * as Plot from '@observablehq/plot'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const NAMES: Record<string, string> = {
  optedIn: 'opted in',
  nurtured: 'nurtured',
  converted: 'converted',
  repeat: 'bought again',
  referred: 'referred someone',
}

/** The funnel section. */
export const section = (r: Input): Section.Section => {
  const labels = {
    id: 'funnel',
    title: 'Funnel of the new leads',
    description:
      'Horizontal bars: how many of the period’s new leads reached each step, and that count as a share of all new leads (overall). The table adds the share of the step above (relative: of opted in for nurtured and converted, of converted for the last two).',
  }
  const steps = r.funnel.map((s) => ({
    ...s,
    name: NAMES[s.step] ?? s.step,
    label: `${Format.count(s.count)} · ${Format.percent(s.overall)}`,
  }))
  const body =
    r.leads.new === 0
      ? Chart.empty(labels, 'No new leads in the period.')
      : Chart.figure(
          Chart.draw(labels, {
            height: 40 + steps.length * 36,
            marginLeft: 130,
            marginRight: 130,
            x: { grid: true, label: 'Leads' },
            y: { domain: steps.map((s) => s.name), label: null },
            marks: [
              Plot.barX(steps, { y: 'name', x: 'count', fill: '#3182bd', ariaDescription: 'funnel steps' }),
              Plot.text(steps, { y: 'name', x: 'count', text: 'label', textAnchor: 'start', dx: 6 }),
              Plot.ruleX([0]),
            ],
          }),
          {
            caption: 'Funnel',
            head: ['step', 'count', 'overall', 'relative'],
            rows: steps.map((s) => [
              s.name,
              { num: Format.count(s.count) },
              { num: Format.percent(s.overall) },
              { num: Format.percent(s.relative) },
            ]),
          },
        )
  const c = r.conversion
  const lead = `Lead to customer ${Format.percent(c.leadToCustomer)}; nurtured leads ${Format.percent(c.nurtured)}, others ${Format.percent(c.unnurtured)}; median ${Format.decimal(c.medianDaysToConvert)} days to convert; cost per lead ${Format.plainCents(r.leads.costPerLeadCents)}, CAC ${Format.plainCents(r.leads.cac)}.`
  return Section.make('funnel', 'Leads and the funnel', body, lead)
}
