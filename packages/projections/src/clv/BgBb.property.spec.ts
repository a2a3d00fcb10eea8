import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as BgBb from './BgBb.js'

/** C(n, k). */
const choose = (n: number, k: number): number => {
  let c = 1
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1)
  return c
}

describe('BG/BB', () => {
  it('Given any parameters and n opportunities, When the likelihoods of every purchase history are added, Then they sum to 1', () => {
    // A history is a sequence of n buy/no-buy outcomes; (x, t_x) has C(t_x - 1, x - 1) of them
    // (the last purchase at t_x, x - 1 others before it), and x = 0 has one. The model gives each
    // sequence the likelihood of its (x, t_x, n).
    const positive = fc.double({ min: 0.05, max: 20, noNaN: true })
    fc.assert(
      fc.property(
        positive,
        positive,
        positive,
        positive,
        fc.integer({ min: 0, max: 8 }),
        (alpha, beta, gamma, delta, n) => {
          const params = { alpha, beta, gamma, delta }
          let total = Math.exp(BgBb.customerLogLikelihood(params, { frequency: 0, recency: 0, T: n }))
          for (let tx = 1; tx <= n; tx++)
            for (let x = 1; x <= tx; x++)
              total +=
                choose(tx - 1, x - 1) *
                Math.exp(BgBb.customerLogLikelihood(params, { frequency: x, recency: tx, T: n }))
          expect(total).toBeCloseTo(1, 10)
        },
      ),
    )
  })

  it('Given any parameters, When P(alive) is asked, Then it is a probability, and 1 right after a purchase', () => {
    const positive = fc.double({ min: 0.05, max: 20, noNaN: true })
    fc.assert(
      fc.property(
        positive,
        positive,
        positive,
        positive,
        fc.integer({ min: 1, max: 12 }),
        (alpha, beta, gamma, delta, n) => {
          const params = { alpha, beta, gamma, delta }
          const p = BgBb.probabilityAlive(params, { frequency: 0, recency: 0, T: n })
          expect(p).toBeGreaterThan(0)
          expect(p).toBeLessThanOrEqual(1)
          expect(BgBb.probabilityAlive(params, { frequency: 1, recency: n, T: n })).toBeCloseTo(1, 12)
        },
      ),
    )
  })
})
