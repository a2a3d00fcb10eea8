/**
 * Why the lifecycle rules rejected a command: one tagged value per rule of EVENTS.md.
 */
import type { CustomerId, EventId } from './Ids.js'
import * as Timestamp from './Timestamp.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What every rejection carries: its rule (`_tag`), and the command's customer, event type and instant. */
export interface Rejection<Tag extends string> {
  readonly _tag: Tag
  /** The customer the command was for. */
  readonly customerId: CustomerId
  /** The type of the event the command would have recorded. */
  readonly eventType: string
  /** The instant of the rejected command. */
  readonly occurredAt: Timestamp.Timestamp
}

/** `OptedIn` for a customer who opted in and has not churned since. */
export type AlreadyOptedIn = Rejection<'AlreadyOptedIn'>
/** `Nurtured` for a customer without a standing opt-in. */
export type NoConsent = Rejection<'NoConsent'>
/** `Purchased` with an `orderId` this customer already used. */
export type DuplicateOrder = Rejection<'DuplicateOrder'> & { readonly orderId: string }
/** `Referred` by a customer who never opted in or purchased, or who has churned. */
export type NotAnAdvocate = Rejection<'NotAnAdvocate'>
/** `Referred` naming the referrer itself. */
export type SelfReferral = Rejection<'SelfReferral'>
/** `Churned` for a customer who is not a lead or customer, or already churned. */
export type NotActive = Rejection<'NotActive'>
/** Any event earlier than the customer's latest event. */
export type OutOfOrder = Rejection<'OutOfOrder'> & { readonly latest: Timestamp.Timestamp }
/** `Refunded` naming an order this customer never placed (or placed later in its stream). */
export type UnknownOrder = Rejection<'UnknownOrder'> & { readonly orderId: string }
/** `Refunded` in another currency than its order's. */
export type CurrencyMismatch = Rejection<'CurrencyMismatch'> & {
  readonly orderId: string
  /** The order's currency. */
  readonly expected: string
  /** The refund's currency. */
  readonly actual: string
}
/** `Refunded` that would take the order's refunds, this one included, past the order's amount. */
export type OverRefund = Rejection<'OverRefund'> & {
  readonly orderId: string
  readonly orderCents: number
  /** What earlier refunds of the order already paid back. */
  readonly refundedCents: number
  /** This refund's amount. */
  readonly amountCents: number
  readonly currency: string
}
/** `SurveyAnswered` by someone who never opted in or purchased. */
export type NotACustomer = Rejection<'NotACustomer'>

/** Where the first event carrying a reused id is. */
export type FirstWithId =
  /** Stored in the log at this global position. */
  | { readonly _tag: 'Stored'; readonly globalPosition: number }
  /** Earlier in the same append: the stream batch and the event's index in it. */
  | { readonly _tag: 'Batch'; readonly streamId: CustomerId; readonly index: number }
  /** Earlier in the same input (a file's line number, a request's line). */
  | { readonly _tag: 'Input'; readonly source: unknown }

/**
 * An event whose id already names another event (different type, customer, instant or fields;
 * metadata aside). The same id with the same content is an idempotent repeat, not this.
 */
export type IdReused = Rejection<'IdReused'> & { readonly eventId: EventId; readonly first: FirstWithId }

/** Any rejection by the lifecycle rules. */
export type LifecycleError =
  | AlreadyOptedIn
  | NoConsent
  | DuplicateOrder
  | NotAnAdvocate
  | SelfReferral
  | NotActive
  | OutOfOrder
  | UnknownOrder
  | CurrencyMismatch
  | OverRefund
  | NotACustomer
  | IdReused

/** The rule names, as `_tag` values. */
export type Rule = LifecycleError['_tag']

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** A one-line explanation naming the rule, the customer and the event. */
export const format = (error: LifecycleError): string => {
  const what = `${error.eventType} for customer ${JSON.stringify(error.customerId)} at ${Timestamp.format(error.occurredAt)}`
  switch (error._tag) {
    case 'AlreadyOptedIn':
      return `AlreadyOptedIn: ${what}: the customer has opted in and not churned since`
    case 'NoConsent':
      return `NoConsent: ${what}: the customer has no standing opt-in (never opted in, or churned since)`
    case 'DuplicateOrder':
      return `DuplicateOrder: ${what}: orderId ${JSON.stringify(error.orderId)} was already used by this customer`
    case 'NotAnAdvocate':
      return `NotAnAdvocate: ${what}: only a customer who opted in or purchased and has not churned can refer`
    case 'SelfReferral':
      return `SelfReferral: ${what}: a customer cannot refer itself`
    case 'NotActive':
      return `NotActive: ${what}: only a lead or customer who has not churned can churn`
    case 'OutOfOrder':
      return `OutOfOrder: ${what}: earlier than the customer's latest event at ${Timestamp.format(error.latest)}`
    case 'UnknownOrder':
      return `UnknownOrder: ${what}: orderId ${JSON.stringify(error.orderId)} is no earlier order of this customer`
    case 'CurrencyMismatch':
      return `CurrencyMismatch: ${what}: order ${JSON.stringify(error.orderId)} was paid in ${error.expected}, not ${error.actual}`
    case 'OverRefund':
      return `OverRefund: ${what}: ${error.amountCents} ${error.currency} more would refund ${error.refundedCents + error.amountCents} of order ${JSON.stringify(error.orderId)}'s ${error.orderCents} (${error.refundedCents} refunded before)`
    case 'NotACustomer':
      return `NotACustomer: ${what}: only someone who opted in or purchased earlier can answer a survey`
    case 'IdReused':
      return `IdReused: ${what}: eventId ${error.eventId} already names another event (${formatFirst(error.first)})`
  }
}

/** Where the first event with a reused id is, in words. */
export const formatFirst = (first: FirstWithId): string => {
  switch (first._tag) {
    case 'Stored':
      return `stored at position ${first.globalPosition}`
    case 'Batch':
      return `event ${first.index} of stream ${JSON.stringify(first.streamId)} in the same append`
    case 'Input':
      return typeof first.source === 'number' ? `line ${first.source}` : `input ${JSON.stringify(first.source)}`
  }
}
