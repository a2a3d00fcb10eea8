// @lifeline/report-html: the report as one self-contained HTML page.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventLog, InMemoryEventLog, LifecycleEvent } from '@lifeline/core'
import { Fold, Report } from '@lifeline/projections'
import { Page } from '@lifeline/report-html'

const log = InMemoryEventLog.make()
for (const wire of [
  { type: 'OptedIn', customerId: 'ada', occurredAt: '2025-01-06T09:00:00Z', channel: 'seo' },
  {
    type: 'Purchased',
    customerId: 'ada',
    occurredAt: '2025-01-10T10:00:00Z',
    orderId: 'A1',
    amountCents: 4_900,
    currency: 'EUR',
  },
]) {
  const decoded = LifecycleEvent.decode(wire)
  if (decoded._tag === 'Right') await log.append({ streamId: decoded.right.customerId, events: [decoded.right] })()
}
const report = await Fold.runAsync(Report.fold(), EventLog.readAll(log))
const file = join(mkdtempSync(join(tmpdir(), 'page-')), 'report.html')
writeFileSync(file, Page.render(report, { title: 'Shop report' }))
console.log(statSync(file).size > 0) // true: open it in any browser, offline
