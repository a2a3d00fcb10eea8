import * as fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Customer from './Customer.js'
import * as Decider from './Decider.js'
import * as InMemoryEventLog from './InMemoryEventLog.js'
import type { LifecycleEvent } from './LifecycleEvent.js'
import * as LifecycleError from './LifecycleError.js'
import { Arbitraries, Fixtures } from './testing/index.js'

const { optedIn, nurtured, purchased, refunded, referred, surveyed, churned } = Fixtures

/** Runs events through the decider in order; returns the state, or the first rejection's message. */
const replay = (events: readonly LifecycleEvent[]): Customer.CustomerState => {
  let state = Customer.initial
  for (const event of events) {
    const decision = Decider.decideEvent(event, state)
    if (decision._tag === 'Left') throw new Error(`fixture rejected: ${LifecycleError.format(decision.left)}`)
    state = decision.right.reduce(Decider.evolve, state)
  }
  return state
}

const rejection = (history: readonly LifecycleEvent[], event: LifecycleEvent): string | null => {
  const decision = Decider.decideEvent(event, replay(history))
  return decision._tag === 'Left' ? LifecycleError.format(decision.left) : null
}

describe('the lifecycle decider', () => {
  describe('OptedIn', () => {
    it('accepts a stranger', () => {
      expect(rejection([], optedIn('c', '2025-01-01T00:00:00Z'))).toBeNull()
    })
    it('rejects a second opt-in without a churn in between as AlreadyOptedIn', () => {
      expect(rejection([optedIn('c', '2025-01-01T00:00:00Z')], optedIn('c', '2025-01-02T00:00:00Z'))).toBe(
        'AlreadyOptedIn: OptedIn for customer "c" at 2025-01-02T00:00:00.000Z: the customer has opted in and not churned since',
      )
    })
    it('accepts an opt-in after a churn', () => {
      expect(
        rejection(
          [optedIn('c', '2025-01-01T00:00:00Z'), churned('c', '2025-02-01T00:00:00Z')],
          optedIn('c', '2025-03-01T00:00:00Z'),
        ),
      ).toBeNull()
    })
    it('accepts a first opt-in from a direct customer', () => {
      expect(
        rejection([purchased('c', '2025-01-01T00:00:00Z', 'o1', 100)], optedIn('c', '2025-01-02T00:00:00Z')),
      ).toBeNull()
    })
  })

  describe('Nurtured', () => {
    it('rejects a stranger as NoConsent', () => {
      expect(rejection([], nurtured('c', '2025-01-01T00:00:00Z'))).toBe(
        'NoConsent: Nurtured for customer "c" at 2025-01-01T00:00:00.000Z: the customer has no standing opt-in (never opted in, or churned since)',
      )
    })
    it('rejects a direct customer who never opted in', () => {
      expect(
        rejection([purchased('c', '2025-01-01T00:00:00Z', 'o1', 100)], nurtured('c', '2025-01-02T00:00:00Z')),
      ).toMatch(/^NoConsent:/)
    })
    it('rejects after a churn, even after a reactivating purchase', () => {
      const history = [
        optedIn('c', '2025-01-01T00:00:00Z'),
        churned('c', '2025-02-01T00:00:00Z'),
        purchased('c', '2025-03-01T00:00:00Z', 'o1', 100),
      ]
      expect(rejection(history, nurtured('c', '2025-03-02T00:00:00Z'))).toMatch(/^NoConsent:/)
    })
    it('accepts a lead', () => {
      expect(rejection([optedIn('c', '2025-01-01T00:00:00Z')], nurtured('c', '2025-01-01T00:00:00Z'))).toBeNull()
    })
  })

  describe('Purchased', () => {
    it('accepts a stranger, who becomes a direct customer', () => {
      const state = replay([purchased('c', '2025-01-01T00:00:00Z', 'o1', 100)])
      expect(Customer.stage(state)).toEqual({ _tag: 'customer', repeat: false, advocate: false })
    })
    it('rejects a reused order id as DuplicateOrder', () => {
      expect(
        rejection(
          [purchased('c', '2025-01-01T00:00:00Z', 'o1', 100)],
          purchased('c', '2025-01-02T00:00:00Z', 'o1', 200),
        ),
      ).toBe(
        'DuplicateOrder: Purchased for customer "c" at 2025-01-02T00:00:00.000Z: orderId "o1" was already used by this customer',
      )
    })
    it('reactivates a churned customer', () => {
      const state = replay([
        purchased('c', '2025-01-01T00:00:00Z', 'o1', 100),
        churned('c', '2025-02-01T00:00:00Z'),
        purchased('c', '2025-03-01T00:00:00Z', 'o2', 100),
      ])
      expect(Customer.stageName(state)).toBe('repeat')
    })
  })

  describe('Referred', () => {
    it('rejects a referral of oneself as SelfReferral', () => {
      expect(rejection([optedIn('c', '2025-01-01T00:00:00Z')], referred('c', '2025-01-02T00:00:00Z', 'c'))).toBe(
        'SelfReferral: Referred for customer "c" at 2025-01-02T00:00:00.000Z: a customer cannot refer itself',
      )
    })
    it('rejects a stranger as NotAnAdvocate', () => {
      expect(rejection([], referred('c', '2025-01-02T00:00:00Z', 'd'))).toBe(
        'NotAnAdvocate: Referred for customer "c" at 2025-01-02T00:00:00.000Z: only a customer who opted in or purchased and has not churned can refer',
      )
    })
    it('rejects a churned customer as NotAnAdvocate', () => {
      expect(
        rejection(
          [purchased('c', '2025-01-01T00:00:00Z', 'o1', 100), churned('c', '2025-01-05T00:00:00Z')],
          referred('c', '2025-01-06T00:00:00Z', 'd'),
        ),
      ).toMatch(/^NotAnAdvocate:/)
    })
    it('accepts a lead and a customer, and a customer who referred is an advocate', () => {
      expect(rejection([optedIn('c', '2025-01-01T00:00:00Z')], referred('c', '2025-01-02T00:00:00Z', 'd'))).toBeNull()
      const state = replay([
        purchased('c', '2025-01-01T00:00:00Z', 'o1', 100),
        referred('c', '2025-01-02T00:00:00Z', 'd'),
      ])
      expect(Customer.stage(state)).toEqual({ _tag: 'customer', repeat: false, advocate: true })
    })
  })

  describe('Churned', () => {
    it('rejects a stranger as NotActive', () => {
      expect(rejection([], churned('c', '2025-01-01T00:00:00Z'))).toBe(
        'NotActive: Churned for customer "c" at 2025-01-01T00:00:00.000Z: only a lead or customer who has not churned can churn',
      )
    })
    it('rejects a second churn as NotActive', () => {
      expect(
        rejection(
          [optedIn('c', '2025-01-01T00:00:00Z'), churned('c', '2025-01-02T00:00:00Z')],
          churned('c', '2025-01-03T00:00:00Z'),
        ),
      ).toMatch(/^NotActive:/)
    })
    it('accepts a lead and a customer', () => {
      expect(rejection([optedIn('c', '2025-01-01T00:00:00Z')], churned('c', '2025-01-02T00:00:00Z'))).toBeNull()
      expect(
        rejection([purchased('c', '2025-01-01T00:00:00Z', 'o1', 1)], churned('c', '2025-01-02T00:00:00Z')),
      ).toBeNull()
    })
  })

  describe('Refunded', () => {
    const order = purchased('c', '2025-01-05T00:00:00Z', 'o1', 5_000, 'EUR')
    it('rejects an order id the customer never used as UnknownOrder', () => {
      expect(rejection([order], refunded('c', '2025-01-06T00:00:00Z', 'o2', 100, 'EUR'))).toBe(
        'UnknownOrder: Refunded for customer "c" at 2025-01-06T00:00:00.000Z: orderId "o2" is no earlier order of this customer',
      )
    })
    it('rejects a refund in another currency than its order as CurrencyMismatch', () => {
      expect(rejection([order], refunded('c', '2025-01-06T00:00:00Z', 'o1', 100, 'USD'))).toBe(
        'CurrencyMismatch: Refunded for customer "c" at 2025-01-06T00:00:00.000Z: order "o1" was paid in EUR, not USD',
      )
    })
    it('admits refunds up to the order amount, counting every earlier refund of it, and rejects more as OverRefund', () => {
      // 3,000 + 2,000 = 5,000: the whole order; one cent more is too much.
      const history = [order, refunded('c', '2025-01-06T00:00:00Z', 'o1', 3_000, 'EUR')]
      expect(rejection(history, refunded('c', '2025-01-07T00:00:00Z', 'o1', 2_000, 'EUR'))).toBeNull()
      expect(
        rejection(
          [...history, refunded('c', '2025-01-07T00:00:00Z', 'o1', 2_000, 'EUR')],
          refunded('c', '2025-01-08T00:00:00Z', 'o1', 1, 'EUR'),
        ),
      ).toBe(
        `OverRefund: Refunded for customer "c" at 2025-01-08T00:00:00.000Z: 1 EUR more would refund 5001 of order "o1"'s 5000 (5000 refunded before)`,
      )
    })
    it('admits a refund after a churn, and one at the instant of its order later in the log', () => {
      expect(
        rejection(
          [order, churned('c', '2025-02-01T00:00:00Z')],
          refunded('c', '2025-02-02T00:00:00Z', 'o1', 10, 'EUR'),
        ),
      ).toBeNull()
      expect(rejection([order], refunded('c', '2025-01-05T00:00:00Z', 'o1', 10, 'EUR'))).toBeNull()
    })
    it('rejects a refund of an order that comes later in the stream as UnknownOrder', () => {
      expect(rejection([], refunded('c', '2025-01-05T00:00:00Z', 'o1', 10, 'EUR'))).toMatch(/^UnknownOrder/)
    })
    it('leaves the stage as it is', () => {
      expect(Customer.stageName(replay([order, refunded('c', '2025-01-06T00:00:00Z', 'o1', 5_000, 'EUR')]))).toBe(
        'customer',
      )
    })
  })

  describe('SurveyAnswered', () => {
    it('rejects a stranger as NotACustomer', () => {
      expect(rejection([], surveyed('c', '2025-01-01T00:00:00Z', 'nps', 9))).toBe(
        'NotACustomer: SurveyAnswered for customer "c" at 2025-01-01T00:00:00.000Z: only someone who opted in or purchased earlier can answer a survey',
      )
    })
    it('accepts a lead, a direct customer, and a churned customer (exit survey), the stage unchanged', () => {
      expect(
        rejection([optedIn('c', '2025-01-01T00:00:00Z')], surveyed('c', '2025-01-01T00:00:00Z', 'csat', 4)),
      ).toBeNull()
      expect(
        rejection([purchased('c', '2025-01-01T00:00:00Z', 'o1', 1)], surveyed('c', '2025-01-02T00:00:00Z', 'nps', 0)),
      ).toBeNull()
      const exit = [
        optedIn('c', '2025-01-01T00:00:00Z'),
        churned('c', '2025-01-03T00:00:00Z', 'cancelled'),
        surveyed('c', '2025-01-03T00:00:00Z', 'nps', 3, 'exit'),
      ]
      expect(Customer.stageName(replay(exit))).toBe('churned')
    })
  })

  describe('any event', () => {
    it('rejects an event earlier than the latest as OutOfOrder, before any other rule', () => {
      expect(rejection([optedIn('c', '2025-01-05T00:00:00Z')], optedIn('c', '2025-01-04T00:00:00Z'))).toBe(
        'OutOfOrder: OptedIn for customer "c" at 2025-01-04T00:00:00.000Z: earlier than the customer\'s latest event at 2025-01-05T00:00:00.000Z',
      )
    })
    it('accepts an event at the same instant as the latest', () => {
      expect(
        rejection([optedIn('c', '2025-01-05T00:00:00Z')], purchased('c', '2025-01-05T00:00:00Z', 'o1', 1)),
      ).toBeNull()
    })
  })

  describe('commands', () => {
    it('decide turns an accepted command into its event', () => {
      const command: Decider.Command = {
        type: 'OptIn',
        customerId: Fixtures.cid('c'),
        occurredAt: Fixtures.at('2025-01-01T00:00:00Z'),
        channel: 'seo',
      }
      expect(Decider.decide(command, Customer.initial)).toEqual({
        _tag: 'Right',
        right: [optedIn('c', '2025-01-01T00:00:00Z')],
      })
    })
  })

  describe('stages', () => {
    it.each([
      [[], 'stranger'],
      [[optedIn('c', '2025-01-01T00:00:00Z'), nurtured('c', '2025-01-02T00:00:00Z')], 'lead'],
      [[optedIn('c', '2025-01-01T00:00:00Z'), purchased('c', '2025-01-02T00:00:00Z', 'o1', 1)], 'customer'],
      [[purchased('c', '2025-01-02T00:00:00Z', 'o1', 1), purchased('c', '2025-01-03T00:00:00Z', 'o2', 1)], 'repeat'],
      [[optedIn('c', '2025-01-01T00:00:00Z'), churned('c', '2025-01-02T00:00:00Z')], 'churned'],
      [
        [
          purchased('c', '2025-01-01T00:00:00Z', 'o1', 1),
          churned('c', '2025-01-02T00:00:00Z'),
          optedIn('c', '2025-01-03T00:00:00Z'),
        ],
        'lead',
      ],
    ] as const)('%j is a %s', (events, name) => {
      expect(Customer.stageName(replay(events))).toBe(name)
    })
  })
})

/**
 * The rules of EVENTS.md written directly over the accepted history, independently of the
 * decider's state: the rule a candidate breaks, or null.
 */
const spec = (history: readonly LifecycleEvent[], e: LifecycleEvent): string | null => {
  const last = history.at(-1)
  if (last !== undefined && e.occurredAt < last.occurredAt) return 'OutOfOrder'
  const lastIndex = (p: (x: LifecycleEvent) => boolean): number => history.findLastIndex(p)
  const lastOptIn = lastIndex((x) => x.type === 'OptedIn')
  const churnedSinceOptIn = lastOptIn >= 0 && history.slice(lastOptIn).some((x) => x.type === 'Churned')
  const standingOptIn = lastOptIn >= 0 && !churnedSinceOptIn
  const lastStatus = history.at(
    lastIndex((x) => x.type === 'OptedIn' || x.type === 'Purchased' || x.type === 'Churned'),
  )
  const engaged = history.some((x) => x.type === 'OptedIn' || x.type === 'Purchased') && lastStatus?.type !== 'Churned'
  switch (e.type) {
    case 'OptedIn':
      return standingOptIn ? 'AlreadyOptedIn' : null
    case 'Nurtured':
      return standingOptIn ? null : 'NoConsent'
    case 'Purchased':
      return history.some((x) => x.type === 'Purchased' && x.orderId === e.orderId) ? 'DuplicateOrder' : null
    case 'Refunded': {
      const order = history.find((x) => x.type === 'Purchased' && x.orderId === e.orderId)
      if (order?.type !== 'Purchased') return 'UnknownOrder'
      if (order.currency !== e.currency) return 'CurrencyMismatch'
      const before = history
        .filter((x) => x.type === 'Refunded' && x.orderId === e.orderId)
        .reduce((sum, x) => sum + (x.type === 'Refunded' ? x.amountCents : 0), 0)
      return before + e.amountCents > order.amountCents ? 'OverRefund' : null
    }
    case 'Referred':
      return e.referredCustomerId === e.customerId ? 'SelfReferral' : engaged ? null : 'NotAnAdvocate'
    case 'SurveyAnswered':
      return history.some((x) => x.type === 'OptedIn' || x.type === 'Purchased') ? null : 'NotACustomer'
    case 'Churned':
      return engaged ? null : 'NotActive'
  }
}

const specStage = (history: readonly LifecycleEvent[]): string => {
  if (history.length === 0) return 'stranger'
  const lastOf = (types: readonly string[]) => history.findLast((x) => types.includes(x.type))?.type
  if (lastOf(['OptedIn', 'Purchased', 'Churned']) === 'Churned') return 'churned'
  if (lastOf(['Purchased', 'Churned']) === 'Purchased') {
    if (history.some((x) => x.type === 'Referred')) return 'advocate'
    return history.filter((x) => x.type === 'Purchased').length >= 2 ? 'repeat' : 'customer'
  }
  return 'lead'
}

describe('decider properties', () => {
  const oneCustomer = fc.array(Arbitraries.event(fc.constant(Fixtures.cid('c1'))), { maxLength: 40 })
  const mostlyOrdered = fc
    .tuple(oneCustomer, fc.boolean())
    .map(([events, sort]) => (sort ? [...events].sort((a, b) => a.occurredAt - b.occurredAt) : events))

  it('accepts exactly what the rules allow, so no accepted history breaks a rule, and stages agree', () => {
    fc.assert(
      fc.property(mostlyOrdered, (events) => {
        let state = Customer.initial
        const history: LifecycleEvent[] = []
        for (const event of events) {
          const decision = Decider.decideEvent(event, state)
          expect(decision._tag === 'Left' ? decision.left._tag : null).toBe(spec(history, event))
          if (decision._tag === 'Right') {
            history.push(event)
            state = Decider.evolve(state, event)
          }
          expect(Customer.stageName(state)).toBe(specStage(history))
        }
      }),
      { numRuns: 500 },
    )
  })

  it('replaying the stored log reproduces the state reached step by step', async () => {
    await fc.assert(
      fc.asyncProperty(mostlyOrdered, async (events) => {
        const log = InMemoryEventLog.make()
        let state = Customer.initial
        for (const event of events) {
          const decision = Decider.decideEvent(event, state)
          if (decision._tag === 'Left') continue
          const appended = await log.append({ streamId: event.customerId, events: decision.right })()
          if (appended._tag === 'Left') throw new Error('append failed')
          if (appended.right.appended.length > 0) state = decision.right.reduce(Decider.evolve, state)
        }
        const stored = await log.readStream(Fixtures.cid('c1'))()
        if (stored._tag === 'Left') throw new Error('read failed')
        expect(Customer.fromEvents(stored.right)).toEqual(state)
        expect(stored.right.length).toBe(state.version)
      }),
      { numRuns: 200 },
    )
  })
})
