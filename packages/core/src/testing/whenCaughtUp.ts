/**
 * Waiting for a projection in tests: a service folds the log in the background, and a test that
 * has just appended an event must wait until the projection has folded it before it reads the
 * result.
 */

/** What `whenCaughtUp` needs of a runner: the last log position it folded (a `ProjectionRunner` has it). */
export interface Positioned {
  /** The last log position folded in. */
  readonly position: () => number
}

/** Options of `whenCaughtUp`. */
export interface WaitOptions {
  /** Give up after this many milliseconds; default 5,000. */
  readonly timeoutMs?: number
  /** How often to look at the runner's position, ms; default 5. */
  readonly intervalMs?: number
}

/**
 * Resolves once `runner` has folded the log up to `position` (a `globalPosition`, such as the
 * last appended event's or `log.headPosition()`'s); rejects with an error naming both positions
 * if it has not within the timeout. It only watches: something else (`runner.follow`, a
 * service) must be folding.
 *
 * @example
 * ```ts
 * await log.append({ streamId, events: [event] })()
 * const head = await log.headPosition()()
 * if (head._tag === 'Right') await whenCaughtUp(runner, head.right)
 * expect(runner.result().leads.new).toBe(1)
 * ```
 */
export const whenCaughtUp = async (runner: Positioned, position: number, options: WaitOptions = {}): Promise<void> => {
  const timeoutMs = options.timeoutMs ?? 5_000
  const deadline = Date.now() + timeoutMs
  while (runner.position() < position) {
    if (Date.now() >= deadline) {
      throw new Error(
        `whenCaughtUp: the projection is at position ${runner.position()}, not yet ${position}, after ${timeoutMs} ms`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5))
  }
}
