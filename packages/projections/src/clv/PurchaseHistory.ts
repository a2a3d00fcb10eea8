/**
 * Every customer's orders as the CLV models see them, gathered in one pass over the log: the
 * instant, currency and amount of each `Purchased`, with the `Refunded` events that name it (a
 * refund always follows its order in the customer's stream: the lifecycle rules see to it).
 * The RFM summary of any calibration period, the holdout counts and the tracking curves are
 * then computed from it without reading the log again.
 */
import type { LifecycleEvent } from '@lifeline/core'
import type { Fold } from '../Fold.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A refund of (part of) an order. */
export interface Refund {
  readonly at: number
  readonly cents: number
}

/** One order. */
export interface Order {
  readonly orderId: string
  readonly at: number
  readonly currency: string
  readonly cents: number
  /** Its refunds, in log order. */
  readonly refunds: Refund[]
}

/** The orders of every customer, each customer's in log (and so time) order. */
export interface History {
  readonly customers: ReadonlyMap<string, readonly Order[]>
  /** The latest purchase instant, or null without purchases. */
  readonly lastPurchase: number | null
  /** Refunds whose order the history does not hold (none in a log that passed the lifecycle rules). */
  readonly unmatchedRefunds: number
}

/** The state of the history fold. */
export interface State {
  readonly customers: Map<string, Order[]>
  /** Per customer, its orders by id. */
  readonly byId: Map<string, Map<string, Order>>
  lastPurchase: number | null
  unmatchedRefunds: number
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** Folds one event into the history: purchases, and refunds attached to the order they name. */
export const step = (state: State, event: LifecycleEvent.LifecycleEvent): State => {
  if (event.type === 'Refunded') {
    const order = state.byId.get(event.customerId)?.get(event.orderId)
    if (order === undefined) state.unmatchedRefunds++
    else order.refunds.push({ at: event.occurredAt, cents: event.amountCents })
    return state
  }
  if (event.type !== 'Purchased') return state
  const order: Order = {
    orderId: event.orderId,
    at: event.occurredAt,
    currency: event.currency,
    cents: event.amountCents,
    refunds: [],
  }
  let orders = state.customers.get(event.customerId)
  let byId = state.byId.get(event.customerId)
  if (orders === undefined || byId === undefined) {
    orders = []
    byId = new Map()
    state.customers.set(event.customerId, orders)
    state.byId.set(event.customerId, byId)
  }
  orders.push(order)
  byId.set(event.orderId, order)
  if (state.lastPurchase === null || event.occurredAt > state.lastPurchase) state.lastPurchase = event.occurredAt
  return state
}

/** The history from its state. */
export const result = (state: State): History => ({
  customers: state.customers,
  lastPurchase: state.lastPurchase,
  unmatchedRefunds: state.unmatchedRefunds,
})

/** The purchase history as a fold. */
export const fold: Fold<State, History> = {
  initial: () => ({ customers: new Map(), byId: new Map(), lastPurchase: null, unmatchedRefunds: 0 }),
  step,
  result,
}

/** An order's amount net of its refunds before `to`. */
export const netCents = (order: Order, to: number): number => {
  let cents = order.cents
  for (const refund of order.refunds) if (refund.at < to) cents -= refund.cents
  return cents
}
