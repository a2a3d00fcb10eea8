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
    expect([...types].sort()).toEqual(['Churned', 'Nurtured', 'OptedIn', 'Purchased', 'Referred'])
  })

  it('keeps each customer in time order within the stream', () => {
    const last = new Map<string, number>()
    for (const event of Generator.generate({ ...options, customers: 5_000 })) {
      expect(event.occurredAt).toBeGreaterThanOrEqual(last.get(event.customerId) ?? Number.NEGATIVE_INFINITY)
      last.set(event.customerId, event.occurredAt)
    }
  })
})
