// @lifeline/pipeline: import any (async) iterable of lines or objects, then the checkpointed report.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import { CheckpointedReport, Importer } from '@lifeline/pipeline'

const log = SqliteEventLog.openFile(join(mkdtempSync(join(tmpdir(), 'shop-')), 'shop.db'))
function* fromYourQueue() {
  yield '{"type":"OptedIn","customerId":"ada","occurredAt":"2025-01-06T09:00:00Z","channel":"seo"}'
  yield { type: 'OptedIn', customerId: 'bob', occurredAt: '2025-01-07T09:00:00Z', channel: 'ads' }
  yield '{"type":"OptedIn"}'
}
const imported = await Importer.importFrom(log, fromYourQueue(), {
  onProgress: (p) => console.log(`${p.phase}: ${p.done}`), // writing: 2
})
console.log(imported.appended, imported.rejected[0]?.line) // 2 3
const report = await CheckpointedReport.report(log)() // the next call folds only what is new
if (report._tag === 'Right') console.log(`new leads: ${report.right.leads.new}`) // new leads: 2
log.close()
