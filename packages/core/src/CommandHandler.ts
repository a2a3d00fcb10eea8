/**
 * Runs commands against a log: read the customer's stream, fold it, decide, append with the
 * stream version read as the expected version. A concurrent writer makes the append fail with a
 * `VersionConflict` instead of breaking a rule unseen.
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as Customer from './Customer.js'
import * as Decider from './Decider.js'
import * as EventLog from './EventLog.js'
import * as ExpectedVersion from './ExpectedVersion.js'
import * as LifecycleError from './LifecycleError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A command rejected by the rules, or a log failure. */
export type HandleError = LifecycleError.LifecycleError | EventLog.EventLogError

/** The append's result and the customer's state after it. */
export interface Handled {
  readonly result: EventLog.AppendResult
  readonly state: Customer.CustomerState
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Handles one command for its customer against the log: read the stream, decide, append with the version read.
 *
 * @example
 * ```ts
 * const handle = CommandHandler.handle(log)
 * const result = await handle({ type: 'OptIn', customerId, occurredAt, channel: 'webinar' })()
 * if (result._tag === 'Left') console.error(CommandHandler.formatError(result.left))
 * ```
 */
export const handle =
  (log: EventLog.EventLog) =>
  (command: Decider.Command): TE.TaskEither<HandleError, Handled> =>
    pipe(
      log.readStream(command.customerId),
      TE.map(Customer.fromEvents),
      TE.chainW((state) =>
        pipe(
          TE.fromEither(Decider.decide(command, state)),
          TE.chainW((events) =>
            pipe(
              log.append({
                streamId: command.customerId,
                events,
                expectedVersion: ExpectedVersion.exactly(state.version),
              }),
              TE.map((result) => ({ result, state: events.reduce(Customer.evolve, state) })),
            ),
          ),
        ),
      ),
    )

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** True when the failure came from the log rather than from the lifecycle rules. */
export const isEventLogError = (error: HandleError): error is EventLog.EventLogError =>
  error._tag === 'VersionConflict' ||
  error._tag === 'InvalidEvent' ||
  error._tag === 'StorageFailed' ||
  error._tag === 'IdReused' ||
  error._tag === 'Erased'

/** One line for either kind of failure. */
export const formatError = (error: HandleError): string =>
  isEventLogError(error) ? EventLog.formatError(error) : LifecycleError.format(error)
