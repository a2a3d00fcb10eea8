// A vitest reporter that ends the run with one plain line, `tests: N passed, N failed`
// (`, N skipped` when some were), so any log reader can tell how many tests ran.
const count = (tasks, totals) => {
  for (const task of tasks) {
    if (task.type === 'suite' || task.tasks) count(task.tasks ?? [], totals)
    else if (task.mode === 'skip' || task.mode === 'todo') totals.skipped++
    else if (task.result?.state === 'pass') totals.passed++
    else totals.failed++
  }
}

export default class SummaryReporter {
  onFinished(files = [], errors = []) {
    const totals = { passed: 0, failed: 0, skipped: 0 }
    count(files, totals)
    totals.failed += errors.length
    const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''
    console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${skipped}`)
  }
}
