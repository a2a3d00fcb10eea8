import { expect, it } from 'vitest'
import { run } from './quickstart.js'

it('records the journeys, rejects the three commands the rules forbid, and prints each stage', async () => {
  expect(await run()).toEqual([
    'rejected  AlreadyOptedIn: OptedIn for customer "linus" at 2025-01-20T11:00:00.000Z: the customer has opted in and not churned since',
    'rejected  NoConsent: Nurtured for customer "margaret" at 2025-03-02T00:00:00.000Z: the customer has no standing opt-in (never opted in, or churned since)',
    `rejected  OverRefund: Refunded for customer "grace" at 2025-03-03T09:00:00.000Z: 2500 EUR more would refund 3500 of order "G-2"'s 3000 (1000 refunded before)`,
    '',
    'customer   stage     events',
    'ada        advocate  4',
    'grace      repeat    5',
    'linus      lead      2',
    'margaret   churned   2',
  ])
})
