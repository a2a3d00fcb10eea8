/**
 * Import progress on stderr: a bar redrawn in place on a terminal, plain lines otherwise (logs,
 * CI): every 100,000 lines read and once reading ends, once ordering ends, and at each tenth of
 * the checking and writing phases.
 */
import type { Importer } from '@lifeline/pipeline'
import type { Io } from './Io.js'

const NOUN: Record<Importer.Phase, string> = {
  reading: 'lines',
  ordering: 'steps',
  checking: 'events',
  writing: 'events',
}

/** A progress reporter for an import. */
export const progress = (io: Io) => {
  let lastTenth = -1
  let lastPhase: Importer.Phase | null = null
  const fmt = (n: number) => n.toLocaleString('en')
  const bar = (phase: string, done: number, total: number, noun: string): void => {
    const share = total === 0 ? 1 : done / total
    const width = 30
    const filled = Math.round(share * width)
    io.stderr(
      `\r${phase.padEnd(9)}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${fmt(done)}/${fmt(total)} ${noun}`,
    )
    if (done >= total) io.stderr('\n')
  }
  return {
    /** An import's progress, phase by phase. */
    import: (p: Importer.Progress): void => {
      if (p.phase !== lastPhase) {
        lastPhase = p.phase
        lastTenth = 0
      }
      const noun = NOUN[p.phase]
      if (p.total === undefined) {
        // Reading (the total is not known yet), or checking before its total is known.
        if (p.phase !== 'reading' || p.done === 0) return
        if (io.isTty) io.stderr(`\rreading  ${fmt(p.done)} lines`)
        else if (p.done % 100_000 === 0) io.stderr(`reading: ${fmt(p.done)} lines\n`)
        return
      }
      if (p.total === 0) return
      if (io.isTty) return bar(p.phase, p.done, p.total, noun)
      if (p.phase === 'reading' || p.phase === 'ordering') {
        if (p.done === p.total)
          io.stderr(`${p.phase}: ${fmt(p.done)} ${p.done === 1 ? noun.slice(0, -1) : noun}, done\n`)
        return
      }
      const tenth = Math.floor((p.done / p.total) * 10)
      if (tenth > lastTenth) {
        lastTenth = tenth
        io.stderr(`${p.phase}: ${fmt(p.done)}/${fmt(p.total)} ${noun} (${((p.done / p.total) * 100).toFixed(0)}%)\n`)
      }
    },
  }
}
