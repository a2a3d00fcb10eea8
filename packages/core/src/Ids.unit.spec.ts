import { v5 } from 'uuid'
import * as fc from 'fast-check'
import { expect, it } from 'vitest'
import { deriveEventId, EVENT_ID_NAMESPACE } from './Ids.js'

it('derives exactly the UUID v5 the uuid package computes for the same namespace and name', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (name) => {
      expect(deriveEventId(name)).toBe(v5(name, EVENT_ID_NAMESPACE))
    }),
  )
})
