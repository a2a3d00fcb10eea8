/**
 * Admits a history of events that arrives in any order (an export, a file): each customer's
 * events are put in time order (same-instant events keep their input order), repeated events
 * (same id, same content) are dropped, an id that names two different events is rejected as
 * `IdReused`, and each event goes through the lifecycle rules against its customer's state.
 */
import * as Customer from './Customer.js'
import * as Decider from './Decider.js'
import { idReused, type StoredId } from './EventLog.js'
import type { EventId } from './Ids.js'
import * as LifecycleEvent from './LifecycleEvent.js'
import type { LifecycleError } from './LifecycleError.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An event with where it came from (a line number, a request index). */
export interface Sourced<Source> {
  readonly source: Source
  readonly event: LifecycleEvent.LifecycleEvent & { readonly eventId: EventId }
}

/** An event the rules rejected, with its source and the event as it was given. */
export interface Rejected<Source> {
  readonly source: Source
  readonly event: LifecycleEvent.LifecycleEvent
  readonly error: LifecycleError
}

/** What `admit` did with a history. */
export interface Admitted<Source> {
  /** Accepted events in time order (customers interleaved by time, ties in input order). */
  readonly accepted: ReadonlyArray<Sourced<Source>>
  readonly rejected: ReadonlyArray<Rejected<Source>>
  /** Events already seen with the same content (in the input or stored): dropped, not errors. */
  readonly duplicates: ReadonlyArray<Sourced<Source>>
  /** Each customer's state after its accepted events. */
  readonly states: ReadonlyMap<string, Customer.CustomerState>
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Runs a history through the rules. `states` gives the customers' states before it (for example
 * folded from a log) and `stored` what the log holds under an id; both default to an empty log.
 */
export const admit = <Source>(
  input: Iterable<{ readonly source: Source; readonly event: LifecycleEvent.LifecycleEvent }>,
  options: {
    readonly states?: (customerId: string) => Customer.CustomerState | undefined
    readonly stored?: (id: EventId) => StoredId | undefined
  } = {},
): Admitted<Source> => {
  const items: Array<
    Sourced<Source> & { readonly at: number; readonly order: number; readonly given: LifecycleEvent.LifecycleEvent }
  > = []
  let order = 0
  for (const { source, event } of input) {
    items.push({ source, event: LifecycleEvent.withId(event), at: event.occurredAt, order: order++, given: event })
  }
  items.sort((a, b) => a.at - b.at || a.order - b.order)
  const states = new Map<string, Customer.CustomerState>()
  // Ids seen in the input, with the content and source of the first event carrying each.
  const seen = new Map<EventId, StoredId>()
  const accepted: Sourced<Source>[] = []
  const rejected: Rejected<Source>[] = []
  const duplicates: Sourced<Source>[] = []
  for (const item of items) {
    const { event } = item
    const known = seen.get(event.eventId) ?? options.stored?.(event.eventId)
    if (known !== undefined) {
      if (known.content() === LifecycleEvent.canonicalContent(event)) duplicates.push(item)
      else rejected.push({ source: item.source, event: item.given, error: idReused(event, known.first) })
      continue
    }
    seen.set(event.eventId, {
      content: () => LifecycleEvent.canonicalContent(event),
      first: { _tag: 'Input', source: item.source },
    })
    const state = states.get(event.customerId) ?? options.states?.(event.customerId) ?? Customer.initial
    const error = Decider.check(event, state)
    if (error !== null) rejected.push({ source: item.source, event: item.given, error })
    else {
      states.set(event.customerId, Customer.evolve(state, event))
      accepted.push(item)
    }
  }
  return { accepted, rejected, duplicates, states }
}
