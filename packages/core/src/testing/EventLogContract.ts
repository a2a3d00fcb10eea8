/**
 * The contract every EventLog implementation must pass. Run it from a test file:
 *
 * ```ts
 * describeEventLogContract('SQLite', async () => ({ log: SqliteEventLog.open(':memory:'), close: async () => {} }))
 * ```
 */
import { describe, expect, it } from 'vitest'
import type * as Erasure from '../Erasure.js'
import * as EventLog from '../EventLog.js'
import * as ExpectedVersion from '../ExpectedVersion.js'
import * as Ids from '../Ids.js'
import type { RecordedEvent } from '../RecordedEvent.js'
import { cid, optedIn, purchased, referred } from './fixtures.js'

/** A fresh, empty log for one test, and how to release it. */
export interface ContractSubject {
  readonly log: EventLog.EventLog
  /** Releases the log after the test (closes a connection, removes a file). */
  readonly close?: () => Promise<void>
}

const run = async <A>(task: () => Promise<A>): Promise<A> => task()

const right = async <E, A>(
  task: () => Promise<{ _tag: 'Left'; left: E } | { _tag: 'Right'; right: A }>,
): Promise<A> => {
  const result = await task()
  if (result._tag === 'Left') throw new Error(`expected success, got ${JSON.stringify(result.left)}`)
  return result.right
}

const left = async <E, A>(task: () => Promise<{ _tag: 'Left'; left: E } | { _tag: 'Right'; right: A }>): Promise<E> => {
  const result = await task()
  if (result._tag === 'Right') throw new Error(`expected failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = []
  for await (const event of events) out.push(event)
  return out
}

const eventually = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const A = cid('alice')
const B = cid('bob')
const aliceJoins = optedIn('alice', '2025-01-01T09:00:00Z', { channel: 'webinar' })
const aliceBuys = purchased('alice', '2025-01-05T10:00:00Z', 'A-1', 4_900)
const aliceBuysAgain = purchased('alice', '2025-02-05T10:00:00Z', 'A-2', 2_500)
const bobJoins = optedIn('bob', '2025-01-02T09:00:00Z')
const bobBuys = purchased('bob', '2025-01-03T09:00:00Z', 'B-1', 1_000, 'EUR')

/**
 * Registers the EventLog contract tests for one implementation (call it at the top of a vitest file).
 *
 * @example
 * ```ts
 * describeEventLogContract('in-memory', () => Promise.resolve({ log: InMemoryEventLog.make() }))
 * ```
 */
export const describeEventLogContract = (name: string, setup: () => Promise<ContractSubject>): void => {
  describe(`EventLog contract: ${name}`, () => {
    const withLog = (body: (log: EventLog.EventLog) => Promise<void>) => async () => {
      const subject = await setup()
      try {
        await body(subject.log)
      } finally {
        await subject.close?.()
      }
    }

    describe('expected versions', () => {
      it(
        'Given no stream, when appending with NoStream, then the events get versions 1..n and positions in order',
        withLog(async (log) => {
          const result = await right(
            log.append({ streamId: A, events: [aliceJoins, aliceBuys], expectedVersion: ExpectedVersion.noStream }),
          )
          expect(result.appended.map((e) => e.streamVersion)).toEqual([1, 2])
          expect(result.appended[0]!.globalPosition).toBeLessThan(result.appended[1]!.globalPosition)
          expect(result.streamVersion).toBe(2)
          expect(result.alreadyStored).toEqual([])
          const stored = await right(log.readStream(A))
          expect(stored.map((e) => e.type)).toEqual(['OptedIn', 'Purchased'])
          expect(stored[0]).toMatchObject({ ...aliceJoins, streamVersion: 1 })
        }),
      )

      it(
        'Given a stream, when appending with NoStream, then it is a VersionConflict naming the actual version',
        withLog(async (log) => {
          await right(log.append({ streamId: A, events: [aliceJoins] }))
          const error = await left(
            log.append({ streamId: A, events: [aliceBuys], expectedVersion: ExpectedVersion.noStream }),
          )
          expect(error).toEqual({ _tag: 'VersionConflict', streamId: A, expected: ExpectedVersion.noStream, actual: 1 })
          expect(await right(log.readStream(A))).toHaveLength(1)
        }),
      )

      it(
        'Given no stream, when appending with StreamExists, then it conflicts at version 0; given one, it appends',
        withLog(async (log) => {
          const error = await left(
            log.append({ streamId: A, events: [aliceJoins], expectedVersion: ExpectedVersion.streamExists }),
          )
          expect(error).toEqual({
            _tag: 'VersionConflict',
            streamId: A,
            expected: ExpectedVersion.streamExists,
            actual: 0,
          })
          await right(log.append({ streamId: A, events: [aliceJoins] }))
          const result = await right(
            log.append({ streamId: A, events: [aliceBuys], expectedVersion: ExpectedVersion.streamExists }),
          )
          expect(result.streamVersion).toBe(2)
        }),
      )

      it(
        'Given a stream at version 1, when appending with Exactly(1) it appends and with Exactly(5) it conflicts',
        withLog(async (log) => {
          await right(log.append({ streamId: A, events: [aliceJoins], expectedVersion: ExpectedVersion.exactly(0) }))
          const error = await left(
            log.append({ streamId: A, events: [aliceBuys], expectedVersion: ExpectedVersion.exactly(5) }),
          )
          expect(error).toEqual({
            _tag: 'VersionConflict',
            streamId: A,
            expected: ExpectedVersion.exactly(5),
            actual: 1,
          })
          const result = await right(
            log.append({ streamId: A, events: [aliceBuys], expectedVersion: ExpectedVersion.exactly(1) }),
          )
          expect(result.appended.map((e) => e.streamVersion)).toEqual([2])
        }),
      )

      it(
        'Given any stream state, when appending with Any, then it appends',
        withLog(async (log) => {
          await right(log.append({ streamId: A, events: [aliceJoins], expectedVersion: ExpectedVersion.any }))
          await right(log.append({ streamId: A, events: [aliceBuys], expectedVersion: ExpectedVersion.any }))
          expect(await right(log.readStream(A))).toHaveLength(2)
        }),
      )
    })

    describe('concurrency', () => {
      it(
        'Given ten writers expecting the same version, when they append at once, then exactly one wins and nine conflict',
        withLog(async (log) => {
          await right(log.append({ streamId: A, events: [aliceJoins] }))
          const attempts = Array.from({ length: 10 }, (_, i) =>
            run(
              log.append({
                streamId: A,
                events: [purchased('alice', '2025-01-05T10:00:00Z', `race-${i}`, 100)],
                expectedVersion: ExpectedVersion.exactly(1),
              }),
            ),
          )
          const results = await Promise.all(attempts)
          const wins = results.filter((r) => r._tag === 'Right')
          const conflicts = results.filter((r) => r._tag === 'Left' && r.left._tag === 'VersionConflict')
          expect(wins).toHaveLength(1)
          expect(conflicts).toHaveLength(9)
          expect(await right(log.readStream(A))).toHaveLength(2)
        }),
      )
    })

    describe('idempotency', () => {
      it(
        'Given stored events, when the same events are appended again, then nothing is appended and their ids are reported',
        withLog(async (log) => {
          const first = await right(
            log.append({ streamId: A, events: [aliceJoins, aliceBuys], expectedVersion: ExpectedVersion.noStream }),
          )
          const again = await right(
            log.append({ streamId: A, events: [aliceJoins, aliceBuys], expectedVersion: ExpectedVersion.noStream }),
          )
          expect(again.appended).toEqual([])
          expect(again.alreadyStored).toEqual(first.appended.map((e) => e.eventId))
          expect(again.streamVersion).toBe(2)
          expect(await right(log.headPosition())).toBe(first.appended[1]!.globalPosition)
        }),
      )

      it(
        'Given a stored event, when a batch mixes it with a new one, then only the new one is appended',
        withLog(async (log) => {
          const first = await right(log.append({ streamId: A, events: [aliceJoins] }))
          const mixed = await right(
            log.append({ streamId: A, events: [aliceJoins, aliceBuys], expectedVersion: ExpectedVersion.exactly(1) }),
          )
          expect(mixed.alreadyStored).toEqual([first.appended[0]!.eventId])
          expect(mixed.appended.map((e) => e.type)).toEqual(['Purchased'])
          expect(mixed.appended[0]!.streamVersion).toBe(2)
        }),
      )

      it(
        'Given a batch that repeats one event, when appended, then it is stored once',
        withLog(async (log) => {
          const result = await right(log.append({ streamId: A, events: [aliceJoins, aliceJoins] }))
          expect(result.appended).toHaveLength(1)
          expect(result.alreadyStored).toEqual([result.appended[0]!.eventId])
        }),
      )

      it(
        'Given events without ids, then each gets a UUID v5 derived from its content, the same every time',
        withLog(async (log) => {
          const result = await right(log.append({ streamId: A, events: [aliceJoins] }))
          const id = result.appended[0]!.eventId
          expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
          const again = await right(log.append({ streamId: A, events: [{ ...aliceJoins }] }))
          expect(again.alreadyStored).toEqual([id])
        }),
      )

      it(
        'Given an event with its own id, then that id is kept',
        withLog(async (log) => {
          const eventId = '0b6a9c3e-2f47-4d1a-8c5e-1f2a3b4c5d6e' as never
          const result = await right(log.append({ streamId: A, events: [{ ...aliceJoins, eventId }] }))
          expect(result.appended[0]!.eventId).toBe(eventId)
        }),
      )
    })

    describe('an id names one event', () => {
      const id = Ids.eventId('7d2f3c1a-5b6e-4f80-9a1b-2c3d4e5f6a7b')
      const order = { ...aliceBuys, eventId: id }
      // The same id on another order of alice's: other fields, so another event.
      const otherOrder = { ...aliceBuysAgain, eventId: id }

      it(
        'Given a stored event, when an event with its id and other content is appended, then it is IdReused naming where the first is, and nothing of the batch is stored',
        withLog(async (log) => {
          const first = await right(log.append({ streamId: A, events: [aliceJoins, order] }))
          const error = await left(log.append({ streamId: A, events: [otherOrder] }))
          expect(error).toEqual({
            _tag: 'IdReused',
            customerId: A,
            eventType: 'Purchased',
            occurredAt: aliceBuysAgain.occurredAt,
            eventId: id,
            first: { _tag: 'Stored', globalPosition: first.appended[1]!.globalPosition },
          })
          expect(EventLog.formatError(error)).toBe(
            `IdReused: Purchased for customer "alice" at 2025-02-05T10:00:00.000Z: eventId ${id} already names another event (stored at position ${first.appended[1]!.globalPosition})`,
          )
          expect(await right(log.readStream(A))).toHaveLength(2)
        }),
      )

      it(
        'Given a batch whose valid first event comes before a reused id, then the valid event is not stored either',
        withLog(async (log) => {
          await right(log.append({ streamId: A, events: [aliceJoins, order] }))
          const head = await right(log.headPosition())
          const error = await left(
            log.appendMany([
              { streamId: B, events: [bobJoins] },
              { streamId: A, events: [otherOrder] },
            ]),
          )
          expect(error._tag).toBe('IdReused')
          expect(await right(log.headPosition())).toBe(head)
          expect(await right(log.readStream(B))).toEqual([])
        }),
      )

      it(
        'Given one append that carries one id on two different events, then it is IdReused naming the first in the append',
        withLog(async (log) => {
          const error = await left(
            log.appendMany([
              { streamId: A, events: [aliceJoins, order] },
              { streamId: B, events: [bobJoins, { ...bobBuys, eventId: id }] },
            ]),
          )
          expect(error).toMatchObject({
            _tag: 'IdReused',
            customerId: B,
            eventId: id,
            first: { _tag: 'Batch', streamId: A, index: 1 },
          })
          expect(await right(log.headPosition())).toBe(0)
        }),
      )

      /** Alice's opt-in and order and Bob's opt-in, stored in one append; and an id nobody holds. */
      const storeAliceAndBob = async (log: EventLog.EventLog) => {
        const stored = await right(
          log.appendMany([
            { streamId: A, events: [aliceJoins, order] },
            { streamId: B, events: [bobJoins] },
          ]),
        )
        const [join, buy] = stored[0]!.appended
        return {
          join: join!,
          buy: buy!,
          bob: stored[1]!.appended[0]!,
          unknown: '00000000-0000-4000-8000-000000000000' as never,
        }
      }

      it(
        'Given stored events, when read by ids, then the stored ones come back in global order and unknown ids are left out',
        withLog(async (log) => {
          const { join, buy, bob, unknown } = await storeAliceAndBob(log)
          const found = await right(log.readByIds([bob.eventId, unknown, join.eventId, buy.eventId, bob.eventId]))
          expect(found.map((e) => e.eventId)).toEqual([join.eventId, buy.eventId, bob.eventId])
          expect(found[1]).toMatchObject({ ...order, streamVersion: 2 })
          expect(await right(log.readByIds([]))).toEqual([])
        }),
      )

      it(
        'Given stored events, when asked which ids it holds, then exactly the stored ones among them come back, whatever their stream',
        withLog(async (log) => {
          const { join, buy, bob, unknown } = await storeAliceAndBob(log)
          const held = await right(log.heldIds([bob.eventId, unknown, buy.eventId, bob.eventId]))
          expect([...held].sort()).toEqual([bob.eventId, buy.eventId].sort())
          expect(held.has(join.eventId)).toBe(false)
          expect((await right(log.heldIds([]))).size).toBe(0)
          // More ids than one query of a SQL log takes: 1,200 unknown ones and the three stored.
          const many = Array.from({ length: 1_200 }, (_, i) => Ids.deriveEventId(`unknown ${i}`))
          const all = await right(log.heldIds([...many, join.eventId, buy.eventId, bob.eventId]))
          expect([...all].sort()).toEqual([join.eventId, buy.eventId, bob.eventId].sort())
        }),
      )

      it(
        'Given a stored event, when it comes again with other metadata, then it is the same event: already stored',
        withLog(async (log) => {
          const first = await right(
            log.append({ streamId: A, events: [aliceJoins, { ...order, metadata: { a: '1' } }] }),
          )
          const again = await right(log.append({ streamId: A, events: [{ ...order, metadata: { a: '2' } }] }))
          expect(again.appended).toEqual([])
          expect(again.alreadyStored).toEqual([id])
          expect(again.streamVersion).toBe(first.streamVersion)
        }),
      )
    })

    describe('atomicity', () => {
      it(
        'Given a batch with one malformed event, when appended, then nothing is appended and the error names it',
        withLog(async (log) => {
          const bad = { ...aliceBuys, amountCents: -5 }
          const error = await left(log.append({ streamId: A, events: [aliceJoins, bad] }))
          expect(error).toMatchObject({ _tag: 'InvalidEvent', streamId: A, index: 1 })
          expect(EventLog.formatError(error)).toBe(
            'InvalidEvent: stream "alice", event 1: amountCents: -5 is not an integer >= 0 (money is integer minor units)',
          )
          expect(await right(log.readStream(A))).toEqual([])
          expect(await right(log.headPosition())).toBe(0)
        }),
      )

      it(
        "Given a batch with another customer's event, when appended, then it is rejected whole",
        withLog(async (log) => {
          const error = await left(log.append({ streamId: A, events: [aliceJoins, bobJoins] }))
          expect(EventLog.formatError(error)).toBe(
            'InvalidEvent: stream "alice", event 1: customerId: "bob" does not belong to stream "alice"',
          )
          expect(await right(log.headPosition())).toBe(0)
        }),
      )

      it(
        'Given batches for many streams, when one of them conflicts, then none of them is appended',
        withLog(async (log) => {
          await right(log.append({ streamId: B, events: [bobJoins] }))
          const error = await left(
            log.appendMany([
              { streamId: A, events: [aliceJoins, aliceBuys], expectedVersion: ExpectedVersion.noStream },
              { streamId: B, events: [bobBuys], expectedVersion: ExpectedVersion.noStream },
            ]),
          )
          expect(error).toEqual({ _tag: 'VersionConflict', streamId: B, expected: ExpectedVersion.noStream, actual: 1 })
          expect(await right(log.readStream(A))).toEqual([])
          expect(await right(log.readStream(B))).toHaveLength(1)
        }),
      )

      it(
        'Given batches for many streams, when all are valid, then all are appended in one step, in batch order',
        withLog(async (log) => {
          const results = await right(
            log.appendMany([
              { streamId: A, events: [aliceJoins, aliceBuys] },
              { streamId: B, events: [bobJoins, bobBuys] },
              { streamId: A, events: [aliceBuysAgain], expectedVersion: ExpectedVersion.exactly(2) },
            ]),
          )
          expect(results.map((r) => r.streamVersion)).toEqual([2, 2, 3])
          const all = await collect(EventLog.readAll(log))
          expect(all.map((e) => [e.customerId, e.streamVersion])).toEqual([
            ['alice', 1],
            ['alice', 2],
            ['bob', 1],
            ['bob', 2],
            ['alice', 3],
          ])
        }),
      )
    })

    describe('reading', () => {
      const seed = async (log: EventLog.EventLog): Promise<RecordedEvent[]> => {
        const out: RecordedEvent[] = []
        for (const [streamId, event] of [
          [A, aliceJoins],
          [B, bobJoins],
          [B, bobBuys],
          [A, aliceBuys],
          [A, aliceBuysAgain],
        ] as const) {
          out.push(...(await right(log.append({ streamId, events: [event] }))).appended)
        }
        return out
      }

      it(
        'Given appends to several streams, when reading all, then events come in global order with increasing positions',
        withLog(async (log) => {
          const appended = await seed(log)
          const all = await collect(EventLog.readAll(log))
          expect(all).toEqual(appended)
          for (let i = 1; i < all.length; i++)
            expect(all[i]!.globalPosition).toBeGreaterThan(all[i - 1]!.globalPosition)
          expect(await right(log.headPosition())).toBe(all.at(-1)!.globalPosition)
        }),
      )

      it(
        'Given five events, when reading pages of two, then pages hold 2, 2 and 1 events and chain by position',
        withLog(async (log) => {
          const appended = await seed(log)
          const first = await right(log.readPage(0, 2))
          const second = await right(log.readPage(first.lastPosition, 2))
          const third = await right(log.readPage(second.lastPosition, 2))
          const fourth = await right(log.readPage(third.lastPosition, 2))
          expect([first, second, third].map((p) => p.events.length)).toEqual([2, 2, 1])
          expect([...first.events, ...second.events, ...third.events]).toEqual(appended)
          expect(fourth).toEqual({ events: [], lastPosition: third.lastPosition })
          expect(await collect(EventLog.readAll(log, { pageSize: 2 }))).toEqual(appended)
        }),
      )

      it(
        'Given a checkpoint, when reading all after it, then only later events come',
        withLog(async (log) => {
          const appended = await seed(log)
          const checkpoint = appended[2]!.globalPosition
          expect(await collect(EventLog.readAll(log, { after: checkpoint, pageSize: 1 }))).toEqual(appended.slice(3))
        }),
      )

      it(
        'Given an unknown customer, when reading its stream, then it is empty',
        withLog(async (log) => {
          await seed(log)
          expect(await right(log.readStream(cid('nobody')))).toEqual([])
        }),
      )
    })

    describe('erasure', () => {
      const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      const PSEUDONYM = /^erased-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      // Alice (with metadata) is referred by bob and refers carol; dan never names her.
      const aliceJoinsVia = {
        ...optedIn('alice', '2025-01-01T09:00:00Z', { channel: 'referral', campaign: 'spring', referredBy: 'bob' }),
        metadata: { email: 'alice@example.org', source: 'crm-7' },
      }
      const aliceBuysBooks = {
        ...purchased('alice', '2025-01-05T10:00:00Z', 'A-1', 4_900),
        metadata: { ip: '10.1.2.3' },
      }
      const bobJoinsFirst = optedIn('bob', '2024-12-01T09:00:00Z')
      const bobRefersAlice = referred('bob', '2024-12-20T09:00:00Z', 'alice')
      const carolJoins = optedIn('carol', '2025-01-10T09:00:00Z', { referredBy: 'alice' })
      const danJoins = optedIn('dan', '2025-01-11T09:00:00Z', { channel: 'seo' })
      const seedErasure = async (log: EventLog.EventLog): Promise<RecordedEvent[]> => {
        await right(log.append({ streamId: B, events: [bobJoinsFirst, bobRefersAlice] }))
        await right(log.append({ streamId: A, events: [aliceJoinsVia, aliceBuysBooks] }))
        await right(log.append({ streamId: cid('carol'), events: [carolJoins] }))
        await right(log.append({ streamId: cid('dan'), events: [danJoins] }))
        return collect(EventLog.readAll(log))
      }
      const forgotten = (result: Erasure.ForgetResult): Erasure.Forgotten => {
        if (result._tag !== 'Forgotten') throw new Error(`expected Forgotten, got ${JSON.stringify(result)}`)
        return result
      }

      it(
        'Given a customer with events and references, when forgotten, then a pseudonym replaces the id everywhere, metadata goes, ids are new, and everything else stays',
        withLog(async (log) => {
          const before = await seedErasure(log)
          const result = forgotten(await right(log.forget(A)))
          expect(result.pseudonym).toMatch(PSEUDONYM)
          // Alice's own 2 events; bob's Referred and carol's OptedIn name her.
          expect(result).toMatchObject({ eventsRewritten: 2, referencesRewritten: 2 })
          const after = await collect(EventLog.readAll(log))
          const p = result.pseudonym
          // Positions, versions, types, instants and the business's fields stay; only the id,
          // the metadata and the event ids of the 4 rewritten events change.
          // Events 2 to 5 (bob's referral, alice's two, carol's opt-in) are rewritten: the id
          // becomes the pseudonym, alice's metadata goes, and each gets a new random event id.
          const withoutId = (e: RecordedEvent): Omit<RecordedEvent, 'eventId'> => {
            const { eventId: _id, ...rest } = e
            return rest
          }
          const [bobRefers, aliceJoined, aliceBought, carolJoined] = before.slice(1, 5).map(withoutId)
          const { metadata: _m1, ...aliceJoinedBare } = aliceJoined!
          const { metadata: _m2, ...aliceBoughtBare } = aliceBought!
          expect(after.slice(1, 5).map(withoutId)).toEqual([
            { ...bobRefers, referredCustomerId: p },
            { ...aliceJoinedBare, customerId: p },
            { ...aliceBoughtBare, customerId: p },
            { ...carolJoined, referredBy: p },
          ])
          for (let i = 1; i < 5; i++) {
            expect(after[i]!.eventId).toMatch(UUID_V4)
            expect(after[i]!.eventId).not.toBe(before[i]!.eventId)
          }
          // Bob's opt-in and dan's are untouched, ids included.
          expect(after[0]).toEqual(before[0])
          expect(after[5]).toEqual(before[5])
          expect(await right(log.readStream(A))).toEqual([])
          expect((await right(log.readStream(p))).map((e) => [e.type, e.streamVersion])).toEqual([
            ['OptedIn', 1],
            ['Purchased', 2],
          ])
          const text = JSON.stringify(after)
          for (const trace of ['"alice"', 'alice@example.org', 'crm-7', '10.1.2.3']) expect(text).not.toContain(trace)
          expect(await right(log.readByIds([before[2]!.eventId, before[3]!.eventId]))).toEqual([])
          expect((await right(log.heldIds([before[2]!.eventId, before[3]!.eventId]))).size).toBe(0)
          expect(await right(log.heldIds([after[2]!.eventId]))).toEqual(new Set([after[2]!.eventId]))
        }),
      )

      it(
        'Given an erased customer, when forgotten again, then it is AlreadyErased; an unknown one is Unknown; nothing changes',
        withLog(async (log) => {
          await seedErasure(log)
          const first = forgotten(await right(log.forget(A)))
          const stored = await collect(EventLog.readAll(log))
          expect(await right(log.forget(A))).toEqual({ _tag: 'AlreadyErased', erasedAt: first.erasedAt })
          expect(await right(log.forget(cid('nobody')))).toEqual({ _tag: 'Unknown' })
          expect(await collect(EventLog.readAll(log))).toEqual(stored)
        }),
      )

      it(
        'Given an erased customer, when its earlier events are appended again, then they are Erased and nothing is appended; a later event is a new relationship',
        withLog(async (log) => {
          await seedErasure(log)
          const result = forgotten(await right(log.forget(A)))
          const head = await right(log.headPosition())
          expect(await left(log.append({ streamId: A, events: [aliceJoinsVia, aliceBuysBooks] }))).toEqual({
            _tag: 'Erased',
            batch: 0,
            index: 0,
          })
          // An event of another customer naming her, from before the erasure, is refused too.
          expect(
            await left(
              log.appendMany([
                { streamId: cid('dan'), events: [purchased('dan', '2025-02-01T00:00:00Z', 'D-1', 100)] },
                { streamId: cid('erin'), events: [optedIn('erin', '2025-01-12T00:00:00Z', { referredBy: 'alice' })] },
              ]),
            ),
          ).toEqual({ _tag: 'Erased', batch: 1, index: 0 })
          expect(await right(log.headPosition())).toBe(head)
          expect(EventLog.formatError({ _tag: 'Erased', batch: 1, index: 0 })).not.toContain('alice')
          const erasedAt = await right(log.erasedAt([A, B, cid('nobody')]))
          expect([...erasedAt]).toEqual([[A, result.erasedAt]])
          // After the erasure instant: a new relationship under the same id, accepted.
          const later = optedIn('alice', new Date(result.erasedAt + 1).toISOString())
          const appended = await right(log.append({ streamId: A, events: [later] }))
          expect(appended.appended.map((e) => [e.customerId, e.streamVersion])).toEqual([['alice', 1]])
        }),
      )

      it(
        'Given several customers, when forgotten in one call, then each is erased (references between them too) and the unknown one is Unknown',
        withLog(async (log) => {
          await seedErasure(log)
          const results = await right(log.forgetMany([A, cid('nobody'), B]))
          expect(results.map((r) => r._tag)).toEqual(['Forgotten', 'Unknown', 'Forgotten'])
          const alice = forgotten(results[0]!)
          const bob = forgotten(results[2]!)
          // Alice: her 2 events, bob's referral and carol's opt-in; then bob: his 2 events and
          // alice's opt-in, which names him as her referrer.
          expect([alice.eventsRewritten, alice.referencesRewritten]).toEqual([2, 2])
          expect([bob.eventsRewritten, bob.referencesRewritten]).toEqual([2, 1])
          const after = await collect(EventLog.readAll(log))
          expect(after.map((e) => e.customerId)).toEqual([
            bob.pseudonym,
            bob.pseudonym,
            alice.pseudonym,
            alice.pseudonym,
            'carol',
            'dan',
          ])
          expect(after[1]).toMatchObject({ type: 'Referred', referredCustomerId: alice.pseudonym })
          expect(after[2]).toMatchObject({ type: 'OptedIn', referredBy: bob.pseudonym })
          expect(after[4]).toMatchObject({ type: 'OptedIn', referredBy: alice.pseudonym })
        }),
      )

      it(
        'Given a customer erased, then a new relationship, when forgotten again, then the new events are erased too',
        withLog(async (log) => {
          await seedErasure(log)
          const first = forgotten(await right(log.forget(A)))
          const later = optedIn('alice', new Date(first.erasedAt + 1).toISOString())
          await right(log.append({ streamId: A, events: [later] }))
          const second = forgotten(await right(log.forget(A)))
          expect(second).toMatchObject({ eventsRewritten: 1, referencesRewritten: 0 })
          expect(second.pseudonym).not.toBe(first.pseudonym)
          expect(JSON.stringify(await collect(EventLog.readAll(log)))).not.toContain('"alice"')
        }),
      )
    })

    describe('subscription', () => {
      it(
        'Given a subscription from a checkpoint, when events are appended later, then it catches up and receives them live',
        withLog(async (log) => {
          const first = await right(log.append({ streamId: A, events: [aliceJoins, aliceBuys] }))
          const controller = new AbortController()
          const received: RecordedEvent[] = []
          const done = (async () => {
            for await (const event of EventLog.subscribe(log, {
              after: first.appended[0]!.globalPosition,
              pageSize: 1,
              signal: controller.signal,
            })) {
              received.push(event)
              if (received.length === 3) controller.abort()
            }
          })()
          await eventually(() => received.length === 1)
          expect(received.map((e) => e.type)).toEqual(['Purchased'])
          await right(log.append({ streamId: B, events: [bobJoins] }))
          await right(log.append({ streamId: A, events: [aliceBuysAgain] }))
          await done
          expect(received.map((e) => [e.customerId, e.streamVersion])).toEqual([
            ['alice', 2],
            ['bob', 1],
            ['alice', 3],
          ])
        }),
      )

      it(
        'Given an idle subscription, when its signal aborts, then it ends without an event',
        withLog(async (log) => {
          const controller = new AbortController()
          const done = collect(EventLog.subscribe(log, { signal: controller.signal }))
          setTimeout(() => controller.abort(), 10)
          expect(await done).toEqual([])
        }),
      )
    })
  })
}
