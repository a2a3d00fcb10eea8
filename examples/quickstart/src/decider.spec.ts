// Given / when / then specifications of the lifecycle decider, run with vitest.
import { Decider, Ids, Timestamp } from '@lifeline/core'
import { DeciderSpecification, Fixtures } from '@lifeline/core/testing'
import { describe, it } from 'vitest'

const spec = DeciderSpecification.for(Decider)
const ada = Ids.customerId('ada')
const nurture: Decider.Command = {
  type: 'Nurture',
  customerId: ada,
  occurredAt: Timestamp.unsafeParse('2025-01-08T09:00:00Z'),
  touch: 'email',
}

describe('nurturing', () => {
  it('Given no consent, when nurturing, then it is rejected as NoConsent', () => {
    spec.given([]).when(nurture).thenRejects('NoConsent')
  })

  it('Given an opt-in, when nurturing, then the touch is recorded', () => {
    spec
      .given([Fixtures.optedIn('ada', '2025-01-06T09:00:00Z')])
      .when(nurture)
      .then([Fixtures.nurtured('ada', '2025-01-08T09:00:00Z')])
  })
})
