/**
 * Why the lifecycle rules rejected a command: one tagged value per rule of EVENTS.md.
 */
import type { CustomerId } from './Ids.js'
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

/** Any rejection by the lifecycle rules. */
export type LifecycleError =
  AlreadyOptedIn | NoConsent | DuplicateOrder | NotAnAdvocate | SelfReferral | NotActive | OutOfOrder

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
  }
}
