/**
 * A projection that one service instance runs at a time: it waits until it owns the projection
 * (a session advisory lock), resumes from the stored checkpoint, follows the log, saves a
 * checkpoint every so often and when it stops, then hands the projection over. If the instance
 * dies, its connection (and so its lock) goes with it, and another instance takes over from the
 * last checkpoint. If only the connection drops, this instance stops following (saving nothing:
 * another may own the projection by then) and claims it again, with backoff, resuming from the
 * stored checkpoint.
 */
import { EventLog, ProjectionRunner } from '@lifeline/core'
import type { Claim, PostgresEventLog } from './PostgresEventLog.js'

/** How to run an owned projection. */
export interface Options<S, A> {
  readonly name: string
  /** The fold to run: any `Fold` of `@lifeline/projections` (such as `Report.fold()`). */
  readonly fold: ProjectionRunner.Projection<S, A>
  /** Serializes the state for the checkpoint. */
  readonly encode: (state: S) => string | Uint8Array
  /** Reads a checkpoint's state back. */
  readonly decode: (stored: Uint8Array) => S
  /** Save a checkpoint after this many new events; default 1,000. */
  readonly checkpointEvery?: number
  /** How often to try to claim the projection while another instance owns it, ms; default 500. */
  readonly claimRetryMs?: number
  /** Called when this instance owns the projection and after every page of new events. */
  readonly onChange?: (runner: ProjectionRunner.ProjectionRunner<S, A>) => void
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })

const orThrow = async <A>(
  task: () => Promise<{ _tag: 'Left'; left: EventLog.EventLogError } | { _tag: 'Right'; right: A }>,
) => {
  const result = await task()
  if (result._tag === 'Left') throw new EventLog.EventLogFailure(result.left)
  return result.right
}

/**
 * Runs the projection until `signal` aborts; resolves once it has saved and handed over.
 *
 * @example
 * ```ts
 * const stop = new AbortController()
 * const running = OwnedProjection.run(log, {
 *   name: 'report',
 *   fold: Report.fold(),
 *   encode: LedgerCheckpoint.serialize,
 *   decode: (stored) => LedgerCheckpoint.deserialize(new TextDecoder().decode(stored)),
 *   onChange: (runner) => publish(runner.result()),
 * }, stop.signal)
 * ```
 */
export const run = async <S, A>(log: PostgresEventLog, options: Options<S, A>, signal: AbortSignal): Promise<void> => {
  // Owns the projection until `signal` aborts; when the claim's connection drops (its lock goes
  // with it), stops without saving, and claims again, resuming from the stored checkpoint.
  for (let retry = options.claimRetryMs ?? 500; !signal.aborted;) {
    let claim: Claim | null = null
    while (claim === null && !signal.aborted) {
      const claimed = await log.claimProjection(options.name)()
      // A failed claim (the database unreachable for a while): try again, with backoff.
      if (claimed._tag === 'Left' || claimed.right === null) {
        await sleep(retry, signal)
        if (claimed._tag === 'Left') retry = Math.min(retry * 2, 5_000)
      } else claim = claimed.right
    }
    if (claim === null) return
    retry = options.claimRetryMs ?? 500
    if ((await own(log, options, signal, claim)) === 'stopped') return
  }
}

/** Runs the projection while `claim` holds; 'lost' when its connection dropped first. */
const own = async <S, A>(
  log: PostgresEventLog,
  options: Options<S, A>,
  signal: AbortSignal,
  claim: Claim,
): Promise<'stopped' | 'lost'> => {
  const inner = new AbortController()
  const stop = (): void => inner.abort()
  signal.addEventListener('abort', stop, { once: true })
  const watch = setInterval(() => {
    if (claim.lost()) inner.abort()
  }, 100)
  try {
    const stored = await orThrow(log.loadCheckpoint(options.name))
    const start = stored === null ? undefined : { position: stored.position, state: options.decode(stored.state) }
    const runner = ProjectionRunner.make(log, options.fold, start)
    let saved = runner.position()
    const save = async () => {
      if (claim.lost()) return
      const position = runner.position()
      await orThrow(log.saveCheckpoint(options.name, { position, state: options.encode(runner.state()) }))
      saved = position
    }
    // Saves run one after another; a failed one surfaces when the projection stops.
    let saving: Promise<void> = Promise.resolve()
    options.onChange?.(runner)
    await runner.follow(inner.signal, (position) => {
      options.onChange?.(runner)
      if (position - saved >= (options.checkpointEvery ?? 1_000)) saving = saving.then(save)
    })
    await saving
    if (claim.lost()) return 'lost'
    await save()
    return 'stopped'
  } finally {
    clearInterval(watch)
    signal.removeEventListener('abort', stop)
    await claim.release()
  }
}
