// An ESM consumer of every library entry, as a user's app would write it: it must type-check
// under module nodenext and moduleResolution bundler, and run.
import {
  CommandHandler,
  Decider,
  DecodeError,
  Ids,
  InMemoryEventLog,
  LifecycleEvent,
  ProjectionRunner,
  Timestamp,
  type CustomerId,
} from '@lifeline/core'
import { EXIT, main as lifeline } from '@lifeline/cli'
import { OwnedProjection, PostgresEventLog, loadPg } from '@lifeline/adapters-postgres'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { BgNbd, ProjectionRunner as Runner, Report } from '@lifeline/projections'
// Types of the testing entry, whose declarations are checked here with the main entry's.
import type { DeciderSpecification, Fixtures } from '@lifeline/core/testing'

const check = (what: string, actual: unknown, expected: unknown): void => {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`)
}

const decoded = LifecycleEvent.decode({
  type: 'OptedIn',
  customerId: 'ada',
  occurredAt: '2025-01-06T09:00:00Z',
  channel: 'webinar',
})
if (decoded._tag === 'Left') throw new Error(DecodeError.format(decoded.left))
const ada: CustomerId = decoded.right.customerId

const log = InMemoryEventLog.make()
const handle = CommandHandler.handle(log)
check('opt-in recorded', (await handle(Decider.commandFromEvent(decoded.right))())._tag, 'Right')
const nurture: Decider.Command = {
  type: 'Nurture',
  customerId: Ids.customerId('bob'),
  occurredAt: Timestamp.unsafeParse('2025-01-07T00:00:00Z'),
  touch: 'email',
}
const rejected = await handle(nurture)()
check('nurture without consent', rejected._tag === 'Left' ? rejected.left._tag : 'accepted', 'NoConsent')

// projections re-exports core's runner: one runner, whatever the import.
check('one runner', Runner.make === ProjectionRunner.make, true)
const runner = ProjectionRunner.make(log, Report.fold())
await runner.catchUp()
check('new leads', runner.result().leads.new, 1)

const sqlite = SqliteEventLog.openFile(':memory:')
await sqlite.append({ streamId: ada, events: [decoded.right] })()
check('SQLite head', await sqlite.headPosition()(), { _tag: 'Right', right: 1 })
await sqlite.saveCheckpoint('text', { position: 1, state: 'hello' })()
const stored = await sqlite.loadCheckpoint('text')()
check(
  'checkpoint as bytes',
  stored._tag === 'Right' && stored.right !== null ? [...stored.right.state] : null,
  [104, 101, 108, 108, 111],
)
sqlite.close()

// P(alive) of a customer without repeat purchases is 1 (BG/NBD).
check(
  'BG/NBD',
  BgNbd.probabilityAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { frequency: 0, recency: 0, T: 38.86 }),
  1,
)

// PostgreSQL: the driver resolves beside the adapter; types of the owned projection.
check('pg found', typeof loadPg().Pool, 'function')
const connect: (url: string) => Promise<PostgresEventLog.PostgresEventLog> = PostgresEventLog.connect
const options: OwnedProjection.Options<unknown, Report.Report> | null = null
check('postgres types', [typeof connect, options], ['function', null])

let out = ''
const status = await lifeline(['--help'], { stdout: (t) => (out += t), stderr: () => undefined, isTty: false })
check('lifeline --help in process', [status, out.split('\n')[0]], [EXIT.ok, 'Usage: lifeline <command> [options]'])
const specification: DeciderSpecification.Specification<
  Decider.Command,
  LifecycleEvent.LifecycleEvent,
  unknown
> | null = null
const fixture: typeof Fixtures.cid | null = null
check('testing types', [specification, fixture], [null, null])
console.log('ESM consumer: ok')
