/**
 * A small HTTP service that embeds the SQLite log and a live report:
 * - `POST /events`: one event (JSON) or JSON Lines; each through the codec and the lifecycle
 *   rules, then appended in one transaction. All or nothing: any bad line answers 400 with
 *   line-precise errors and appends nothing; a concurrent writer answers 409.
 *   `?expectedVersion=N` (for a one-customer body) appends only if that stream is at version N.
 * - `POST /import[?strict=true]`: a JSON Lines body of any size, streamed through the import
 *   pipeline of `@lifeline/pipeline` (what `lifeline import` does): answers what was appended,
 *   already stored, and every rejected line with its number and reason.
 * - `GET /report?from=&to=`: the METRICS.md report: the open-ended one from a projection runner
 *   following the log; a period's from the checkpoint stored in the log for it
 *   (`CheckpointedReport`, what `lifeline report --db` does), so only events appended since are
 *   folded, even after a restart; never by refolding the log per request.
 * - `GET /report.html?from=&to=`: the same report as one self-contained HTML page with charts.
 * - `DELETE /customers/:id`: erases the customer (EVENTS.md, "Erasure"): 204 when erased, 404
 *   when the log does not hold it (unknown, or already erased). The live reports keep every
 *   figure; their states take the pseudonym too. From then on, `POST /events` refuses events of
 *   that customer which occurred before the erasure (400, `Erased`, naming the line only).
 * - `GET /customers?tier=&stage=&salesReady=&limit=&after=&to=`: the customer list (stage, tier,
 *   lead score, money) from the same live or checkpointed state, a page at a time: `next` is the
 *   cursor to pass as `after` for the next page (null on the last).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SqliteEventLog } from '@lifeline/adapters-sqlite'
import {
  Customer,
  DecodeError,
  Erasure,
  EventLog,
  ExpectedVersion,
  History,
  Ids,
  LifecycleError,
  LifecycleEvent,
  Timestamp,
  type RecordedEvent,
} from '@lifeline/core'
import type * as E from 'fp-ts/lib/Either.js'
import { CheckpointedReport, Importer, jsonLinesOf } from '@lifeline/pipeline'
import { CustomerList, LedgerErasure, ProjectionRunner, Report, Tiers, type Ledger } from '@lifeline/projections'
import { Page } from '@lifeline/report-html'
import Database from 'better-sqlite3'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** How to start the service. */
export interface Options {
  /** The SQLite database file. */
  readonly db: string
  /** 0 picks a free port. */
  readonly port?: number
  /** Largest accepted request body, bytes; default 1 MiB. */
  readonly bodyLimit?: number
}

/** A running service. */
export interface Service {
  readonly url: string
  /** Stops accepting requests, lets the ones under way finish, stops the runners, closes the log. */
  readonly close: () => Promise<void>
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(String(status))
  }
}

// -------------------------------------------------------------------------------------
// request handling
// -------------------------------------------------------------------------------------

const readBody = (req: IncomingMessage, limit: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) return reject(new HttpError(413, { error: `the body is over ${limit} bytes` }))
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new HttpError(413, { error: `the body is over ${limit} bytes` }))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

/** The body's events: a single JSON object, or JSON Lines; errors name the line. */
const parseEvents = (body: string) => {
  const events: { source: number; event: LifecycleEvent.LifecycleEvent }[] = []
  const errors: { line: number; error: string }[] = []
  const trimmed = body.trim()
  let lines: string[]
  try {
    const whole: unknown = JSON.parse(trimmed)
    lines = [JSON.stringify(whole)]
  } catch {
    lines = body.split('\n')
  }
  lines.forEach((text, i) => {
    if (text.trim() === '') return
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      return errors.push({ line: i + 1, error: `not valid JSON: ${DecodeError.renderValue(text)}` })
    }
    const decoded = LifecycleEvent.decode(json)
    if (decoded._tag === 'Left') errors.push({ line: i + 1, error: DecodeError.formatInline(decoded.left) })
    else events.push({ source: i + 1, event: decoded.right })
  })
  return { events, errors }
}

const instant = (name: string, value: string | null): number | undefined => {
  if (value === null) return undefined
  const ms = Timestamp.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (ms === null) throw new HttpError(400, { error: `${name}: ${JSON.stringify(value)} is not an RFC 3339 date-time` })
  return ms
}

// -------------------------------------------------------------------------------------
// the service
// -------------------------------------------------------------------------------------

/** Starts the service. */
export const start = async (options: Options): Promise<Service> => {
  // #region open
  const log = SqliteEventLog.open(new Database(options.db), { pollIntervalMs: 50 })
  // #endregion
  const limit = options.bodyLimit ?? 1024 * 1024
  const stop = new AbortController()

  // The open-ended report follows the log from the start; a period's report resumes from the
  // checkpoint stored for it (see getReport).
  // #region live
  const live = ProjectionRunner.make(log, Report.fold())
  const following = live.follow(stop.signal).catch(() => undefined)
  // #endregion

  // A JSON Lines body of any size, streamed through the import pipeline.
  const postImport = async (req: IncomingMessage, url: URL): Promise<[number, unknown]> => {
    const strict = url.searchParams.get('strict') === 'true'
    try {
      // #region import
      const result = await Importer.importLines(log, jsonLinesOf(req), { strict })
      // #endregion
      return [result.rejected.length > 0 ? 422 : 200, result]
    } catch (error) {
      if (error instanceof Importer.ImportFailed) {
        const status =
          error.error._tag === 'VersionConflict' || error.error._tag === 'IdReused' || error.error._tag === 'Erased'
            ? 409
            : 503
        throw new HttpError(status, { error: error.message })
      }
      throw error
    }
  }

  const postEvents = async (req: IncomingMessage, url: URL): Promise<[number, unknown]> => {
    const { events, errors } = parseEvents(await readBody(req, limit))
    const customers = new Set(events.map((e) => e.event.customerId))
    const states = new Map<string, Customer.CustomerState>()
    const known = new Map<string, RecordedEvent.RecordedEvent>()
    const orFail = <A>(result: E.Either<EventLog.EventLogError, A>): A => {
      if (result._tag === 'Left') throw new HttpError(503, { error: EventLog.formatError(result.left) })
      return result.right
    }
    for (const customerId of customers) {
      const stored = orFail(await log.readStream(customerId)())
      states.set(customerId, Customer.fromEvents(stored))
      for (const e of stored) known.set(e.eventId, e)
    }
    // Ids the body names that may be stored under another customer.
    const named = events.flatMap(({ event }) =>
      event.eventId !== undefined && !known.has(event.eventId) ? [event.eventId] : [],
    )
    for (const e of orFail(await log.readByIds(named)())) known.set(e.eventId, e)
    // Events naming a customer erased after they occurred: refused, by line only (no content).
    const erasedAt = orFail(await log.erasedAt(Erasure.idsNamed([{ events: events.map((e) => e.event) }]))())
    const erased = events.filter(({ event }) => Erasure.firstErased([{ events: [event] }], erasedAt) !== null)
    const admitted = History.admit(erased.length === 0 ? events : events.filter((e) => !erased.includes(e)), {
      states: (id) => states.get(id),
      stored: (id) => {
        const e = known.get(id)
        return e === undefined ? undefined : EventLog.storedId(e)
      },
    })
    const rejected = [
      ...errors,
      ...erased.map((e) => ({ line: e.source, error: Erasure.REFUSAL })),
      ...admitted.rejected.map((r) => ({ line: r.source, error: LifecycleError.format(r.error) })),
    ].sort((a, b) => a.line - b.line)
    // An id that already names another event is a conflict with what is stored: 409, naming it.
    const reused = admitted.rejected.filter((r) => r.error._tag === 'IdReused')
    if (reused.length > 0) return [409, { appended: [], rejected }]
    if (rejected.length > 0) return [400, { appended: [], rejected }]
    const expected = url.searchParams.get('expectedVersion')
    if (expected !== null && (customers.size !== 1 || !/^\d+$/.test(expected))) {
      return [400, { error: 'expectedVersion takes a whole number and a body for one customer' }]
    }
    // One stream batch per run of a customer's events, at the version read: all in one transaction.
    const batches: EventLog.StreamBatch[] = []
    const versions = new Map([...states].map(([id, s]) => [id, s.version]))
    for (const { event } of admitted.accepted) {
      const version = versions.get(event.customerId) ?? 0
      const last = batches.at(-1)
      if (last !== undefined && last.streamId === event.customerId)
        (last.events as LifecycleEvent.LifecycleEvent[]).push(event)
      else {
        const check = expected !== null && batches.length === 0 ? Number(expected) : version
        batches.push({
          streamId: event.customerId,
          events: [event],
          expectedVersion: ExpectedVersion.exactly(check),
        })
      }
      versions.set(event.customerId, version + 1)
    }
    const result = await log.appendMany(batches)()
    if (result._tag === 'Left') {
      const error = result.left
      if (error._tag === 'VersionConflict' || error._tag === 'IdReused' || error._tag === 'Erased') {
        return [409, { error: EventLog.formatError(error) }]
      }
      if (error._tag === 'InvalidEvent') return [400, { error: EventLog.formatError(error) }]
      throw new HttpError(503, { error: EventLog.formatError(error) })
    }
    const appended = result.right
      .flatMap((r) => r.appended)
      .map((e) => ({
        eventId: e.eventId,
        customerId: e.customerId,
        type: e.type,
        streamVersion: e.streamVersion,
        globalPosition: e.globalPosition,
      }))
    return [
      appended.length > 0 ? 201 : 200,
      { appended, alreadyStored: admitted.duplicates.map((d) => d.event.eventId), rejected: [] },
    ]
  }

  // #region forget
  const deleteCustomer = async (encoded: string): Promise<[number, unknown]> => {
    let id: string
    try {
      id = decodeURIComponent(encoded)
    } catch {
      return [400, { error: 'the customer id is not a valid URL-encoded string' }]
    }
    const decoded = Ids.CustomerIdCodec.decode(id)
    if (decoded._tag === 'Left') return [400, { error: 'a customer id has 1 to 256 characters' }]
    // The periods' reports resume from checkpoints in the log: they are rewritten in the same transaction.
    const result = await log.forget(decoded.right, { rewriteCheckpoint: CheckpointedReport.rewriteCheckpoint })()
    if (result._tag === 'Left') throw new HttpError(503, { error: EventLog.formatError(result.left) })
    if (result.right._tag !== 'Forgotten') {
      return [404, { error: result.right._tag === 'Unknown' ? 'no such customer' : 'already erased' }]
    }
    // The live state takes the pseudonym too: every figure stays, and no state holds the id.
    LedgerErasure.renameInState(live.state(), { customerId: decoded.right, pseudonym: result.right.pseudonym })
    return [204, null]
  }
  // #endregion

  const getReport = async (url: URL): Promise<[number, unknown]> => {
    const from = instant('from', url.searchParams.get('from'))
    const to = instant('to', url.searchParams.get('to'))
    if (from === undefined && to === undefined) {
      const caught = await live.catchUp() // only the events appended since the last request
      if (caught._tag === 'Left') throw new HttpError(503, { error: EventLog.formatError(caught.left) })
      return [200, live.result()]
    }
    // #region report
    const period: Ledger.Options = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }
    const report = await CheckpointedReport.report(log, period)() // folds only what is new since the stored checkpoint
    if (report._tag === 'Left') throw new HttpError(503, { error: EventLog.formatError(report.left) })
    return [200, report.right]
    // #endregion
  }

  /** A comma-separated list parameter whose items are all among `allowed`, or undefined. */
  const oneOf = <A extends string>(url: URL, name: string, allowed: readonly A[]): A[] | undefined => {
    const value = url.searchParams.get(name)
    if (value === null || value === '') return undefined
    const items = value.split(',')
    const bad = items.find((item) => !(allowed as readonly string[]).includes(item))
    if (bad !== undefined) {
      throw new HttpError(400, { error: `${name}: ${JSON.stringify(bad)} is not one of ${allowed.join(', ')}` })
    }
    return items as A[]
  }

  // The customer list, a page at a time: as of now from the live runner's state, as of `to` from
  // the checkpointed ledger for it (as `GET /report?to=`): never a refold of the log per request.
  const getCustomers = async (url: URL): Promise<[number, unknown]> => {
    const to = instant('to', url.searchParams.get('to'))
    const tiers = oneOf(url, 'tier', Tiers.ORDER)
    const stages = oneOf(url, 'stage', CustomerList.STAGES)
    const ready = oneOf(url, 'salesReady', ['true', 'false'] as const)
    const limitText = url.searchParams.get('limit') ?? '100'
    const limit = Number(limitText)
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 1000) {
      throw new HttpError(400, { error: `limit: ${JSON.stringify(limitText)} is not a whole number from 1 to 1000` })
    }
    const after = url.searchParams.get('after')
    // #region customers
    let state: Ledger.State
    if (to === undefined) {
      const caught = await live.catchUp()
      if (caught._tag === 'Left') throw new HttpError(503, { error: EventLog.formatError(caught.left) })
      state = live.state()
    } else {
      const ledger = await CheckpointedReport.ledger(log, { to })()
      if (ledger._tag === 'Left') throw new HttpError(503, { error: EventLog.formatError(ledger.left) })
      state = ledger.right
    }
    // One more row than the page: whether a next page exists.
    const rows = [
      ...CustomerList.list(state, {
        ...(tiers === undefined ? {} : { tiers }),
        ...(stages === undefined ? {} : { stages }),
        ...(ready === undefined ? {} : { salesReady: ready[0] === 'true' }),
        ...(after === null ? {} : { after }),
        limit: limit + 1,
      }),
    ]
    const page = rows.slice(0, limit)
    return [200, { customers: page, next: rows.length > limit ? page.at(-1)!.customerId : null }]
    // #endregion
  }

  // The report page, from the same live runners as `GET /report`.
  const getReportPage = async (url: URL): Promise<string> => {
    const [, report] = await getReport(url)
    // #region page
    return Page.render(report as Report.Report)
    // #endregion
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let status: number
    let body: unknown
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (req.method === 'POST' && url.pathname === '/events') [status, body] = await postEvents(req, url)
      else if (req.method === 'POST' && url.pathname === '/import') [status, body] = await postImport(req, url)
      else if (req.method === 'GET' && url.pathname === '/report') [status, body] = await getReport(url)
      else if (req.method === 'DELETE' && url.pathname.startsWith('/customers/') && url.pathname.length > 11) {
        ;[status, body] = await deleteCustomer(url.pathname.slice('/customers/'.length))
      } else if (req.method === 'GET' && url.pathname === '/customers') [status, body] = await getCustomers(url)
      else if (req.method === 'GET' && url.pathname === '/report.html') {
        const page = await getReportPage(url)
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        return void res.end(page)
      } else [status, body] = [404, { error: `no route ${req.method ?? ''} ${url.pathname}` }]
    } catch (error) {
      ;[status, body] = error instanceof HttpError ? [error.status, error.body] : [500, { error: 'internal error' }]
    }
    if (status === 204) {
      res.writeHead(204)
      return void res.end()
    }
    res.writeHead(status, { 'content-type': 'application/json', connection: status === 413 ? 'close' : 'keep-alive' })
    res.end(JSON.stringify(body))
  }

  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      })
      stop.abort()
      await following
      log.close()
    },
  }
}
