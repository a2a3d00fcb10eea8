/**
 * Test fixture: the donations data (Fader, Hardie and Shang 2010) as purchase events: each
 * person's first gift in 1995 and one gift in each later year they gave, with the right
 * frequency and recency (the BG/BB likelihood sees nothing else).
 */
import { readFileSync } from 'node:fs'
import { Ids, type LifecycleEvent } from '@lifeline/core'

/** The rows of donations.csv: frequency, recency (the last year given, 1 to 6, or 0), n = 6, people. */
export const donationRows = (): readonly (readonly [number, number, number, number])[] =>
  readFileSync(new URL('../../../../data/donations/donations.csv', import.meta.url), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',').map(Number) as [number, number, number, number])

/**
 * One person per line: a gift on 1 June 1995, then gifts on 1 June of the years 1995 + k for
 * the x - 1 opportunities before their last and the last one, t_x (any pattern with the same
 * frequency and recency has the same likelihood).
 */
export const donationEvents = (): LifecycleEvent.LifecycleEvent[] => {
  const events: LifecycleEvent.LifecycleEvent[] = []
  let person = 0
  for (const [x, tx, , people] of donationRows()) {
    for (let i = 0; i < people; i++) {
      const customerId = Ids.customerId(`d${++person}`)
      const gift = (year: number) =>
        events.push({
          type: 'Purchased',
          customerId,
          occurredAt: Date.UTC(year, 5, 1),
          orderId: `${year}`,
          amountCents: 2500,
          currency: 'USD',
        })
      gift(1995)
      // Opportunities 1..x-1 and t_x: x gifts in all after the first.
      for (let k = 1; k < x; k++) gift(1995 + k)
      if (x > 0) gift(1995 + tx)
    }
  }
  return events
}
