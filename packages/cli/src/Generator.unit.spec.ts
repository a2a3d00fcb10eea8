import { History } from '@lifeline/core'
import { describe, expect, it } from 'vitest'
import * as Generator from './Generator.js'

const options = { customers: 2_000, start: Date.UTC(2025, 0, 1), days: 365, seed: 42 }

describe('Generator', () => {
  it('gives the same events for the same seed and other events for another seed', () => {
    const a = [...Generator.generate(options)]
    expect([...Generator.generate(options)]).toEqual(a)
    expect([...Generator.generate({ ...options, seed: 43 })]).not.toEqual(a)
  })

  it('generates histories that every lifecycle rule accepts, with every event type', () => {
    const events = [...Generator.generate(options)]
    const admitted = History.admit(events.map((event, source) => ({ source, event })))
    expect(admitted.rejected).toEqual([])
    expect(admitted.duplicates).toEqual([])
    const types = new Set(events.map((e) => e.type))
    expect([...types].sort()).toEqual([
      'Churned',
      'Nurtured',
      'OptedIn',
      'Purchased',
      'Referred',
      'Refunded',
      'SurveyAnswered',
    ])
  })

  it('keeps every event inside the period: a seeded year has no event after it', () => {
    const end = options.start + options.days * 86_400_000
    const instants = [...Generator.generate(options)].map((e) => e.occurredAt)
    expect(Math.min(...instants)).toBeGreaterThanOrEqual(options.start)
    expect(Math.max(...instants)).toBeLessThan(end)
  })

  it('refunds a few percent of orders, some in part, and asks NPS and CSAT after purchases and at churn', () => {
    const events = [...Generator.generate(options)]
    const orders = new Map<string, number>()
    for (const e of events) if (e.type === 'Purchased') orders.set(`${e.customerId}/${e.orderId}`, e.amountCents)
    const refunded = new Map<string, number>()
    for (const e of events) {
      if (e.type === 'Refunded')
        refunded.set(
          `${e.customerId}/${e.orderId}`,
          (refunded.get(`${e.customerId}/${e.orderId}`) ?? 0) + e.amountCents,
        )
    }
    const share = refunded.size / orders.size
    expect(share).toBeGreaterThan(0.02)
    expect(share).toBeLessThan(0.1)
    expect([...refunded].some(([order, cents]) => cents < orders.get(order)!)).toBe(true)
    const surveys = events.filter((e) => e.type === 'SurveyAnswered')
    expect(new Set(surveys.map((e) => e.survey))).toEqual(new Set(['nps', 'csat']))
    expect(new Set(surveys.map((e) => e.campaign))).toEqual(new Set(['post-purchase', 'quarterly-nps', 'exit']))
    const categories = new Set(events.flatMap((e) => (e.type === 'Purchased' ? [e.category ?? '(none)'] : [])))
    expect(categories).toEqual(new Set(['books', 'courses', 'coaching', 'events', '(none)']))
  })

  it('keeps each customer in time order within the stream', () => {
    const last = new Map<string, number>()
    for (const event of Generator.generate({ ...options, customers: 5_000 })) {
      expect(event.occurredAt).toBeGreaterThanOrEqual(last.get(event.customerId) ?? Number.NEGATIVE_INFINITY)
      last.set(event.customerId, event.occurredAt)
    }
  })
})
