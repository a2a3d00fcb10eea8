/**
 * Satisfaction: the NPS split (promoters, passives, detractors) and CSAT (satisfied or not), from
 * each customer's latest answer of each kind in the period.
 */
import * as Plot from '@observablehq/plot'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const CLASSES = ['detractors', 'passives', 'promoters', 'not satisfied', 'satisfied'] as const

/** The satisfaction section. */
export const section = (r: Input): Section.Section => {
  const s = r.satisfaction
  const labels = {
    id: 'satisfaction',
    title: 'Net Promoter Score and customer satisfaction',
    description:
      'Stacked horizontal bars, each 100% of its answers: NPS answers split into detractors (0 to 6), passives (7, 8) and promoters (9, 10); CSAT answers into satisfied (4, 5) and not satisfied. Each customer’s latest answer in the period counts.',
  }
  const parts = [
    { survey: 'NPS', answer: 'detractors', n: s.nps.detractors, of: s.nps.responses },
    { survey: 'NPS', answer: 'passives', n: s.nps.passives, of: s.nps.responses },
    { survey: 'NPS', answer: 'promoters', n: s.nps.promoters, of: s.nps.responses },
    { survey: 'CSAT', answer: 'not satisfied', n: s.csat.responses - s.csat.satisfied, of: s.csat.responses },
    { survey: 'CSAT', answer: 'satisfied', n: s.csat.satisfied, of: s.csat.responses },
  ]
    .filter((p) => p.n > 0)
    .map((p) => ({ ...p, share: p.n / p.of }))
  const table = {
    caption: 'Survey answers',
    head: ['survey', 'answers', 'detractors', 'passives', 'promoters', 'score', 'satisfied', 'rate'],
    rows: [
      [
        'NPS',
        { num: Format.count(s.nps.responses) },
        { num: Format.count(s.nps.detractors) },
        { num: Format.count(s.nps.passives) },
        { num: Format.count(s.nps.promoters) },
        { num: Format.decimal(s.nps.score) },
        { num: Format.NONE },
        { num: Format.NONE },
      ],
      [
        'CSAT',
        { num: Format.count(s.csat.responses) },
        { num: Format.NONE },
        { num: Format.NONE },
        { num: Format.NONE },
        { num: Format.NONE },
        { num: Format.count(s.csat.satisfied) },
        { num: Format.percent(s.csat.rate) },
      ],
    ],
  }
  const body =
    parts.length === 0
      ? Chart.empty(labels, 'No survey answer in the period.')
      : Chart.figure(
          Chart.draw(labels, {
            height: 150,
            marginLeft: 60,
            x: { percent: true, domain: [0, 100], label: 'Share of the answers (%)' },
            y: { domain: ['NPS', 'CSAT'], label: null },
            color: { domain: [...CLASSES], range: ['#de2d26', '#bdbdbd', '#31a354', '#fc9272', '#74c476'] },
            colorLegend: true,
            marks: [
              Plot.barX(parts, {
                y: 'survey',
                x: 'share',
                fill: 'answer',
                order: [...CLASSES],
                ariaDescription: 'answers',
              }),
              Plot.text(
                parts,
                Plot.stackX({
                  y: 'survey',
                  x: 'share',
                  z: 'answer',
                  order: [...CLASSES],
                  text: (p: (typeof parts)[number]) => (p.share >= 0.08 ? Format.count(p.n) : ''),
                  fill: 'white',
                  ariaHidden: 'true',
                }),
              ),
            ],
          }),
          table,
          { wide: true },
        )
  return Section.make(
    'satisfaction',
    'Satisfaction',
    body,
    `NPS ${Format.decimal(s.nps.score)} from ${Format.count(s.nps.responses)} answers; CSAT ${Format.percent(s.csat.rate)} from ${Format.count(s.csat.responses)}.`,
  )
}
