/**
 * Small builders of well-formed events for tests of any EventLog or projection.
 */
import { customerId, type CustomerId } from '../Ids.js'
import type { LifecycleEvent } from '../LifecycleEvent.js'
import * as Timestamp from '../Timestamp.js'

/** A customer id from a literal. */
export const cid = (s: string): CustomerId => customerId(s)

/** An instant from an RFC 3339 literal. */
export const at = (s: string): Timestamp.Timestamp => Timestamp.unsafeParse(s)

/** An `OptedIn` for `customer` at `when` (RFC 3339), with optional extra fields. */
export const optedIn = (
  customer: string,
  when: string,
  extra: { channel?: string; campaign?: string; acquisitionCostCents?: number; referredBy?: string } = {},
): LifecycleEvent => {
  const { referredBy, channel, ...rest } = extra
  return {
    type: 'OptedIn',
    customerId: cid(customer),
    occurredAt: at(when),
    channel: channel ?? 'seo',
    ...rest,
    ...(referredBy === undefined ? {} : { referredBy: cid(referredBy) }),
  }
}

/** A `Nurtured` email touch. */
export const nurtured = (customer: string, when: string, campaign?: string): LifecycleEvent => ({
  type: 'Nurtured',
  customerId: cid(customer),
  occurredAt: at(when),
  touch: 'email',
  ...(campaign === undefined ? {} : { campaign }),
})

/** A `Purchased` of `amountCents` in `currency` (default USD), of a product `category` if given. */
export const purchased = (
  customer: string,
  when: string,
  orderId: string,
  amountCents: number,
  currency = 'USD',
  category?: string,
): LifecycleEvent => ({
  type: 'Purchased',
  customerId: cid(customer),
  occurredAt: at(when),
  orderId,
  amountCents,
  currency,
  ...(category === undefined ? {} : { category }),
})

/** A `Refunded` of `amountCents` of order `orderId`, in `currency` (default USD). */
export const refunded = (
  customer: string,
  when: string,
  orderId: string,
  amountCents: number,
  currency = 'USD',
  reason?: string,
): LifecycleEvent => ({
  type: 'Refunded',
  customerId: cid(customer),
  occurredAt: at(when),
  orderId,
  amountCents,
  currency,
  ...(reason === undefined ? {} : { reason }),
})

/** A `SurveyAnswered`: an `nps` (0 to 10) or `csat` (1 to 5) score. */
export const surveyed = (
  customer: string,
  when: string,
  survey: 'nps' | 'csat',
  score: number,
  campaign?: string,
): LifecycleEvent => ({
  type: 'SurveyAnswered',
  customerId: cid(customer),
  occurredAt: at(when),
  survey,
  score,
  ...(campaign === undefined ? {} : { campaign }),
})

/** A `Referred` of `referred` by `customer`. */
export const referred = (customer: string, when: string, referredCustomer: string): LifecycleEvent => ({
  type: 'Referred',
  customerId: cid(customer),
  occurredAt: at(when),
  referredCustomerId: cid(referredCustomer),
})

/** A `Churned`. */
export const churned = (customer: string, when: string, reason?: string): LifecycleEvent => ({
  type: 'Churned',
  customerId: cid(customer),
  occurredAt: at(when),
  ...(reason === undefined ? {} : { reason }),
})
