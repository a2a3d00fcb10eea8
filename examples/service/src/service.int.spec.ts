import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Erasure } from '@lifeline/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { start, type Service } from './service.js'

let service: Service
beforeAll(async () => {
  service = await start({
    db: join(mkdtempSync(join(tmpdir(), 'lifeline-service-')), 'test.db'),
    port: 0,
    bodyLimit: 4096,
  })
})
afterAll(() => service.close())

const post = async (body: string, query = '') => {
  const res = await fetch(`${service.url}/events${query}`, { method: 'POST', body })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const report = async (query = '') =>
  (await (await fetch(`${service.url}/report${query}`)).json()) as {
    leads: { new: number }
    customers: { active: number }
    revenue: { totalCents: Record<string, number> }
  }
const lines = (...events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n')

const adaJoins = { type: 'OptedIn', customerId: 'ada', occurredAt: '2025-01-06T09:00:00Z', channel: 'webinar' }
const adaBuys = {
  type: 'Purchased',
  customerId: 'ada',
  occurredAt: '2025-01-10T10:00:00Z',
  orderId: 'A1',
  amountCents: 4900,
  currency: 'EUR',
}

describe('the service, end to end on a free localhost port', () => {
  it('appends one event or JSON Lines and answers what was appended', async () => {
    const one = await post(JSON.stringify(adaJoins))
    expect(one.status).toBe(201)
    expect(one.body['appended']).toEqual([
      expect.objectContaining({ customerId: 'ada', type: 'OptedIn', streamVersion: 1, globalPosition: 1 }),
    ])
    const many = await post(
      lines(adaBuys, { type: 'OptedIn', customerId: 'bob', occurredAt: '2025-01-07T09:00:00Z', channel: 'seo' }),
    )
    expect(many.status).toBe(201)
    expect((many.body['appended'] as { customerId: string }[]).map((a) => a.customerId)).toEqual(['bob', 'ada'])
  })

  it('serves the report as an HTML page for a period, from the same live state', async () => {
    const res = await fetch(`${service.url}/report.html?from=2025-01-01&to=2025-02-01`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const page = await res.text()
    expect(page.startsWith('<!doctype html>')).toBe(true)
    // ada and bob opted in in January: two new leads; ada bought 49.00 EUR.
    expect(page).toContain('<dd data-figure="leads.new">2</dd>')
    expect(page).toContain(
      '<dd data-figure="revenue.netCents.EUR"><span class="amount">49.00</span> <span class="currency">EUR</span></dd>',
    )
    const bad = await fetch(`${service.url}/report.html?to=soon`)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toContain('to: "soon"')
  })

  it('keeps the report current as events arrive', async () => {
    expect((await report()).leads.new).toBe(2)
    expect((await report()).revenue.totalCents).toEqual({ EUR: 4900 })
    await post(
      JSON.stringify({
        type: 'Purchased',
        customerId: 'cy',
        occurredAt: '2025-02-01T10:00:00Z',
        orderId: 'C1',
        amountCents: 100,
        currency: 'EUR',
      }),
    )
    expect((await report()).customers.active).toBe(2)
    expect((await report('?from=2025-02-01&to=2025-03-01')).revenue.totalCents).toEqual({ EUR: 100 })
  })

  it('answers a repeated post as already stored, appending nothing', async () => {
    const again = await post(JSON.stringify(adaJoins))
    expect(again.status).toBe(200)
    expect(again.body['appended']).toEqual([])
    expect(again.body['alreadyStored']).toHaveLength(1)
  })

  it('rejects a body with bad lines with 400 and line-precise errors, appending nothing', async () => {
    const before = (await report()).leads.new
    const bad = await post(
      lines(
        { type: 'OptedIn', customerId: 'dee', occurredAt: '2025-03-01T09:00:00Z', channel: 'seo' },
        {
          type: 'Purchased',
          customerId: 'dee',
          occurredAt: '2025-03-02T09:00:00Z',
          orderId: 'D1',
          amountCents: -1,
          currency: 'EUR',
        },
        { type: 'OptedIn', customerId: 'ada', occurredAt: '2025-03-03T09:00:00Z', channel: 'seo' },
      ),
    )
    expect(bad).toEqual({
      status: 400,
      body: {
        appended: [],
        rejected: [
          { line: 2, error: 'amountCents: -1 is not an integer >= 0 (money is integer minor units)' },
          {
            line: 3,
            error:
              'AlreadyOptedIn: OptedIn for customer "ada" at 2025-03-03T09:00:00.000Z: the customer has opted in and not churned since',
          },
        ],
      },
    })
    expect((await report()).leads.new).toBe(before)
  })

  it('answers 409 when the stream is not at the expected version', async () => {
    const event = JSON.stringify({
      type: 'Nurtured',
      customerId: 'ada',
      occurredAt: '2025-03-05T09:00:00Z',
      touch: 'email',
    })
    const conflict = await post(event, '?expectedVersion=1')
    expect(conflict).toEqual({
      status: 409,
      body: { error: 'VersionConflict: stream "ada" expected exactly 1 but is at version 2' },
    })
    expect((await post(event, '?expectedVersion=2')).status).toBe(201)
  })

  it('accepts refunds and survey answers, and answers 409 naming the id when an id already names another event', async () => {
    const refund = {
      type: 'Refunded',
      customerId: 'ada',
      occurredAt: '2025-06-12T10:00:00Z',
      orderId: 'A1',
      amountCents: 900,
      currency: 'EUR',
    }
    const answer = {
      type: 'SurveyAnswered',
      customerId: 'ada',
      occurredAt: '2025-06-12T11:00:00Z',
      survey: 'nps',
      score: 10,
    }
    const accepted = await post(lines(refund, answer))
    expect(accepted.status).toBe(201)
    expect((accepted.body['appended'] as { type: string }[]).map((a) => a.type)).toEqual(['Refunded', 'SurveyAnswered'])
    const id = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'
    expect(
      (await post(JSON.stringify({ ...adaBuys, orderId: 'A7', occurredAt: '2025-07-01T10:00:00Z', eventId: id })))
        .status,
    ).toBe(201)
    const reused = await post(
      JSON.stringify({ ...adaBuys, orderId: 'A8', occurredAt: '2025-07-02T10:00:00Z', eventId: id }),
    )
    expect(reused.status).toBe(409)
    expect(reused.body['rejected']).toEqual([
      {
        line: 1,
        error: expect.stringMatching(
          new RegExp(
            `^IdReused: Purchased for customer "ada" at 2025-07-02T10:00:00.000Z: eventId ${id} already names another event \\(stored at position \\d+\\)$`,
          ),
        ) as unknown,
      },
    ])
  })

  it('refuses a body over the limit with 413', async () => {
    const res = await fetch(`${service.url}/events`, { method: 'POST', body: 'x'.repeat(5000) })
    expect(res.status).toBe(413)
  })

  it('answers 404 for an unknown route and 400 for a bad period', async () => {
    expect((await fetch(`${service.url}/nope`)).status).toBe(404)
    expect((await fetch(`${service.url}/report?from=soon`)).status).toBe(400)
  })

  it('imports a JSON Lines body through the pipeline, naming every rejected line, and reports a period from its checkpoint', async () => {
    const cy = (n: number) => ({
      type: 'OptedIn',
      customerId: `cy${n}`,
      occurredAt: '2024-03-0' + n + 'T09:00:00Z',
      channel: 'seo',
    })
    // Line 2 is no JSON, line 4 has no customer: 2 of the 4 lines are appended, 2 rejected.
    const body = [JSON.stringify(cy(1)), '{oops', JSON.stringify(cy(2)), '{"type":"OptedIn"}'].join('\n')
    const res = await fetch(`${service.url}/import`, { method: 'POST', body })
    expect(res.status).toBe(422)
    const result = (await res.json()) as { read: number; appended: number; rejected: { line: number }[] }
    expect(result.read).toBe(4)
    expect(result.appended).toBe(2)
    expect(result.rejected.map((r) => r.line)).toEqual([2, 4])
    // March 2024 holds exactly the two leads imported; asked twice, the second from the checkpoint.
    expect((await report('?from=2024-03-01&to=2024-04-01')).leads.new).toBe(2)
    const again = await fetch(`${service.url}/import`, { method: 'POST', body: JSON.stringify(cy(3)) })
    expect(((await again.json()) as { appended: number }).appended).toBe(1)
    expect((await report('?from=2024-03-01&to=2024-04-01')).leads.new).toBe(3)
  })
})

describe('DELETE /customers/:id', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'lifeline-service-erasure-')), 'erasure.db')
  let own: Service
  beforeAll(async () => {
    own = await start({ db, port: 0 })
  })
  afterAll(() => own.close())
  const ZOE = 'zoe@example.org'
  const PHONE = '+49-171-5550123'
  const history = [
    { type: 'OptedIn', customerId: 'max', occurredAt: '2025-01-01T09:00:00Z', channel: 'webinar' },
    { type: 'Referred', customerId: 'max', occurredAt: '2025-01-02T09:00:00Z', referredCustomerId: ZOE },
    {
      type: 'OptedIn',
      customerId: ZOE,
      occurredAt: '2025-01-03T09:00:00Z',
      channel: 'referral',
      referredBy: 'max',
      metadata: { phone: PHONE },
    },
    { ...adaBuys, customerId: ZOE, occurredAt: '2025-01-04T09:00:00Z', orderId: 'Z1' },
  ]
  const send = (body: string) => fetch(`${own.url}/events`, { method: 'POST', body })
  const reportOf = async (query = '') => (await fetch(`${own.url}/report${query}`)).json()
  const files = () => Buffer.concat([db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f)))

  it('erases a customer (204), keeps every figure of the live reports, and then answers 404', async () => {
    expect((await send(lines(...history))).status).toBe(201)
    const whole = await reportOf()
    const january = await reportOf('?from=2025-01-01&to=2025-02-01')
    // Worked out by hand: max and zoe are January's new leads; zoe bought 49.00 EUR, referred by max.
    expect(january).toMatchObject({ leads: { new: 2 }, referrals: { count: 1, converted: 1 } })
    expect(Erasure.holds(files(), ZOE)).toBe(true)

    const res = await fetch(`${own.url}/customers/${encodeURIComponent(ZOE)}`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(await reportOf()).toEqual(whole)
    expect(await reportOf('?from=2025-01-01&to=2025-02-01')).toEqual(january)
    expect(Erasure.holds(files(), ZOE)).toBe(false)
    expect(Erasure.holds(files(), PHONE)).toBe(false)

    const again = await fetch(`${own.url}/customers/${encodeURIComponent(ZOE)}`, { method: 'DELETE' })
    expect([again.status, await again.json()]).toEqual([404, { error: 'already erased' }])
    const unknown = await fetch(`${own.url}/customers/nobody`, { method: 'DELETE' })
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'no such customer' }])
  })

  it('refuses the erased customer’s earlier events by line only, and accepts a later sign-up as a new relationship', async () => {
    const replay = await send(lines(history[0], history[2]))
    const text = await replay.text()
    expect(replay.status).toBe(400)
    expect(JSON.parse(text)).toEqual({
      appended: [],
      rejected: [
        { line: 2, error: 'Erased: the event names a customer erased after it occurred; nothing of it is kept' },
      ],
    })
    expect(text).not.toContain('zoe')
    const later = {
      type: 'OptedIn',
      customerId: ZOE,
      occurredAt: new Date(Date.now() + 60_000).toISOString(),
      channel: 'seo',
    }
    const signUp = await send(JSON.stringify(later))
    expect(signUp.status).toBe(201)
  })
})

describe('GET /customers: the customer list, a page at a time, from the live state', () => {
  let shop: Service
  beforeAll(async () => {
    shop = await start({ db: join(mkdtempSync(join(tmpdir(), 'lifeline-service-')), 'customers.db'), port: 0 })
    const day = (d: number) => `2025-01-0${d}T10:00:00Z`
    const body = lines(
      { type: 'OptedIn', customerId: 'p1', occurredAt: day(1), channel: 'seo' },
      { type: 'OptedIn', customerId: 'p2', occurredAt: day(2), channel: 'seo' },
      // s1: 10 points of fit and two events of 15 at its opt-in: 40, sales-ready.
      { type: 'OptedIn', customerId: 's1', occurredAt: day(3), channel: 'seo' },
      { type: 'Nurtured', customerId: 's1', occurredAt: day(3), touch: 'event', campaign: 'expo' },
      { type: 'Nurtured', customerId: 's1', occurredAt: day(3), touch: 'event', campaign: 'meetup' },
      { type: 'OptedIn', customerId: 'p3', occurredAt: day(4), channel: 'seo' },
      { type: 'Purchased', customerId: 'n1', occurredAt: day(5), orderId: 'o1', amountCents: 900, currency: 'USD' },
    )
    expect((await fetch(`${shop.url}/events`, { method: 'POST', body })).status).toBe(201)
  })
  afterAll(() => shop.close())

  const get = async (query: string) => {
    const res = await fetch(`${shop.url}/customers${query}`)
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const page = async (query: string) => {
    const { body } = await get(query)
    return {
      ids: (body['customers'] as { customerId: string }[]).map((c) => c.customerId),
      next: body['next'] as string | null,
    }
  }

  it('pages with limit and the cursor next, filters by tier, stage and salesReady', async () => {
    // The prospects in the order they appeared: p1, p2, s1, p3.
    expect(await page('?tier=prospect&limit=2')).toEqual({ ids: ['p1', 'p2'], next: 'p2' })
    expect(await page('?tier=prospect&limit=2&after=p2')).toEqual({ ids: ['s1', 'p3'], next: null })
    expect(await page('?salesReady=true')).toEqual({ ids: ['s1'], next: null })
    expect(await page('?stage=customer')).toEqual({ ids: ['n1'], next: null })
    expect(await page('?tier=new,prospect&stage=lead&salesReady=false')).toEqual({
      ids: ['p1', 'p2', 'p3'],
      next: null,
    })
    // As of 4 January (exclusive), from the checkpointed ledger for that instant: p3 (4 January,
    // 10:00) and n1 are not known yet.
    expect(await page('?to=2025-01-04')).toEqual({ ids: ['p1', 'p2', 's1'], next: null })
    expect(await page('?to=2025-01-04&salesReady=true')).toEqual({ ids: ['s1'], next: null })
    const { body } = await get('?stage=customer')
    expect(body['customers']).toEqual([
      expect.objectContaining({
        customerId: 'n1',
        stage: 'customer',
        tier: 'new',
        purchases: 1,
        netRevenueCents: { USD: 900 },
      }),
    ])
  })

  it('follows the log: a new event shows in the next request', async () => {
    const buy = {
      type: 'Purchased',
      customerId: 'p1',
      occurredAt: '2025-01-06T10:00:00Z',
      orderId: 'o2',
      amountCents: 100,
      currency: 'USD',
    }
    expect((await fetch(`${shop.url}/events`, { method: 'POST', body: JSON.stringify(buy) })).status).toBe(201)
    expect(await page('?stage=customer')).toEqual({ ids: ['p1', 'n1'], next: null })
  })

  it('answers 400 naming the bad parameter', async () => {
    expect(await get('?tier=gold')).toEqual({
      status: 400,
      body: { error: 'tier: "gold" is not one of none, prospect, new, invested, regular, lapsed' },
    })
    expect(await get('?limit=0')).toEqual({
      status: 400,
      body: { error: 'limit: "0" is not a whole number from 1 to 1000' },
    })
  })
})
