/**
 * The report example: fold a log into the METRICS.md report, add a fold of your own in the same
 * pass, keep the report current with a runner, and resume it from a checkpoint.
 */
import { EventLog, InMemoryEventLog, LifecycleEvent } from '@lifeline/core'
import { Fold, ProjectionRunner, Report } from '@lifeline/projections'

/** A few customers' events, as a shop would send them. */
const wire = [
  {
    type: 'OptedIn',
    customerId: 'ada',
    occurredAt: '2025-01-06T09:00:00Z',
    channel: 'webinar',
    acquisitionCostCents: 1500,
  },
  { type: 'Nurtured', customerId: 'ada', occurredAt: '2025-01-08T09:00:00Z', touch: 'email' },
  {
    type: 'Purchased',
    customerId: 'ada',
    occurredAt: '2025-01-10T13:30:00Z',
    orderId: 'A1',
    amountCents: 4900,
    currency: 'EUR',
  },
  { type: 'OptedIn', customerId: 'bob', occurredAt: '2025-01-07T10:00:00Z', channel: 'seo' },
  {
    type: 'Purchased',
    customerId: 'cy',
    occurredAt: '2025-01-20T18:00:00Z',
    orderId: 'C1',
    amountCents: 12000,
    currency: 'EUR',
  },
  {
    type: 'Purchased',
    customerId: 'cy',
    occurredAt: '2025-02-21T18:00:00Z',
    orderId: 'C2',
    amountCents: 3000,
    currency: 'EUR',
  },
]

const append = async (log: EventLog.EventLog, json: unknown): Promise<void> => {
  const decoded = LifecycleEvent.decode(json)
  if (decoded._tag === 'Left') throw new Error('example events are valid')
  const event = decoded.right
  const result = await log.append({ streamId: event.customerId, events: [event] })()
  if (result._tag === 'Left') throw new Error(EventLog.formatError(result.left))
}

/** Runs the example and returns the lines it prints. */
export const run = async (): Promise<string[]> => {
  const lines: string[] = []
  const log = InMemoryEventLog.make()
  for (const json of wire.slice(0, 4)) await append(log, json)

  // #region report
  const report = Report.fold({ from: Date.parse('2025-01-01T00:00:00Z'), to: Date.parse('2025-03-01T00:00:00Z') })
  const january = await Fold.runAsync(report, EventLog.readAll(log))
  lines.push(`new leads ${january.leads.new}, converted ${january.conversion.leadToCustomer}`)
  // #endregion

  // #region compose
  // A fold of your own runs in the same pass as the report.
  const nurtureTouches = Fold.count((event) => event.type === 'Nurtured')
  const both = Fold.struct({ report, nurtureTouches })
  const combined = await Fold.runAsync(both, EventLog.readAll(log))
  lines.push(`touches ${combined.nurtureTouches}, revenue ${JSON.stringify(combined.report.revenue.totalCents)}`)
  // #endregion

  // #region checkpoint
  // Keep the report current, save a checkpoint, and resume it later without refolding.
  const runner = ProjectionRunner.make(log, report)
  await runner.catchUp()
  const saved = Report.serializeCheckpoint({ position: runner.position(), state: runner.state() })

  for (const json of wire.slice(4)) await append(log, json)
  const resumed = ProjectionRunner.make(log, report, Report.deserializeCheckpoint(saved))
  await resumed.catchUp()
  lines.push(`resumed at ${resumed.position()}: repeat purchase rate ${resumed.result().repeatPurchaseRate}`)
  // #endregion
  return lines
}
