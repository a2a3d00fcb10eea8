// @lifeline/projections: the whole report in one fold over a log.
import { EventLog, InMemoryEventLog, LifecycleEvent } from '@lifeline/core'
import { Fold, Report } from '@lifeline/projections'

const log = InMemoryEventLog.make()
const decoded = LifecycleEvent.decode({
  type: 'OptedIn',
  customerId: 'ada',
  occurredAt: '2025-01-06T09:00:00Z',
  channel: 'seo',
})
if (decoded._tag === 'Right') await log.append({ streamId: decoded.right.customerId, events: [decoded.right] })()

const report = await Fold.runAsync(Report.fold(), EventLog.readAll(log))
console.log(`new leads: ${report.leads.new}`) // new leads: 1
