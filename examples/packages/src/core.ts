// @lifeline/core: a command through the lifecycle rules into the in-memory log.
import { CommandHandler, Customer, Ids, InMemoryEventLog, Timestamp } from '@lifeline/core'

const log = InMemoryEventLog.make()
const handle = CommandHandler.handle(log)
const ada = Ids.customerId('ada')
const at = Timestamp.unsafeParse

await handle({ type: 'OptIn', customerId: ada, occurredAt: at('2025-01-06T09:00:00Z'), channel: 'webinar' })()
const nurtured = await handle({
  type: 'Nurture',
  customerId: ada,
  occurredAt: at('2025-01-08T09:00:00Z'),
  touch: 'email',
})()
if (nurtured._tag === 'Left') throw new Error(CommandHandler.formatError(nurtured.left))
console.log(`ada is a ${Customer.stageName(nurtured.right.state)}`) // ada is a lead
