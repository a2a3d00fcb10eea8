/**
 * The lifecycle decider: `decide(command, state)` accepts a command as the event to record, or
 * rejects it with the rule it breaks; `evolve` folds accepted events into the state.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as Customer from './Customer.js'
import type { EventOf, EventType, LifecycleEvent } from './LifecycleEvent.js'
import type { LifecycleError } from './LifecycleError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The command that asks for each event type. */
export const COMMAND_OF = {
  OptedIn: 'OptIn',
  Nurtured: 'Nurture',
  Purchased: 'Purchase',
  Refunded: 'Refund',
  Referred: 'Refer',
  SurveyAnswered: 'AnswerSurvey',
  Churned: 'Churn',
} as const satisfies Record<EventType, string>

/** A command: the event it asks to record, named as an intent (`OptIn` for `OptedIn`, ...). */
export type Command = {
  readonly [K in EventType]: Omit<EventOf<K>, 'type'> & { readonly type: (typeof COMMAND_OF)[K] }
}[EventType]

/** The command of a given name. */
export type CommandOf<K extends Command['type']> = Extract<Command, { readonly type: K }>

const EVENT_OF = {
  OptIn: 'OptedIn',
  Nurture: 'Nurtured',
  Purchase: 'Purchased',
  Refund: 'Refunded',
  Refer: 'Referred',
  AnswerSurvey: 'SurveyAnswered',
  Churn: 'Churned',
} as const satisfies Record<Command['type'], EventType>

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The command that would record this event (for importing history through the rules). */
export const commandFromEvent = (event: LifecycleEvent): Command =>
  ({ ...event, type: COMMAND_OF[event.type] }) as Command

/** The event a command asks to record. */
export const eventFromCommand = (command: Command): LifecycleEvent =>
  ({ ...command, type: EVENT_OF[command.type] }) as LifecycleEvent

// -------------------------------------------------------------------------------------
// decider
// -------------------------------------------------------------------------------------

/** The initial state: a stranger. */
export const initialState = Customer.initial

/** Folds one accepted event into the state. */
export const evolve = Customer.evolve

/**
 * Checks an event against the lifecycle rules of EVENTS.md: the rule it breaks, or `null` when
 * the customer in this state may record it. Pure and total; allocation-free when accepted.
 */
export const check = (event: LifecycleEvent, state: Customer.CustomerState): LifecycleError | null => {
  const reject = <Tag extends LifecycleError['_tag']>(_tag: Tag) => ({
    _tag,
    customerId: event.customerId,
    eventType: event.type,
    occurredAt: event.occurredAt,
  })
  if (state.lastOccurredAt !== null && event.occurredAt < state.lastOccurredAt) {
    return { ...reject('OutOfOrder'), latest: state.lastOccurredAt }
  }
  const engaged = (state.everOptedIn || state.purchases > 0) && !Customer.isChurned(state)
  switch (event.type) {
    case 'OptedIn':
      return state.consent ? reject('AlreadyOptedIn') : null
    case 'Nurtured':
      return state.consent ? null : reject('NoConsent')
    case 'Purchased':
      return state.orders.has(event.orderId) ? { ...reject('DuplicateOrder'), orderId: event.orderId } : null
    case 'Refunded': {
      const order = state.orders.get(event.orderId)
      if (order === undefined) return { ...reject('UnknownOrder'), orderId: event.orderId }
      if (order.currency !== event.currency) {
        return {
          ...reject('CurrencyMismatch'),
          orderId: event.orderId,
          expected: order.currency,
          actual: event.currency,
        }
      }
      if (order.refundedCents + event.amountCents > order.amountCents) {
        return {
          ...reject('OverRefund'),
          orderId: event.orderId,
          orderCents: order.amountCents,
          refundedCents: order.refundedCents,
          amountCents: event.amountCents,
          currency: event.currency,
        }
      }
      return null
    }
    case 'Referred':
      if (event.referredCustomerId === event.customerId) return reject('SelfReferral')
      return engaged ? null : reject('NotAnAdvocate')
    case 'SurveyAnswered':
      // Exit surveys: a churned customer may answer.
      return state.everOptedIn || state.purchases > 0 ? null : reject('NotACustomer')
    case 'Churned':
      return engaged ? null : reject('NotActive')
  }
}

/**
 * Checks the command against the lifecycle rules and returns the events to record, or the rule
 * it breaks. Pure and total.
 */
export const decide = (
  command: Command,
  state: Customer.CustomerState,
): E.Either<LifecycleError, readonly [LifecycleEvent]> => decideEvent(eventFromCommand(command), state)

/**
 * Checks an event (as the command that asks for it) against the state: the shape importers use
 * to run history through the rules.
 */
export const decideEvent = (
  event: LifecycleEvent,
  state: Customer.CustomerState,
): E.Either<LifecycleError, readonly [LifecycleEvent]> => {
  const error = check(event, state)
  return error === null ? E.right([event]) : E.left(error)
}
