import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { LifecycleEvent } from '@lifeline/core'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { run } from './run.fixture.js'
import * as Generator from './Generator.js'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-import-'))
let n = 0
const path = (name: string) => join(dir, `${++n}-${name}`)
const write = (name: string, lines: readonly unknown[]): string => {
  const p = path(name)
  writeFileSync(p, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n')
  return p
}
const rows = (db: string, sql: string): unknown[] => {
  const conn = new Database(db, { readonly: true })
  try {
    return conn.prepare(sql).all()
  } finally {
    conn.close()
  }
}

const valid = [
  { type: 'OptedIn', customerId: 'ada', occurredAt: '2025-01-06T09:00:00Z', channel: 'webinar' },
  {
    type: 'Purchased',
    customerId: 'ada',
    occurredAt: '2025-01-10T10:00:00Z',
    orderId: 'A1',
    amountCents: 4900,
    currency: 'EUR',
  },
  { type: 'OptedIn', customerId: 'bob', occurredAt: '2025-01-07T09:00:00Z', channel: 'seo' },
]

const refundOf = (orderId: string, amountCents: number) => ({
  type: 'Refunded',
  customerId: 'ada',
  occurredAt: '2025-01-11T09:00:00Z',
  orderId,
  amountCents,
  currency: 'EUR',
})

describe('lifeline import', () => {
  it('imports a file, then importing it again appends nothing and rejects nothing', async () => {
    const db = path('db.sqlite')
    const file = write('valid.jsonl', valid)
    expect(await run(['import', file, '--db', db])).toEqual({
      status: 0,
      stdout: '',
      // Every phase: 3 lines read, ordered (one step: no line gives its own id), 3 events
      // checked against the (empty) log, 3 through the rules and written (one page).
      stderr: [
        'reading: 3 lines, done',
        'ordering: 1 step, done',
        'checking: 3/3 events (100%)',
        'writing: 3/3 events (100%)',
        'imported 3 event(s) from 3 line(s)',
        '',
      ].join('\n'),
    })
    // Again: all 3 already stored, found at once (nothing left to check or write).
    expect(await run(['import', file, '--db', db])).toEqual({
      status: 0,
      stdout: '',
      stderr: 'reading: 3 lines, done\nordering: 1 step, done\nimported 0 event(s) from 3 line(s); 3 already stored\n',
    })
    // Written customer by customer, each in time order.
    expect(rows(db, 'SELECT stream_id, stream_version, type FROM events ORDER BY global_position')).toEqual([
      { stream_id: 'ada', stream_version: 1, type: 'OptedIn' },
      { stream_id: 'ada', stream_version: 2, type: 'Purchased' },
      { stream_id: 'bob', stream_version: 1, type: 'OptedIn' },
    ])
    expect(existsSync(`${db}.rejects.jsonl`)).toBe(false)
  })

  it('checks new events against what the log already holds for the customer', async () => {
    const db = path('db.sqlite')
    await run(['import', write('first.jsonl', valid), '--db', db])
    const second = write('second.jsonl', [
      { type: 'OptedIn', customerId: 'ada', occurredAt: '2025-02-01T09:00:00Z', channel: 'seo' },
      {
        type: 'Purchased',
        customerId: 'ada',
        occurredAt: '2025-02-02T09:00:00Z',
        orderId: 'A1',
        amountCents: 1,
        currency: 'EUR',
      },
      {
        type: 'Purchased',
        customerId: 'bob',
        occurredAt: '2025-02-02T09:00:00Z',
        orderId: 'B1',
        amountCents: 1,
        currency: 'EUR',
      },
    ])
    const { status, stderr } = await run(['import', second, '--db', db])
    expect(status).toBe(1)
    expect(stderr).toContain('line 1: AlreadyOptedIn: OptedIn for customer "ada"')
    expect(stderr).toContain(
      'line 2: DuplicateOrder: Purchased for customer "ada" at 2025-02-02T09:00:00.000Z: orderId "A1" was already used by this customer',
    )
    expect(rows(db, "SELECT stream_version FROM events WHERE stream_id = 'bob' ORDER BY stream_version")).toEqual([
      { stream_version: 1 },
      { stream_version: 2 },
    ])
  })

  it('reports bad lines of every kind with line and reason, keeps them all in the rejects file, and imports the valid ones', async () => {
    const db = path('db.sqlite')
    const file = write('bad.jsonl', [
      ...valid,
      {
        type: 'Purchased',
        customerId: 'bob',
        occurredAt: '2025-01-09T09:00:00Z',
        orderId: 'B1',
        amountCents: '12',
        currency: 'EUR',
      },
      { type: 'OptedIn', customerId: 'cy', occurredAt: '2025-01-09T09:00:00Z', channel: 'seo', coupon: 'X' },
      { type: 'Nurtured', customerId: 'cy', occurredAt: '2025-02-30T09:00:00Z', touch: 'email' },
      'not json at all',
      { type: 'Nurtured', customerId: 'dee', occurredAt: '2025-01-09T09:00:00Z', touch: 'email' },
      { type: 'Referred', customerId: 'bob', occurredAt: '2025-01-10T09:00:00Z', referredCustomerId: 'bob' },
    ])
    const { status, stderr } = await run(['import', file, '--db', db])
    expect(status).toBe(1)
    const rejectsPath = `${db}.rejects.jsonl`
    expect(stderr.split('\n').filter((l) => l.startsWith('line '))).toEqual([
      'line 4: amountCents: "12" is not an integer >= 0 (money is integer minor units)',
      'line 5: coupon: "X" is not a field of OptedIn',
      'line 6: occurredAt: "2025-02-30T09:00:00Z" is not an RFC 3339 date-time with a zone',
      'line 7: not valid JSON: "not json at all"',
      'line 8: NoConsent: Nurtured for customer "dee" at 2025-01-09T09:00:00.000Z: the customer has no standing opt-in (never opted in, or churned since)',
      'line 9: SelfReferral: Referred for customer "bob" at 2025-01-10T09:00:00.000Z: a customer cannot refer itself',
    ])
    expect(stderr).toContain(`6 line(s) rejected; every one is in ${rejectsPath}`)
    const rejects = readFileSync(rejectsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason: string; input: unknown; file: string })
    expect(rejects.map((r) => r.line)).toEqual([4, 5, 6, 7, 8, 9])
    expect(rejects[3]).toMatchObject({ file, input: 'not json at all' })
    expect(rejects[1]!.input).toMatchObject({ coupon: 'X' })
    expect(rejects[4]!.input).toEqual({
      type: 'Nurtured',
      customerId: 'dee',
      occurredAt: '2025-01-09T09:00:00.000Z',
      touch: 'email',
    })
    expect(rows(db, 'SELECT COUNT(*) AS n FROM events')).toEqual([{ n: 3 }])

    // The same file again: the same 6 lines rejected, none listed twice in the rejects file.
    const again = await run(['import', file, '--db', db])
    expect(again.status).toBe(1)
    expect(again.stderr).toContain(
      `6 line(s) rejected; every one is in ${rejectsPath} (6 listed there already by an earlier import)`,
    )
    expect(readFileSync(rejectsPath, 'utf8').trim().split('\n')).toHaveLength(6)
  })

  it('creates no database when the input file is missing or unreadable', async () => {
    const db = path('db.sqlite')
    const missing = path('missing.jsonl')
    expect(await run(['import', missing, '--db', db])).toEqual({
      status: 2,
      stdout: '',
      stderr: `lifeline import: no such file: ${missing}\n`,
    })
    expect(await run(['import', dir, '--db', db])).toEqual({
      status: 2,
      stdout: '',
      stderr: `lifeline import: ${dir} is a directory, not an events file\n`,
    })
    expect(existsSync(db)).toBe(false)
  })

  it('--strict appends nothing when any line is rejected', async () => {
    const db = path('db.sqlite')
    const file = write('strict.jsonl', [
      ...valid,
      { type: 'Churned', customerId: 'zed', occurredAt: '2025-01-09T09:00:00Z' },
    ])
    const { status, stderr } = await run(['import', file, '--db', db, '--strict'])
    expect(status).toBe(1)
    expect(stderr).toContain('--strict: 1 line(s) rejected, nothing imported')
    expect(stderr).toContain('line 4: NotActive: Churned for customer "zed"')
    expect(rows(db, 'SELECT COUNT(*) AS n FROM events')).toEqual([{ n: 0 }])
  })

  it('imports CSV with a header naming the same fields, quoted cells and metadata columns', async () => {
    const db = path('db.sqlite')
    const file = path('events.csv')
    writeFileSync(
      file,
      [
        'type,customerId,occurredAt,channel,campaign,orderId,amountCents,currency,metadata.source',
        'OptedIn,ada,2025-01-06T09:00:00Z,webinar,"spring, 2025",,,,crm',
        'Purchased,ada,2025-01-10T10:00:00Z,,,A1,4900,EUR,shop',
        'Purchased,bob,2025-01-10T10:00:00Z,,,B1,12.5,EUR,',
      ].join('\r\n') + '\r\n',
    )
    const { status, stderr } = await run(['import', file, '--db', db])
    expect(status).toBe(1)
    expect(stderr).toContain('line 4: amountCents: 12.5 is not an integer >= 0 (money is integer minor units)')
    expect(rows(db, 'SELECT type, data, metadata FROM events ORDER BY global_position')).toEqual([
      { type: 'OptedIn', data: '{"channel":"webinar","campaign":"spring, 2025"}', metadata: '{"source":"crm"}' },
      {
        type: 'Purchased',
        data: '{"orderId":"A1","amountCents":4900,"currency":"EUR"}',
        metadata: '{"source":"shop"}',
      },
    ])
  })

  it('imports refunds, survey answers and categories, and rejects each broken rule with its line', async () => {
    const db = path('db.sqlite')
    const file = write('v2.jsonl', [
      ...valid,
      { ...refundOf('A1', 900), reason: 'damaged' },
      { type: 'SurveyAnswered', customerId: 'ada', occurredAt: '2025-01-12T09:00:00Z', survey: 'csat', score: 5 },
      { type: 'SurveyAnswered', customerId: 'zoe', occurredAt: '2025-01-12T09:00:00Z', survey: 'nps', score: 9 },
      refundOf('A2', 100),
      { ...refundOf('A1', 100), currency: 'USD' },
      refundOf('A1', 4_001), // 900 + 4,001 = 4,901 > 4,900
      { type: 'SurveyAnswered', customerId: 'ada', occurredAt: '2025-01-13T09:00:00Z', survey: 'csat', score: 9 },
      {
        type: 'Purchased',
        customerId: 'bob',
        occurredAt: '2025-01-14T09:00:00Z',
        orderId: 'B1',
        amountCents: 1000,
        currency: 'USD',
        category: 'books',
      },
    ])
    const { status, stderr } = await run(['import', file, '--db', db])
    expect(status).toBe(1)
    expect(stderr.split('\n').filter((l) => l.startsWith('line '))).toEqual([
      'line 6: NotACustomer: SurveyAnswered for customer "zoe" at 2025-01-12T09:00:00.000Z: only someone who opted in or purchased earlier can answer a survey',
      'line 7: UnknownOrder: Refunded for customer "ada" at 2025-01-11T09:00:00.000Z: orderId "A2" is no earlier order of this customer',
      'line 8: CurrencyMismatch: Refunded for customer "ada" at 2025-01-11T09:00:00.000Z: order "A1" was paid in EUR, not USD',
      `line 9: OverRefund: Refunded for customer "ada" at 2025-01-11T09:00:00.000Z: 4001 EUR more would refund 4901 of order "A1"'s 4900 (900 refunded before)`,
      'line 10: score: 9 is not an integer from 1 to 5 (csat)',
    ])
    expect(
      rows(
        db,
        "SELECT type, data FROM events WHERE type IN ('Refunded', 'SurveyAnswered') OR data LIKE '%books%' ORDER BY global_position",
      ),
    ).toEqual([
      { type: 'Refunded', data: '{"orderId":"A1","amountCents":900,"currency":"EUR","reason":"damaged"}' },
      { type: 'SurveyAnswered', data: '{"survey":"csat","score":5}' },
      { type: 'Purchased', data: '{"orderId":"B1","amountCents":1000,"currency":"USD","category":"books"}' },
    ])
  })

  it('rejects an event whose id already names another event, in the file or in the log, naming where the first is', async () => {
    const db = path('db.sqlite')
    const id = '9b2c4d6e-8f10-4a12-b314-c516d718e920'
    const buy = { ...valid[1]!, eventId: id }
    await run(['import', write('first.jsonl', [valid[0], buy]), '--db', db])
    const stored = rows(db, `SELECT global_position AS p FROM events WHERE event_id = '${id}'`) as { p: number }[]
    const file = write('reused.jsonl', [
      // The same event again (other metadata): already stored, not an error.
      { ...buy, metadata: { source: 'retry' } },
      // Another order of ada's under the same id: a different event.
      { ...buy, orderId: 'A9', occurredAt: '2025-01-20T10:00:00Z' },
      { type: 'OptedIn', customerId: 'cy', occurredAt: '2025-01-03T09:00:00Z', channel: 'seo', eventId: id },
      { type: 'OptedIn', customerId: 'dee', occurredAt: '2025-01-03T09:00:00Z', channel: 'seo' },
      { ...valid[2]!, eventId: '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5' },
      { ...valid[2]!, occurredAt: '2025-01-08T09:00:00Z', eventId: '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5' },
    ])
    const { status, stderr } = await run(['import', file, '--db', db])
    expect(status).toBe(1)
    expect(stderr.split('\n').filter((l) => l.startsWith('line '))).toEqual([
      `line 2: IdReused: Purchased for customer "ada" at 2025-01-20T10:00:00.000Z: eventId ${id} already names another event (stored at position ${stored[0]!.p})`,
      `line 3: IdReused: OptedIn for customer "cy" at 2025-01-03T09:00:00.000Z: eventId ${id} already names another event (stored at position ${stored[0]!.p})`,
      'line 6: IdReused: OptedIn for customer "bob" at 2025-01-08T09:00:00.000Z: eventId 0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5 already names another event (line 5)',
    ])
    expect(stderr).toContain('imported 2 event(s) from 6 line(s); 1 already stored')
    // ada's two from the first import, then this one's customer by customer.
    expect(rows(db, 'SELECT stream_id FROM events ORDER BY global_position')).toEqual(
      ['ada', 'ada', 'bob', 'dee'].map((stream_id) => ({ stream_id })),
    )
  })

  it('rejects lines that are not valid UTF-8 whole, in JSON Lines and CSV, and keeps the lines around them', async () => {
    const db = path('db.sqlite')
    const jsonl = path('latin1.jsonl')
    const line = (id: Buffer) =>
      Buffer.concat([
        Buffer.from('{"type":"OptedIn","customerId":"'),
        id,
        Buffer.from('","occurredAt":"2025-01-01T00:00:00Z","channel":"seo"}\n'),
      ])
    // "é" in UTF-8 (c3 a9) is fine; in Latin-1 (e9) it is no UTF-8, and must not become U+FFFD.
    writeFileSync(
      jsonl,
      Buffer.concat([
        line(Buffer.from('ren\xc3\xa9', 'latin1')),
        line(Buffer.from([0x72, 0x65, 0x6e, 0xe9])),
        line(Buffer.from('ana')),
      ]),
    )
    const { status, stderr } = await run(['import', jsonl, '--db', db])
    expect(status).toBe(1)
    expect(stderr).toContain('line 2: not valid UTF-8 (the line is rejected whole: fix the encoding of the file)')
    // Customer by customer: ana before rené.
    expect(rows(db, 'SELECT stream_id FROM events ORDER BY global_position')).toEqual([
      { stream_id: 'ana' },
      { stream_id: 'rené' },
    ])
    const rejects = readFileSync(`${db}.rejects.jsonl`, 'utf8').trim().split('\n')
    expect(rejects).toHaveLength(1)
    expect(JSON.parse(rejects[0]!)).toMatchObject({
      line: 2,
      input: {
        base64: line(Buffer.from([0x72, 0x65, 0x6e, 0xe9]))
          .subarray(0, -1)
          .toString('base64'),
      },
    })

    const csv = path('latin1.csv')
    writeFileSync(
      csv,
      Buffer.concat([
        Buffer.from('type,customerId,occurredAt,channel\nOptedIn,b\xc3\xa9a,2025-01-01T00:00:00Z,seo\n', 'latin1'),
        Buffer.from([0x4f, 0x70, 0x74, 0x65, 0x64, 0x49, 0x6e, 0x2c, 0x62, 0xe9, 0x61, 0x2c]),
        Buffer.from('2025-01-01T00:00:00Z,seo\nOptedIn,cat,2025-01-01T00:00:00Z,seo\n'),
      ]),
    )
    const second = await run(['import', csv, '--db', path('db.sqlite')])
    expect(second.stderr.split('\n').filter((l) => l.startsWith('line '))).toEqual([
      'line 3: not valid UTF-8 (the line is rejected whole: fix the encoding of the file)',
    ])
    expect(second.stderr).toContain('imported 2 event(s) from 3 line(s)')
  })

  it.each([
    ['type,customerId,occurredAt,channel,channel', 'the header names the column "channel" twice'],
    ['type,customerId,occurredAt,chanel', `the header's column "chanel" is no event field (nor metadata.KEY)`],
    [
      'type,customerId,occurredAt,channel,metadata.',
      `the header's column "metadata." is no event field (nor metadata.KEY)`,
    ],
  ])('rejects the whole CSV file when its header is %j, naming the column', async (header, reason) => {
    const db = path('db.sqlite')
    const file = path('header.csv')
    writeFileSync(file, `${header}\nOptedIn,ada,2025-01-06T09:00:00Z,webinar,seo\n`)
    const { status, stderr } = await run(['import', file, '--db', db])
    expect({ status, stderr }).toEqual({
      status: 2,
      stderr: `lifeline import: ${file}: ${reason}; nothing of the file was read\n`,
    })
    expect(rows(db, 'SELECT COUNT(*) AS n FROM events')).toEqual([{ n: 0 }])
  })

  it('imports a CSV of refunds and survey answers, scores and amounts as numbers', async () => {
    const db = path('db.sqlite')
    const file = path('v2.csv')
    writeFileSync(
      file,
      [
        'type,customerId,occurredAt,channel,orderId,amountCents,currency,category,reason,survey,score,campaign',
        'Purchased,ada,2025-01-10T10:00:00Z,,A1,4900,EUR,courses,,,,',
        'Refunded,ada,2025-01-11T10:00:00Z,,A1,900,EUR,,"damaged, box",,,',
        'SurveyAnswered,ada,2025-01-12T10:00:00Z,,,,,,,nps,10,q1',
        'SurveyAnswered,ada,2025-01-12T11:00:00Z,,,,,,,nps,ten,',
      ].join('\n') + '\n',
    )
    const { stderr } = await run(['import', file, '--db', db])
    expect(stderr).toContain('line 5: score: "ten" is not an integer from 0 to 10 (nps)')
    expect(rows(db, 'SELECT type, data FROM events ORDER BY global_position')).toEqual([
      { type: 'Purchased', data: '{"orderId":"A1","amountCents":4900,"currency":"EUR","category":"courses"}' },
      { type: 'Refunded', data: '{"orderId":"A1","amountCents":900,"currency":"EUR","reason":"damaged, box"}' },
      { type: 'SurveyAnswered', data: '{"survey":"nps","score":10,"campaign":"q1"}' },
    ])
  })

  it('exports every event type with its id, and the export imported elsewhere is the same log', async () => {
    const events = [...Generator.generate({ customers: 200, start: Date.UTC(2025, 0, 1), days: 365, seed: 5 })]
    expect(new Set(events.map((e) => e.type)).size).toBe(7)
    const source = path('source.sqlite')
    await run([
      'import',
      write(
        'all.jsonl',
        events.map((e) => LifecycleEvent.encode(e)),
      ),
      '--db',
      source,
    ])
    const out = path('export.jsonl')
    const exported = await run(['export', '--db', source, '--out', out])
    expect(exported.stderr).toBe(`exported ${events.length.toLocaleString('en')} event(s)\n`)
    const copy = path('copy.sqlite')
    expect((await run(['import', out, '--db', copy])).status).toBe(0)
    const sql =
      'SELECT event_id, stream_id, stream_version, type, data, metadata, occurred_at FROM events ORDER BY global_position'
    expect(rows(copy, sql)).toEqual(rows(source, sql))
  })

  it('reports from the database, resuming from its checkpoint, exactly as from the whole file', async () => {
    const db = path('db.sqlite')
    const events = [...Generator.generate({ customers: 300, start: Date.UTC(2025, 0, 1), days: 365, seed: 7 })].map(
      LifecycleEvent.encode,
    )
    const half = Math.floor(events.length / 2)
    const all = write('all.jsonl', events)
    await run(['import', write('first.jsonl', events.slice(0, half)), '--db', db])
    const options = ['--from', '2025-04-01', '--to', '2025-10-01', '--inactivity-days', '60', '--json']
    const first = await run(['report', '--db', db, ...options])
    expect(first.status).toBe(0)
    expect(rows(db, 'SELECT position FROM checkpoints')).toEqual([{ position: half }])
    await run(['import', all, '--db', db])
    const resumed = await run(['report', '--db', db, ...options])
    expect(rows(db, 'SELECT position FROM checkpoints')).toEqual([{ position: events.length }])
    const fromFile = await run(['report', '--events', all, ...options])
    expect(JSON.parse(resumed.stdout)).toEqual(JSON.parse(fromFile.stdout))
    expect(resumed.stdout).not.toBe(first.stdout)
  })

  it('after a few new events stores a delta beside the snapshot, then a new snapshot once many changed', async () => {
    const db = path('db.sqlite')
    const events = [...Generator.generate({ customers: 300, start: Date.UTC(2025, 0, 1), days: 365, seed: 11 })].map(
      LifecycleEvent.encode,
    )
    const base = events.length - 60
    await run(['import', write('base.jsonl', events.slice(0, base)), '--db', db])
    const options = ['--inactivity-days', '30', '--json']
    const checkpoints = () => rows(db, "SELECT name LIKE '% delta' AS delta, position FROM checkpoints ORDER BY name")
    expect((await run(['report', '--db', db, ...options])).status).toBe(0)
    expect(checkpoints()).toEqual([{ delta: 0, position: base }])
    // Three rounds of 20 events: each touches far fewer than an eighth of the 300 customers.
    for (const end of [base + 20, base + 40, base + 60]) {
      await run(['import', write(`to-${end}.jsonl`, events.slice(0, end)), '--db', db])
      const resumed = await run(['report', '--db', db, ...options])
      expect(checkpoints()).toEqual([
        { delta: 0, position: base },
        { delta: 1, position: end },
      ])
      const fromFile = await run(['report', '--events', write(`all-${end}.jsonl`, events.slice(0, end)), ...options])
      expect(JSON.parse(resumed.stdout)).toEqual(JSON.parse(fromFile.stdout))
    }
    // A damaged delta is ignored: the report folds on from the snapshot and gives the same figures.
    const conn = new Database(db)
    conn.prepare("UPDATE checkpoints SET state = x'00ff00' WHERE name LIKE '% delta'").run()
    conn.close()
    const all = write('all.jsonl', events)
    const afterDamage = await run(['report', '--db', db, ...options])
    expect(JSON.parse(afterDamage.stdout)).toEqual(
      JSON.parse((await run(['report', '--events', all, ...options])).stdout),
    )
    // It went on from the snapshot (still at `base`, not refolded from the start) and wrote a
    // readable delta again.
    expect(checkpoints()).toEqual([
      { delta: 0, position: base },
      { delta: 1, position: events.length },
    ])
    expect(rows(db, "SELECT length(state) > 3 AS rewritten FROM checkpoints WHERE name LIKE '% delta'")).toEqual([
      { rewritten: 1 },
    ])
    // 300 new customers change far more than an eighth: a new snapshot replaces the old one.
    const more = [
      ...Generator.generate({ customers: 300, start: Date.UTC(2025, 0, 1), days: 365, seed: 12, idPrefix: 'n-' }),
    ].map(LifecycleEvent.encode)
    await run(['import', write('more.jsonl', more), '--db', db])
    const total = events.length + more.length
    const last = await run(['report', '--db', db, ...options])
    expect(checkpoints()).toEqual([
      { delta: 0, position: total },
      { delta: 1, position: events.length },
    ])
    const both = write('both.jsonl', [...events, ...more])
    expect(JSON.parse(last.stdout)).toEqual(JSON.parse((await run(['report', '--events', both, ...options])).stdout))
  })

  it('refolds from the start when the stored checkpoint cannot be read', async () => {
    const db = path('db.sqlite')
    await run(['import', write('cp.jsonl', valid), '--db', db])
    const first = await run(['report', '--db', db, '--json'])
    const conn = new Database(db)
    conn.prepare("UPDATE checkpoints SET state = x'00ff00'").run()
    conn.close()
    await run([
      'import',
      write('cp2.jsonl', [{ type: 'Churned', customerId: 'bob', occurredAt: '2025-02-01T00:00:00Z' }]),
      '--db',
      db,
    ])
    const after = await run(['report', '--db', db, '--json'])
    expect(after.status).toBe(0)
    expect(JSON.parse(after.stdout)).toEqual(
      JSON.parse(
        (
          await run([
            'report',
            '--events',
            write('cp-all.jsonl', [
              ...valid,
              { type: 'Churned', customerId: 'bob', occurredAt: '2025-02-01T00:00:00Z' },
            ]),
            '--json',
          ])
        ).stdout,
      ),
    )
    expect(after.stdout).not.toBe(first.stdout)
  })

  it('survives SIGKILL mid-import with whole batches only, and the same import then completes it exactly', async () => {
    const events = [...Generator.generate({ customers: 30_000, start: Date.UTC(2025, 0, 1), days: 365, seed: 11 })].map(
      LifecycleEvent.encode,
    )
    const file = write('big.jsonl', events)
    const db = path('killed.sqlite')
    const bin = resolve(import.meta.dirname, '../bin/lifeline.js')
    const child = spawn(process.execPath, [bin, 'import', file, '--db', db], { stdio: 'ignore' })
    // Wait for the first committed batch (reading and checking the file comes first, and takes
    // a while on a loaded machine), then kill: about 60 batches remain at that point.
    let head = 0
    const deadline = Date.now() + 90_000
    while (head === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5))
      try {
        head = (rows(db, 'SELECT COUNT(*) AS n FROM events') as { n: number }[])[0]!.n
      } catch {
        // the database is not created yet
      }
    }
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))
    const count = (rows(db, 'SELECT COUNT(*) AS n FROM events') as { n: number }[])[0]!.n
    expect(rows(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
    expect(count).toBeGreaterThan(0)
    expect(count).toBeLessThan(events.length)
    expect(count % 5_000).toBe(0) // whole batches of 5,000 only

    expect((await run(['import', file, '--db', db])).status).toBe(0)
    const fresh = path('fresh.sqlite')
    await run(['import', file, '--db', fresh])
    const content = 'SELECT event_id, stream_id, stream_version FROM events ORDER BY stream_id, stream_version'
    expect(rows(db, content)).toEqual(rows(fresh, content))
    expect(rows(db, 'SELECT COUNT(*) AS n FROM events')).toEqual([{ n: events.length }])
  }, 180_000)
})

describe('lifeline demo', () => {
  it('generates a year, imports it and prints the report as one JSON document', async () => {
    const db = path('demo.sqlite')
    const { status, stdout, stderr } = await run(['demo', '--db', db, '--customers', '50', '--json'])
    expect(status).toBe(0)
    expect(stderr).toContain(`generating a year of 50 customers (seed 2025) into ${db}`)
    const report = JSON.parse(stdout) as { period: unknown; leads: { total: number } }
    expect(report.period).toEqual({ from: '2025-07-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' })
    expect(report.leads.total).toBeGreaterThan(0)
    // Running it again on the same database imports nothing new.
    expect((await run(['demo', '--db', db, '--customers', '50', '--json'])).stderr).toContain('imported 0 event(s)')
  })

  it('shows the client tiers, their moves and the sales-ready leads by channel, and how to list them', async () => {
    const db = path('demo-text.sqlite')
    const { status, stdout } = await run(['demo', '--db', db, '--customers', '50'])
    expect(status).toBe(0)
    expect(stdout).toMatch(/\nClient tiers at the end of the period \(new: first purchase within 90 days/)
    expect(stdout).toMatch(/\ntier +customers +net revenue +NPS\n/)
    expect(stdout).toMatch(
      /\nMoves between tiers, start to end of the period \(customers\)\nat start \\ at end +none +prospect +new +invested +regular +lapsed\n/,
    )
    expect(stdout).toMatch(/\nsales-ready leads \(score 40\+\) +\d+ \(/)
    expect(stdout).toMatch(/\nChannels\nname +leads +sales-ready +converted /)
    expect(stdout).toContain(`npx lifeline customers --db ${db} --at-risk 0.5`)
  })
})
