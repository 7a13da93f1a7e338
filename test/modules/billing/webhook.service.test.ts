// receiveStripeEvent called directly with verified events: what each field it trusts may
// hold (credits, plan, tenant id), every outcome in the words stored on the event, and
// the ledger rows it writes. billing.routes.test.ts covers the signed HTTP webhook.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import type Stripe from 'stripe'
import { readBalance, setPlan } from '../../../src/modules/billing/billing.repository.ts'
import { changeCredits } from '../../../src/modules/billing/billing.service.ts'
import { NO_REQUEST } from '../../../src/modules/identity/audit.ts'
import { receiveStripeEvent, type WebhookAnswer } from '../../../src/modules/billing/webhook.service.ts'
import type { Db } from '../../../src/platform/db/database.ts'
import { startedOnce, startTestServices } from '../../helpers/services.ts'
import { chargeRefunded, checkoutCompleted, invoicePaid, subscriptionDeleted } from '../../helpers/stripe.ts'
import { insertTenant } from '../../helpers/tenants.ts'

// One database for the file; every subtest has tenants and Stripe ids of its own.
const services = startedOnce(() => startTestServices(t))

function deliver (db: Db, event: object): Promise<WebhookAnswer> {
  return receiveStripeEvent(db, event as Stripe.Event, JSON.stringify(event))
}
const unique = (prefix: string): string => `${prefix}_${randomUUID().slice(0, 8)}`

async function planOf (db: Db, tenantId: string): Promise<string | null> {
  return (await db.selectFrom('tenant').select('billing_plan').where('id', '=', tenantId).executeTakeFirstOrThrow()).billing_plan
}

async function customerOf (db: Db, tenantId: string): Promise<string | null> {
  return (await db.selectFrom('tenant').select('stripe_customer_id').where('id', '=', tenantId).executeTakeFirstOrThrow()).stripe_customer_id
}

t.test('checkout: metadata.credits is a whole positive number of at most nine digits, or nothing is granted', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const noCredits = 'ignored: the session carries no metadata.credits'
  for (const credits of ['0', '-5', '1.5', '10x', ' 5', '', '1234567890']) {
    const answer = await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits }))
    t.same(answer, { received: true, duplicate: false, outcome: noCredits }, `credits "${credits}"`)
  }
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 0 })
  t.equal((await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: '123456789' }))).outcome, 'granted 123456789 credits', 'nine digits')
  t.equal((await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: '1', paymentStatus: 'no_payment_required' }))).outcome, 'granted 1 credits', 'a free checkout grants as a paid one')
  t.same(await readBalance(db, tenantId), { available: 123456790, reserved: 0 })
})

t.test('checkout: client_reference_id must be the id of a tenant of this server, in any letter case', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const stranger = 'ignored: client_reference_id names no tenant of this server'
  for (const reference of ['acme', randomUUID(), `${tenantId}0`, `x${tenantId}`]) {
    const answer = await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId: reference, credits: 5 }))
    t.equal(answer.outcome, stranger, reference)
  }
  const customer = unique('cus')
  const upper = await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId: tenantId.toUpperCase(), credits: 5, customer }))
  t.equal(upper.outcome, 'granted 5 credits')
  t.same(await readBalance(db, tenantId), { available: 5, reserved: 0 })
  t.equal(await customerOf(db, tenantId), customer, 'the customer is kept for the portal')
})

t.test('subscriptions: the plan name is kept when it is a plain lower-case name; invoices find the tenant by metadata or customer', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const customer = unique('cus')
  const started = (plan?: string) => deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 100, mode: 'subscription', customer, ...(plan !== undefined && { plan }) }))
  t.equal((await started()).outcome, 'subscription started; each paid invoice grants its credits', 'no plan named')
  t.equal(await planOf(db, tenantId), null)
  for (const plan of ['Team', '-team', 'team plan', 'a'.repeat(65)]) {
    t.equal((await started(plan)).outcome, 'subscription started; each paid invoice grants its credits', `plan "${plan}" is not a plan name`)
    t.equal(await planOf(db, tenantId), null)
  }
  for (const plan of ['t', 'team-2_x', `a${'b'.repeat(63)}`]) {
    t.equal((await started(plan)).outcome, `subscription started (plan ${plan}); each paid invoice grants its credits`)
    t.equal(await planOf(db, tenantId), plan)
  }
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 0 }, 'the session itself grants nothing')

  const invoice = unique('in')
  t.equal((await deliver(db, invoicePaid(unique('evt'), { id: invoice, tenantId, credits: 100, customer, plan: 'pro' }))).outcome, 'granted 100 credits')
  t.equal(await planOf(db, tenantId), 'pro', 'the invoice\'s plan is kept')
  const row = await db.selectFrom('credit_entry').select(['kind', 'amount', 'reason', 'idempotency_key', 'stripe_object', 'payment_intent']).where('stripe_object', '=', invoice).executeTakeFirstOrThrow()
  t.same({ ...row, amount: Number(row.amount) }, { kind: 'purchase', amount: 100, reason: 'Stripe invoice for plan pro', idempotency_key: `purchase:${invoice}`, stripe_object: invoice, payment_intent: `pi_for_${invoice}` })
  const byCustomer = unique('in')
  t.equal((await deliver(db, invoicePaid(unique('evt'), { id: byCustomer, credits: 7, customer }))).outcome, 'granted 7 credits', 'no tenant in the metadata: the customer names it')
  const plainReason = await db.selectFrom('credit_entry').select('reason').where('stripe_object', '=', byCustomer).executeTakeFirstOrThrow()
  t.equal(plainReason.reason, 'Stripe invoice')
  t.equal((await deliver(db, invoicePaid(unique('evt'), { id: unique('in'), credits: 7, customer: unique('cus') }))).outcome, 'ignored: neither the subscription\'s metadata.tenant_id nor the customer names a tenant of this server')
  t.same(await readBalance(db, tenantId), { available: 107, reserved: 0 })

  const ended = await deliver(db, subscriptionDeleted(unique('evt'), { customer }))
  t.same([ended.outcome, await planOf(db, tenantId)], ['subscription ended; plan cleared (credits already granted stay)', null], 'found by customer')
  const nobody = await deliver(db, subscriptionDeleted(unique('evt'), { customer: unique('cus') }))
  t.equal(nobody.outcome, 'ignored: the subscription names no tenant of this server')
})

t.test('refunds: the refunded share of the purchase, rounded down, taken once per refund state', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const intent = unique('pi')
  t.equal((await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 100, paymentIntent: intent }))).outcome, 'granted 100 credits')
  const charge = unique('ch')
  const refund = (refunded: number, amount = 3000) => deliver(db, chargeRefunded(unique('evt'), { id: charge, paymentIntent: intent, amount, refunded }))
  t.equal((await refund(1000)).outcome, 'reversed 33 credits', 'a third of 100, rounded down')
  t.equal((await refund(1000)).outcome, 'nothing more to reverse (33 credits already reversed)')
  t.equal((await refund(4000)).outcome, 'reversed 67 credits', 'more than the charge is the whole purchase')
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 0 })

  const free = unique('pi')
  await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 40, paymentIntent: free }))
  t.equal((await deliver(db, chargeRefunded(unique('evt'), { id: unique('ch'), paymentIntent: free, amount: 0, refunded: 0 }))).outcome, 'reversed 40 credits', 'a charge of 0 refunded is the whole purchase')
  const noIntent = { ...chargeRefunded(unique('evt'), { id: unique('ch'), paymentIntent: 'x', amount: 100, refunded: 100 }) } as { data: { object: { payment_intent: string | null } } }
  noIntent.data.object.payment_intent = null
  t.equal((await deliver(db, noIntent)).outcome, 'ignored: the charge has no PaymentIntent, so no purchase of credits to reverse')
  const reasons = await db.selectFrom('credit_entry').select(['amount', 'reason', 'idempotency_key', 'stripe_object']).where('tenant_id', '=', tenantId).where('kind', '=', 'refund').orderBy('id').execute()
  t.same(reasons.map((r) => [Number(r.amount), r.reason, r.idempotency_key]), [
    [33, 'Stripe refund of 1000 of 3000 usd', `refund:${charge}:1000`],
    [67, 'Stripe refund of 4000 of 3000 usd', `refund:${charge}:4000`],
    [40, 'Stripe refund of 0 of 0 usd', reasons[2]!.idempotency_key],
  ])
})

t.test('an event is applied once: a replay is a duplicate with its first outcome; a waiting refund is applied when its purchase comes', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const intent = unique('pi')
  const refund = chargeRefunded(unique('evt'), { id: unique('ch'), paymentIntent: intent, amount: 1000, refunded: 1000 })
  t.same(await deliver(db, refund), { received: true, duplicate: false, outcome: `waiting: no purchase paid by ${intent} has arrived yet` })
  t.same(await deliver(db, refund), { received: true, duplicate: true, outcome: `waiting: no purchase paid by ${intent} has arrived yet` }, 'still waiting, and said to be a repeat')
  const purchase = checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 10, paymentIntent: intent })
  t.same(await deliver(db, purchase), { received: true, duplicate: false, outcome: 'granted 10 credits' })
  t.same(await deliver(db, purchase), { received: true, duplicate: true, outcome: 'granted 10 credits' })
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 0 }, 'the waiting refund took the purchase back')
  const stored = await db.selectFrom('stripe_event').select(['tenant_id', 'outcome', 'processed_at']).where('id', '=', (refund as { id: string }).id).executeTakeFirstOrThrow()
  t.same([stored.tenant_id, stored.outcome, stored.processed_at !== null], [tenantId, 'reversed 10 credits', true])
  t.same(await deliver(db, refund), { received: true, duplicate: true, outcome: 'reversed 10 credits' }, 'once applied, a replay does nothing')
})

t.test('every event that is done is stored as processed, with Stripe\'s time; customers are kept from subscriptions and invoices; metadata may be missing', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const stored = async (event: object) => db.selectFrom('stripe_event').select(['created_at', 'processed_at', 'outcome']).where('id', '=', (event as { id: string }).id).executeTakeFirstOrThrow()
  const withoutMetadata = (event: object): object => {
    const copy = structuredClone(event) as { data: { object: { metadata: unknown } } }
    copy.data.object.metadata = null
    return copy
  }

  const firstCustomer = unique('cus')
  const subscription = withoutMetadata(checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 1, mode: 'subscription', customer: firstCustomer }))
  t.equal((await deliver(db, subscription)).outcome, 'subscription started; each paid invoice grants its credits', 'a subscription session without metadata')
  t.equal(await customerOf(db, tenantId), firstCustomer, 'the subscription\'s customer is kept')
  const unnamed = withoutMetadata(checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 1 }))
  t.equal((await deliver(db, unnamed)).outcome, 'ignored: the session carries no metadata.credits')
  const packless = checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 3 }) as { data: { object: { id: string; metadata: Record<string, string> } } }
  delete packless.data.object.metadata.pack
  t.equal((await deliver(db, packless)).outcome, 'granted 3 credits')
  const reason = await db.selectFrom('credit_entry').select('reason').where('stripe_object', '=', packless.data.object.id).executeTakeFirstOrThrow()
  t.equal(reason.reason, 'Stripe Checkout: credits', 'a session that names no pack')

  // The first customer a tenant is seen with is its own (keepCustomer); a tenant new to Stripe gets the invoice's.
  const other = await insertTenant(db)
  const secondCustomer = unique('cus')
  await deliver(db, invoicePaid(unique('evt'), { id: unique('in'), tenantId: other, credits: 2, customer: secondCustomer }))
  t.equal(await customerOf(db, other), secondCustomer, 'the invoice\'s customer is kept')

  const intent = unique('pi')
  await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 10, paymentIntent: intent, customer: firstCustomer }))
  const charge = unique('ch')
  const first = chargeRefunded(unique('evt'), { id: charge, paymentIntent: intent, amount: 1000, refunded: 500 })
  const again = chargeRefunded(unique('evt'), { id: charge, paymentIntent: intent, amount: 1000, refunded: 500 })
  await deliver(db, first)
  t.equal((await deliver(db, again)).outcome, 'nothing more to reverse (5 credits already reversed)')
  const ended = subscriptionDeleted(unique('evt'), { customer: firstCustomer, created: 1_796_000_100 })
  t.equal((await deliver(db, ended)).outcome, 'subscription ended; plan cleared (credits already granted stay)')

  for (const [what, event, created] of [['subscription started', subscription, 1_796_000_000], ['nothing more to reverse', again, 1_796_000_000], ['subscription ended', ended, 1_796_000_100]] as const) {
    const row = await stored(event)
    t.same([row.created_at.getTime(), row.processed_at !== null], [created * 1000, true], `${what}: Stripe's time, and processed`)
  }
})

t.test('invoices in the older API shape, invoices without a customer or a PaymentIntent, subscriptions without a customer', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const entryOf = async (object: string) => {
    const row = await db.selectFrom('credit_entry').select(['tenant_id', 'amount', 'payment_intent']).where('stripe_object', '=', object).executeTakeFirstOrThrow()
    return { ...row, amount: Number(row.amount) }
  }

  // An endpoint pinned to an API version before `parent` and `payments`: the subscription's
  // metadata and the PaymentIntent sit on the invoice itself.
  const older = unique('in')
  const olderIntent = unique('pi')
  const olderShape = { id: unique('evt'), object: 'event', created: 1_796_000_200, livemode: false, type: 'invoice.paid', data: { object: { id: older, object: 'invoice', customer: null, status: 'paid', subscription_details: { metadata: { tenant_id: tenantId, credits: '12' } }, payment_intent: olderIntent } } }
  t.equal((await deliver(db, olderShape)).outcome, 'granted 12 credits', 'metadata read from subscription_details')
  t.same(await entryOf(older), { tenant_id: tenantId, amount: 12, payment_intent: olderIntent }, 'the PaymentIntent read from the invoice')
  t.equal(await customerOf(db, tenantId), null, 'an invoice without a customer keeps none')

  // The current shape, paid by something other than a PaymentIntent.
  const noIntent = invoicePaid(unique('evt'), { id: unique('in'), tenantId, credits: 4, customer: unique('cus') }) as { data: { object: { id: string; customer: string | null; payments: { data: unknown[] } } } }
  noIntent.data.object.customer = null
  noIntent.data.object.payments.data = [{ payment: { type: 'charge', charge: unique('ch') } }]
  t.equal((await deliver(db, noIntent)).outcome, 'granted 4 credits')
  t.same(await entryOf(noIntent.data.object.id), { tenant_id: tenantId, amount: 4, payment_intent: null }, 'no PaymentIntent recorded')

  const anonymous = invoicePaid(unique('evt'), { id: unique('in'), credits: 4, customer: unique('cus') }) as { data: { object: { customer: string | null } } }
  anonymous.data.object.customer = null
  t.equal((await deliver(db, anonymous)).outcome, 'ignored: neither the subscription\'s metadata.tenant_id nor the customer names a tenant of this server', 'no tenant id and no customer')

  await setPlan(db, tenantId, 'pro')
  const ended = (metadata: Record<string, string>) => deliver(db, subscriptionDeleted(unique('evt'), { customer: null, metadata }))
  t.equal((await ended({})).outcome, 'ignored: the subscription names no tenant of this server', 'no tenant id and no customer')
  t.equal(await planOf(db, tenantId), 'pro')
  t.equal((await ended({ tenant_id: tenantId })).outcome, 'subscription ended; plan cleared (credits already granted stay)', 'found by its metadata alone')
  t.equal(await planOf(db, tenantId), null)
  t.same(await readBalance(db, tenantId), { available: 16, reserved: 0 })
})

t.test('refunds take back only what is left: credits already spent stay spent', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const spend = (credits: number) => changeCredits(db, { tenantId, kind: 'adjustment', credits: -credits, reason: 'spent in the test', staffUserId: null, actor: { by: 'test' } }, NO_REQUEST)

  const partly = unique('pi')
  await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 10, paymentIntent: partly }))
  await spend(6)
  const partlyCharge = unique('ch')
  t.equal((await deliver(db, chargeRefunded(unique('evt'), { id: partlyCharge, paymentIntent: partly, amount: 1000, refunded: 1000 }))).outcome, 'reversed 4 credits', 'the 4 not yet spent')
  const row = await db.selectFrom('credit_entry').select(['amount', 'reason']).where('stripe_object', '=', partlyCharge).executeTakeFirstOrThrow()
  t.same([Number(row.amount), row.reason], [4, 'Stripe refund of 1000 of 1000 usd; 6 credits were already spent'])
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 0 })

  const wholly = unique('pi')
  await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 5, paymentIntent: wholly }))
  await spend(5)
  const whollyCharge = unique('ch')
  t.equal((await deliver(db, chargeRefunded(unique('evt'), { id: whollyCharge, paymentIntent: wholly, amount: 500, refunded: 500 }))).outcome, 'refund of 5 credits: all of them were already spent')
  t.equal(await db.selectFrom('credit_entry').select('id').where('stripe_object', '=', whollyCharge).executeTakeFirst(), undefined, 'no refund row of 0 credits')
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 0 })
})

t.test('ids given as expanded objects, a checkout without a customer, a one-off invoice, an invoice paid in parts; a refund with nothing left to take is done', async (t) => {
  const { database: { db } } = await services()
  const tenantId = await insertTenant(db)
  const intentOf = async (object: string) => (await db.selectFrom('credit_entry').select('payment_intent').where('stripe_object', '=', object).executeTakeFirstOrThrow()).payment_intent

  const anonymous = checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 2 }) as { data: { object: { customer: unknown } } }
  anonymous.data.object.customer = null
  t.equal((await deliver(db, anonymous)).outcome, 'granted 2 credits', 'a guest checkout')
  t.equal(await customerOf(db, tenantId), null)

  // Stripe sends an expanded field as the object itself; its id is what counts.
  const customer = unique('cus')
  const expandedIntent = unique('pi')
  const expanded = checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 3 }) as { data: { object: { id: string; customer: unknown; payment_intent: unknown } } }
  expanded.data.object.customer = { id: customer, object: 'customer' }
  expanded.data.object.payment_intent = { id: expandedIntent, object: 'payment_intent' }
  t.equal((await deliver(db, expanded)).outcome, 'granted 3 credits')
  t.equal(await customerOf(db, tenantId), customer)
  t.equal(await intentOf(expanded.data.object.id), expandedIntent)

  // An invoice that is not a subscription's: no metadata anywhere, found by its customer.
  const oneOff = invoicePaid(unique('evt'), { id: unique('in'), credits: 1, customer }) as { data: { object: Record<string, unknown> } }
  oneOff.data.object.parent = null
  t.equal((await deliver(db, oneOff)).outcome, 'ignored: the invoice\'s subscription carries no metadata.credits')
  const quoted = invoicePaid(unique('evt'), { id: unique('in'), credits: 1, customer }) as { data: { object: Record<string, unknown> } }
  quoted.data.object.parent = { type: 'quote_details', quote_details: { quote: unique('qt') }, subscription_details: null }
  t.equal((await deliver(db, quoted)).outcome, 'ignored: the invoice\'s subscription carries no metadata.credits', 'an invoice from a quote')

  // Paid in parts: the first payment by a charge, the second by a PaymentIntent.
  const inParts = invoicePaid(unique('evt'), { id: unique('in'), tenantId, credits: 5, customer }) as { data: { object: { id: string; payments: { data: unknown[] } } } }
  const partIntent = unique('pi')
  inParts.data.object.payments.data = [{ payment: { type: 'charge', charge: unique('ch') } }, { payment: { type: 'payment_intent', payment_intent: partIntent } }]
  t.equal((await deliver(db, inParts)).outcome, 'granted 5 credits')
  t.equal(await intentOf(inParts.data.object.id), partIntent, 'the PaymentIntent among the payments')

  const spent = unique('pi')
  await deliver(db, checkoutCompleted(unique('evt'), { id: unique('cs'), tenantId, credits: 4, paymentIntent: spent }))
  await changeCredits(db, { tenantId, kind: 'adjustment', credits: -14, reason: 'spent in the test', staffUserId: null, actor: { by: 'test' } }, NO_REQUEST)
  const refund = chargeRefunded(unique('evt'), { id: unique('ch'), paymentIntent: spent, amount: 400, refunded: 400 })
  t.equal((await deliver(db, refund)).outcome, 'refund of 4 credits: all of them were already spent')
  const stored = await db.selectFrom('stripe_event').select('processed_at').where('id', '=', (refund as { id: string }).id).executeTakeFirstOrThrow()
  t.type(stored.processed_at, Date, 'stored as processed')
  t.same(await deliver(db, refund), { received: true, duplicate: true, outcome: 'refund of 4 credits: all of them were already spent' }, 'a replay is answered from its row')
  t.same(await readBalance(db, tenantId), { available: 0, reserved: 0 })
})
