/**
 * Import progress on stderr: a bar redrawn in place on a terminal, plain lines every tenth
 * otherwise (logs, CI).
 */
import type { Importer } from '@lifeline/pipeline'
import type { Io } from './Io.js'

/** A progress reporter for `total` items. */
export const progress = (io: Io, label: string) => {
  let lastTenth = -1
  const fmt = (n: number) => n.toLocaleString('en')
  const update = (done: number, total: number): void => {
    if (total === 0) return
    const share = done / total
    if (io.isTty) {
      const width = 30
      const filled = Math.round(share * width)
      io.stderr(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${fmt(done)}/${fmt(total)}`,
      )
      if (done >= total) io.stderr('\n')
    } else {
      const tenth = Math.floor(share * 10)
      if (tenth !== lastTenth) {
        lastTenth = tenth
        io.stderr(`${label}: ${fmt(done)}/${fmt(total)} events (${(share * 100).toFixed(0)}%)\n`)
      }
    }
  }
  return {
    update,
    /** An import's progress: its writing phase. */
    import: (p: Importer.Progress): void => {
      if (p.phase === 'writing' && p.total !== undefined) update(p.done, p.total)
    },
  }
}
