import v8 from 'node:v8'
import { describe, expect, it } from 'vitest'
import * as Erasure from './Erasure.js'

describe('Erasure.holdsId', () => {
  it('finds an id as a whole JSON or v8 string, one-byte or two-byte, and not inside a longer one', () => {
    const json = new TextEncoder().encode(JSON.stringify({ ids: ['c100', 'zoë', '李'] }))
    const bytes = new Uint8Array(v8.serialize({ ids: ['c100', 'zoë', '李'] }))
    for (const state of [json, bytes]) {
      expect(Erasure.holdsId(state, 'c100')).toBe(true)
      expect(Erasure.holdsId(state, 'c10')).toBe(false)
      expect(Erasure.holdsId(state, 'zoë')).toBe(true)
      expect(Erasure.holdsId(state, 'zo')).toBe(false)
      expect(Erasure.holdsId(state, '李')).toBe(true)
    }
    // A plain substring search finds c10 inside c100: why checkpoints use holdsId.
    expect(Erasure.holds(bytes, 'c10')).toBe(true)
  })

  it('removes a checkpoint whose rewritten state still holds the id, keeps one that holds it only inside a longer string', () => {
    const rename = { customerId: 'c10', pseudonym: 'erased-x' } as unknown as Erasure.Rename
    const state = new Uint8Array(v8.serialize(['c100']))
    expect(Erasure.checkpointAction('r', state, [rename], undefined)._tag).toBe('keep')
    expect(Erasure.checkpointAction('r', state, [rename], () => v8.serialize(['c10']))._tag).toBe('drop')
    expect(Erasure.checkpointAction('r', state, [rename], () => null)._tag).toBe('drop')
    expect(Erasure.checkpointAction('r', new Uint8Array(v8.serialize(['c10'])), [rename], undefined)._tag).toBe('drop')
  })
})
