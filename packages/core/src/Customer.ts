/**
 * A customer's lifecycle state, folded from its own events, and the stage derived from it.
 */
import type { LifecycleEvent } from './LifecycleEvent.js'
import type { Timestamp } from './Timestamp.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the lifecycle rules need to know about one customer. */
export interface CustomerState {
  /** Events applied so far: the stream version. */
  readonly version: number
  /** The latest event's instant, or null for a stranger. */
  readonly lastOccurredAt: Timestamp | null
  /** Has ever opted in. */
  readonly everOptedIn: boolean
  /** Has opted in and not churned since the last opt-in: may be marketed to. */
  readonly consent: boolean
  /** Number of purchases. */
  readonly purchases: number
  /** The customer's orders by id: amount, currency and what was refunded of each. */
  readonly orders: ReadonlyMap<string, Order>
  /** Number of referrals sent. */
  readonly referrals: number
  /** The latest of its `OptedIn` / `Purchased` / `Churned` events, which decides `churned`. */
  readonly lastStatus: 'OptedIn' | 'Purchased' | 'Churned' | null
  /** The latest of its `Purchased` / `Churned` events, which decides `active`. */
  readonly lastActivity: 'Purchased' | 'Churned' | null
}

/** What the rules need to know of one order: its amount and currency, and its refunds so far. */
export interface Order {
  readonly amountCents: number
  readonly currency: string
  /** The sum of the order's refunds so far. */
  readonly refundedCents: number
}

/** A customer's stage (EVENTS.md), with the customer sub-stages as flags. */
export type Stage =
  | { readonly _tag: 'stranger' }
  | { readonly _tag: 'lead' }
  | { readonly _tag: 'customer'; readonly repeat: boolean; readonly advocate: boolean }
  | { readonly _tag: 'churned' }

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The state of a customer with no events: a stranger. */
export const initial: CustomerState = {
  version: 0,
  lastOccurredAt: null,
  everOptedIn: false,
  consent: false,
  purchases: 0,
  orders: new Map(),
  referrals: 0,
  lastStatus: null,
  lastActivity: null,
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** The state after one more event. Pure: the given state is not changed. */
export const evolve = (state: CustomerState, event: LifecycleEvent): CustomerState => {
  const next = { ...state, version: state.version + 1, lastOccurredAt: event.occurredAt }
  switch (event.type) {
    case 'OptedIn':
      return { ...next, everOptedIn: true, consent: true, lastStatus: 'OptedIn' }
    case 'Nurtured':
      return next
    case 'Purchased':
      return {
        ...next,
        purchases: state.purchases + 1,
        orders: new Map(state.orders).set(event.orderId, {
          amountCents: event.amountCents,
          currency: event.currency,
          refundedCents: 0,
        }),
        lastStatus: 'Purchased',
        lastActivity: 'Purchased',
      }
    case 'Refunded': {
      // The decider admits refunds of known orders only; an unknown one leaves the orders as they are.
      const order = state.orders.get(event.orderId)
      if (order === undefined) return next
      const refunded = { ...order, refundedCents: order.refundedCents + event.amountCents }
      return { ...next, orders: new Map(state.orders).set(event.orderId, refunded) }
    }
    case 'Referred':
      return { ...next, referrals: state.referrals + 1 }
    case 'SurveyAnswered':
      return next
    case 'Churned':
      return { ...next, consent: false, lastStatus: 'Churned', lastActivity: 'Churned' }
  }
}

/** Folds a customer's events, in order, from the initial state. */
export const fromEvents = (events: Iterable<LifecycleEvent>): CustomerState => {
  let state = initial
  for (const event of events) state = evolve(state, event)
  return state
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** True when the customer has purchased and its latest purchase/churn is a purchase. */
export const isActive = (state: CustomerState): boolean => state.lastActivity === 'Purchased'

/** True when its latest `OptedIn` / `Purchased` / `Churned` is a `Churned`. */
export const isChurned = (state: CustomerState): boolean => state.lastStatus === 'Churned'

/**
 * The stage of a customer:
 * - `stranger`: no events;
 * - `churned`: its latest `OptedIn`/`Purchased`/`Churned` is a `Churned`;
 * - `customer`: has purchased and is active (`repeat` with two or more purchases, `advocate`
 *   once it has referred someone);
 * - `lead`: otherwise, i.e. opted in and not (or not again) an active buyer. A churned customer
 *   who opts in again without buying is a lead again.
 */
export const stage = (state: CustomerState): Stage => {
  if (state.version === 0) return { _tag: 'stranger' }
  if (isChurned(state)) return { _tag: 'churned' }
  if (isActive(state)) return { _tag: 'customer', repeat: state.purchases >= 2, advocate: state.referrals > 0 }
  return { _tag: 'lead' }
}

/** The stage as one word: `stranger`, `lead`, `customer`, `repeat`, `advocate` or `churned`. */
export const stageName = (state: CustomerState): string => {
  const s = stage(state)
  if (s._tag !== 'customer') return s._tag
  return s.advocate ? 'advocate' : s.repeat ? 'repeat' : 'customer'
}
