/**
 * Channels and campaigns: the period's new leads by the channel (or campaign) of their first
 * opt-in, how many converted, what they cost, the net revenue they brought and the ROI.
 */
import * as Plot from '@observablehq/plot'
import type { Referrals } from '@lifeline/projections'
import * as Chart from '../Chart.js'
import * as Format from '../Format.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A name cut to 24 characters for an axis (the table gives it whole). */
const short = (name: string): string => (name.length > 24 ? `${name.slice(0, 23)}…` : name)

/** Room for the longest (cut) name left of the bars: about 7.5 pixels a character at 13 pixels. */
const nameMargin = (names: readonly string[]): number =>
  Math.round(16 + 7.5 * Math.max(6, ...names.map((n) => short(n).length)))

const group = (kind: 'channel' | 'campaign', groups: Readonly<Record<string, Referrals.Channel>>): string => {
  const plural = kind === 'channel' ? 'channels' : 'campaigns'
  const title = kind === 'channel' ? 'Channels' : 'Campaigns'
  const labels = {
    id: `${plural}-leads`,
    title: `${title}: leads and conversions`,
    description: `Horizontal bars per ${kind} of the first opt-in: the period’s new leads (light) and those who became customers (dark), with the lead-to-customer rate at the end of each bar. Names longer than 24 characters are cut; the table gives them whole.`,
  }
  const rows = Object.entries(groups)
    .map(([name, g]) => ({
      name,
      ...g,
      label: Format.percent(g.leadToCustomer),
    }))
    .sort((a, b) => b.leads - a.leads || (a.name < b.name ? -1 : 1))
  if (rows.length === 0) return Chart.empty(labels, `No new lead came through a ${kind} in the period.`)
  const names = rows.map((g) => g.name)
  const height = 40 + rows.length * 22
  const leads = Chart.draw(labels, {
    height: height + 20,
    marginLeft: nameMargin(names),
    marginRight: 60,
    x: { grid: true, label: 'Leads' },
    y: { domain: names, label: null, tickFormat: short },
    color: { domain: ['leads', 'converted'], range: ['#9ecae1', '#08519c'] },
    colorLegend: true,
    marks: [
      Plot.barX(rows, { y: 'name', x: 'leads', fill: () => 'leads', ariaDescription: 'leads' }),
      Plot.barX(rows, {
        y: 'name',
        x: 'converted',
        fill: () => 'converted',
        insetTop: 4,
        insetBottom: 4,
        ariaDescription: 'converted',
      }),
      Plot.text(rows, { y: 'name', x: 'leads', text: 'label', textAnchor: 'start', dx: 6 }),
      Plot.ruleX([0]),
    ],
  })
  const currencies = [...new Set(rows.flatMap((g) => Object.keys(g.revenueCents)))].sort()
  const table = {
    caption: title,
    head: [
      kind,
      'leads',
      'sales-ready',
      'converted',
      'rate',
      'cost',
      ...currencies.map((c) => `net revenue ${c}`),
      'ROI',
    ],
    rows: rows.map((g) => [
      g.name,
      { num: Format.count(g.leads) },
      { num: Format.count(g.salesReady) },
      { num: Format.count(g.converted) },
      { num: Format.percent(g.leadToCustomer) },
      { num: Format.plainCents(g.costCents) },
      ...currencies.map((c) => ({ num: Format.money(g.revenueCents[c] ?? null, c) })),
      { num: Format.roi(g.roi) },
    ]),
  }
  const withRoi = rows
    .filter((g) => g.roi !== null)
    .map((g) => ({ name: g.name, roi: g.roi!, label: Format.roi(g.roi) }))
  const roiLabels = {
    id: `${plural}-roi`,
    title: `${title}: return on acquisition cost`,
    description: `Horizontal bars: (net revenue − cost) / cost of each ${kind}’s converted leads, in percent; right of zero the ${kind} paid for itself. ${title} without a cost, or whose buyers paid in several currencies, have no ROI and no bar.`,
  }
  const roi =
    withRoi.length === 0
      ? Chart.empty(roiLabels, `No ${kind} has an ROI (none carries a cost, or its buyers paid in several currencies).`)
      : Chart.figure(
          Chart.draw(roiLabels, {
            height: 60 + withRoi.length * 22,
            marginLeft: nameMargin(withRoi.map((g) => g.name)),
            marginRight: 50,
            marginBottom: 44,
            x: { grid: true, percent: true, label: 'ROI (%)', labelAnchor: 'center' },
            y: { domain: withRoi.map((g) => g.name), label: null, tickFormat: short },
            marks: [
              Plot.barX(withRoi, {
                y: 'name',
                x: 'roi',
                fill: (d: { roi: number }) => (d.roi >= 0 ? '#31a354' : '#de2d26'),
                ariaDescription: 'roi',
              }),
              Plot.text(
                withRoi.filter((g) => g.roi >= 0),
                { y: 'name', x: 'roi', text: 'label', textAnchor: 'start', dx: 4 },
              ),
              // A loss is labelled right of zero, clear of the names left of the axis.
              Plot.text(
                withRoi.filter((g) => g.roi < 0),
                { y: 'name', x: 0, text: 'label', textAnchor: 'start', dx: 4 },
              ),
              Plot.ruleX([0]),
            ],
          }),
          null,
          { note: 'The numbers are in the last column of the table above.' },
        )
  return Chart.figure(leads, table, { wide: currencies.length > 1 }) + roi
}

/** The channels and campaigns section. */
export const section = (r: Input): Section.Section =>
  Section.make(
    'channels',
    'Channels and campaigns',
    group('channel', r.channels) + group('campaign', r.campaigns),
    'New leads of the period by the channel and campaign of their first opt-in. Costs are acquisition costs on those opt-ins; revenue is what the converted leads paid before the period’s end, net of refunds, per currency.',
  )
