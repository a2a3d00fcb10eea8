/**
 * The RFM summary that lifetimes' `summary_data_from_transaction_data` builds, as a fold over
 * the log: purchases bucketed by UTC day, same-day amounts summed and counted once;
 * `frequency` = days with a purchase - 1; `recency` = last day - first day; `T` = end day - first
 * day, the end day being the one holding the last instant before `to`; `monetary` = the mean of
 * the day sums after the first day (0 for one-time buyers). Recency and T are then given in the
 * chosen unit. Purchases at or after `to`, or in another currency, are left out.
 */
import { Timestamp, type LifecycleEvent } from '@lifeline/core'
import type { Fold } from '../Fold.js'

type Event = LifecycleEvent.LifecycleEvent

/** A time unit of the models: days, or weeks of 7 days. */
export type Unit = 'day' | 'week'

/** Days in a unit. */
export const DAYS: { readonly [U in Unit]: number } = { day: 1, week: 7 }

/** One customer's summary. */
export interface CustomerRfm {
  readonly customerId: string
  /** Repeat purchase days. */
  readonly frequency: number
  /** From the first to the last purchase day, in `unit`s. */
  readonly recency: number
  /** From the first purchase day to the end day, in `unit`s. */
  readonly T: number
  /** Mean spend of the repeat purchase days, in minor units; 0 for one-time buyers. */
  readonly monetaryCents: number
}

/** The summary of a log. */
export interface Summary {
  readonly unit: Unit
  readonly currency: string | null
  /** The end day's first instant (UTC ms), or null without purchases. */
  readonly endDay: number | null
  readonly customers: readonly CustomerRfm[]
}

/** Options of the summary. */
export interface Options {
  /** Purchases before this instant only; default: all. */
  readonly to?: number
  readonly unit: Unit
  /** The currency to summarize; default: the one of the first purchase seen. */
  readonly currency?: string
}

interface Facts {
  firstDay: number
  lastDay: number
  days: number
  firstDaySum: number
  total: number
}

/** The state of the summary fold. */
export interface State {
  readonly options: Options
  readonly customers: Map<string, Facts>
  currency: string | null
  lastInstant: number | null
  otherCurrencies: number
}

const dayOf = (ms: number): number => Math.floor(ms / Timestamp.MS_PER_DAY)

/** Folds one event into the summary state. */
export const step = (state: State, event: Event): State => {
  if (event.type !== 'Purchased') return state
  const to = state.options.to ?? Number.POSITIVE_INFINITY
  if (event.occurredAt >= to) return state
  state.currency ??= state.options.currency ?? event.currency
  if (event.currency !== state.currency) {
    state.otherCurrencies++
    return state
  }
  if (state.lastInstant === null || event.occurredAt > state.lastInstant) state.lastInstant = event.occurredAt
  const day = dayOf(event.occurredAt)
  const f = state.customers.get(event.customerId)
  if (f === undefined) {
    state.customers.set(event.customerId, {
      firstDay: day,
      lastDay: day,
      days: 1,
      firstDaySum: event.amountCents,
      total: event.amountCents,
    })
    return state
  }
  if (day !== f.lastDay) {
    f.days++
    f.lastDay = day
  } else if (day === f.firstDay) f.firstDaySum += event.amountCents
  f.total += event.amountCents
  return state
}

/** The summary from its state. */
export const result = (state: State): Summary => {
  const to = state.options.to
  const endDay = to !== undefined ? dayOf(to - 1) : state.lastInstant === null ? null : dayOf(state.lastInstant)
  const unit = DAYS[state.options.unit]
  const customers: CustomerRfm[] = []
  for (const [customerId, f] of state.customers) {
    customers.push({
      customerId,
      frequency: f.days - 1,
      recency: (f.lastDay - f.firstDay) / unit,
      T: ((endDay ?? f.lastDay) - f.firstDay) / unit,
      monetaryCents: f.days > 1 ? (f.total - f.firstDaySum) / (f.days - 1) : 0,
    })
  }
  return {
    unit: state.options.unit,
    currency: state.currency,
    endDay: endDay === null ? null : endDay * Timestamp.MS_PER_DAY,
    customers,
  }
}

/** The RFM summary as a fold. */
export const fold = (options: Options): Fold<State, Summary> => ({
  initial: () => ({
    options,
    customers: new Map(),
    currency: options.currency ?? null,
    lastInstant: null,
    otherCurrencies: 0,
  }),
  step,
  result,
})
