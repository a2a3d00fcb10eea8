/**
 * `--html FILE` of `lifeline report` and `lifeline demo`: the report as one self-contained HTML
 * page (see @lifeline/report-html), written to FILE, or to stdout for `-`. The page's library is
 * loaded only when a page is asked for, so `report --json` does not pay for it. (Drawing the page
 * in a worker thread while the log is folded was tried: on a machine whose cores are busy it
 * made `--html` slower, not faster.)
 */
import { writeFileSync } from 'node:fs'
import type { Report } from '@lifeline/projections'
import type { Page } from '@lifeline/report-html'
import { UsageError, type Io } from './Io.js'

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Writes the page of a report to `target` (a path, or `-` for stdout), with the caller's extra
 * sections (the CLV section); notes a file on stderr.
 */
export const write = async (
  target: string,
  report: Report.Report,
  io: Io,
  sections: readonly Page.Placed[] = [],
): Promise<void> => {
  const { Page } = await import('@lifeline/report-html')
  const html = Page.render(report, { sections })
  if (target === '-') {
    io.stdout(html)
    return
  }
  writeFileSync(target, html)
  io.stderr(`wrote the report page to ${target} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`)
}

/** Checks `--html`'s target: a file name or `-`, and not `-` with `--json` (both would go to stdout). */
export const checkTargets = (html: string | undefined, json: boolean): void => {
  if (html === '') throw new UsageError('--html needs a file name, or - for stdout')
  if (html === '-' && json) throw new UsageError('--html - and --json both write to stdout: give --html a file name')
}
