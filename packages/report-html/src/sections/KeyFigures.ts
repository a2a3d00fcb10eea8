/**
 * Key figures: the period's headline numbers as large tiles, each naming the report field it
 * shows (`data-figure`), so that what the page says can be checked against the JSON.
 */
import * as Format from '../Format.js'
import * as Html from '../Html.js'
import type { Input } from '../Input.js'
import * as Section from '../Section.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One tile: a label, the report field (dotted path) and the value as shown. */
export interface Figure {
  readonly label: string
  readonly field: string
  readonly value: string
  readonly hint?: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The key figures of a report, in the order shown. */
export const figures = (r: Input): Figure[] => {
  const out: Figure[] = [
    { label: 'New leads', field: 'leads.new', value: Format.count(r.leads.new) },
    {
      label: 'Lead to customer',
      field: 'conversion.leadToCustomer',
      value: Format.percent(r.conversion.leadToCustomer),
      hint: 'of the new leads bought',
    },
    {
      label: 'Active customers',
      field: 'customers.active',
      value: Format.count(r.customers.active),
      hint: 'at the end',
    },
    { label: 'New customers', field: 'customers.new', value: Format.count(r.customers.new) },
    {
      label: 'Churn rate',
      field: 'churn.rate',
      value: Format.percent(r.churn.rate),
      hint: `${Format.count(r.churn.count)} churned`,
    },
    { label: 'Retention rate', field: 'retention.rate', value: Format.percent(r.retention.rate) },
  ]
  const net = r.revenue.netCents
  const currencies = Object.keys(net)
  if (currencies.length === 0) out.push({ label: 'Net revenue', field: 'revenue.netCents', value: Format.NONE })
  for (const currency of currencies) {
    out.push({
      label: `Net revenue ${currency}`,
      field: `revenue.netCents.${currency}`,
      value: Format.money(net[currency]!, currency),
    })
  }
  out.push({
    label: 'NPS',
    field: 'satisfaction.nps.score',
    value: Format.decimal(r.satisfaction.nps.score),
    hint: `${Format.count(r.satisfaction.nps.responses)} answers`,
  })
  return out
}

/** A value as HTML: a currency code after an amount in smaller type (the text stays `1.00 USD`). */
const value = (text: string): string => {
  const money = /^(.*) ([A-Z]{3})$/.exec(text)
  return money === null
    ? Html.escape(text)
    : `<span class="amount">${Html.escape(money[1]!)}</span> <span class="currency">${money[2]!}</span>`
}

/** The key figures as a section of tiles. */
export const section = (r: Input): Section.Section =>
  Section.make(
    'key-figures',
    'Key figures',
    `<dl class="figures">${figures(r)
      .map(
        (f) =>
          `<div class="figure"><dt>${Html.escape(f.label)}</dt><dd data-figure="${Html.escape(f.field)}">${value(f.value)}</dd>` +
          (f.hint === undefined ? '' : `<dd class="hint">${Html.escape(f.hint)}</dd>`) +
          `</div>`,
      )
      .join('')}</dl>`,
  )
