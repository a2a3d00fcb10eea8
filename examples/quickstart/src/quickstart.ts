/**
 * Quickstart: record customers' journeys through the lifecycle decider into an in-memory log,
 * see a rule reject a command, and print each customer's stage.
 */
import { CommandHandler, Customer, type Decider, EventLog, Ids, InMemoryEventLog, Timestamp } from '@lifeline/core'

const at = Timestamp.unsafeParse
const id = Ids.customerId

/** The commands of the story, in the order they happen. */
export const journeys: readonly Decider.Command[] = [
  // #region commands
  {
    type: 'OptIn',
    customerId: id('ada'),
    occurredAt: at('2025-01-06T09:00:00Z'),
    channel: 'webinar',
    campaign: 'winter-launch',
    acquisitionCostCents: 1_500,
  },
  {
    type: 'Nurture',
    customerId: id('ada'),
    occurredAt: at('2025-01-08T09:00:00Z'),
    touch: 'email',
    campaign: 'welcome-series',
  },
  {
    type: 'Purchase',
    customerId: id('ada'),
    occurredAt: at('2025-01-10T14:30:00+01:00'),
    orderId: 'A-1001',
    amountCents: 4_900,
    currency: 'EUR',
  },
  { type: 'Refer', customerId: id('ada'), occurredAt: at('2025-01-12T10:00:00Z'), referredCustomerId: id('grace') },
  {
    type: 'OptIn',
    customerId: id('grace'),
    occurredAt: at('2025-01-13T08:00:00Z'),
    channel: 'referral',
    referredBy: id('ada'),
  },
  {
    type: 'Purchase',
    customerId: id('grace'),
    occurredAt: at('2025-01-20T18:00:00Z'),
    orderId: 'G-1',
    amountCents: 12_000,
    currency: 'EUR',
  },
  {
    type: 'Purchase',
    customerId: id('grace'),
    occurredAt: at('2025-02-20T18:00:00Z'),
    orderId: 'G-2',
    amountCents: 3_000,
    currency: 'EUR',
  },
  { type: 'OptIn', customerId: id('linus'), occurredAt: at('2025-01-15T11:00:00Z'), channel: 'seo' },
  { type: 'Nurture', customerId: id('linus'), occurredAt: at('2025-01-16T11:00:00Z'), touch: 'sms' },
  {
    type: 'Purchase',
    customerId: id('margaret'),
    occurredAt: at('2025-01-18T12:00:00Z'),
    orderId: 'M-1',
    amountCents: 2_500,
    currency: 'USD',
  },
  // Part of Grace's second order comes back; she says how likely she is to recommend us.
  {
    type: 'Refund',
    customerId: id('grace'),
    occurredAt: at('2025-02-24T09:00:00Z'),
    orderId: 'G-2',
    amountCents: 1_000,
    currency: 'EUR',
    reason: 'damaged',
  },
  { type: 'AnswerSurvey', customerId: id('grace'), occurredAt: at('2025-02-25T09:00:00Z'), survey: 'nps', score: 9 },
  { type: 'Churn', customerId: id('margaret'), occurredAt: at('2025-03-01T00:00:00Z'), reason: 'cancelled' },
  // Rejected: Linus already opted in and has not churned since.
  { type: 'OptIn', customerId: id('linus'), occurredAt: at('2025-01-20T11:00:00Z'), channel: 'paid-social' },
  // Rejected: Margaret churned, so she may not be marketed to.
  { type: 'Nurture', customerId: id('margaret'), occurredAt: at('2025-03-02T00:00:00Z'), touch: 'email' },
  // Rejected: G-2 was 3,000 cents and 1,000 came back already: 2,500 more is too much.
  {
    type: 'Refund',
    customerId: id('grace'),
    occurredAt: at('2025-03-03T09:00:00Z'),
    orderId: 'G-2',
    amountCents: 2_500,
    currency: 'EUR',
  },
  // #endregion
]

/** Runs the story and returns the lines it prints. */
export const run = async (): Promise<string[]> => {
  const lines: string[] = []
  // #region record
  const log = InMemoryEventLog.make()
  const handle = CommandHandler.handle(log)
  for (const command of journeys) {
    // Reads the customer's stream, checks the rules, appends with the version it read.
    const result = await handle(command)()
    if (result._tag === 'Left') lines.push(`rejected  ${CommandHandler.formatError(result.left)}`)
  }
  // #endregion
  lines.push('')
  lines.push('customer   stage     events')
  // #region stages
  const customers = new Map<string, Customer.CustomerState>()
  for await (const event of EventLog.readAll(log)) {
    const state = customers.get(event.customerId) ?? Customer.initial
    customers.set(event.customerId, Customer.evolve(state, event))
  }
  // #endregion
  for (const [customerId, state] of customers) {
    lines.push(`${customerId.padEnd(10)} ${Customer.stageName(state).padEnd(9)} ${state.version}`)
  }
  return lines
}
