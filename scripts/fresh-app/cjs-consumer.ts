// A CommonJS consumer (compiled to require calls) of every library entry that ships CJS.
import { EventLog, Ids, InMemoryEventLog, LifecycleEvent, type CustomerId } from '@lifeline/core'
import { PostgresEventLog } from '@lifeline/adapters-postgres'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { Fold, Report, ShiftedBetaGeometric } from '@lifeline/projections'

const check = (what: string, actual: unknown, expected: unknown): void => {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`)
}

const main = async (): Promise<void> => {
  const event: LifecycleEvent.LifecycleEvent = {
    type: 'Purchased',
    customerId: Ids.customerId('ada'),
    occurredAt: Date.UTC(2025, 0, 10),
    orderId: 'A-1',
    amountCents: 4_900,
    currency: 'EUR',
  }
  const id: CustomerId = event.customerId
  const log = InMemoryEventLog.make()
  check('appended', (await log.append({ streamId: id, events: [event] })())._tag, 'Right')
  const events: LifecycleEvent.LifecycleEvent[] = []
  for await (const stored of EventLog.readAll(log)) events.push(stored)
  check('active customers', Fold.run(Report.fold(), events).customers.active, 1)
  const sqlite = SqliteEventLog.openFile(':memory:')
  check('SQLite append', (await sqlite.append({ streamId: id, events: [event] })())._tag, 'Right')
  sqlite.close()
  check('postgres connect', typeof PostgresEventLog.connect, 'function')
  // sBG with alpha = beta = 1: S(3) = B(1, 4) / B(1, 1) = (1/4) / 1
  check('sBG survival', Math.abs(ShiftedBetaGeometric.survival({ alpha: 1, beta: 1 }, 3) - 0.25) < 1e-15, true)
  console.log('CJS consumer: ok')
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
