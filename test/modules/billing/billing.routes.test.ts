// /api/billing/* and /system/billing/* over HTTP, against a server standing in for
// Stripe's API and webhook events signed with the stripe package's own helper: who may
// read and who may buy, what Checkout is asked for, and what a verified, replayed,
// forged, stale, unknown or out-of-order event does to the ledger.
import t from 'tap'
import { sql } from 'kysely'
import { createAccount } from '../../../src/modules/identity/accounts.ts'
import type { App } from '../../../src/platform/http/app-instance.ts'
import type { Services } from '../../../src/runtime.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'
import { manualClock } from '../../helpers/clock.ts'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import {
  chargeRefunded, checkoutCompleted, invoicePaid, otherEvent, signed, startStripe, stripeEnv, subscriptionDeleted, type SignedEvent,
} from '../../helpers/stripe.ts'

const PASSWORD = 'a long and unusual passphrase 42'

function deliver (app: App, event: SignedEvent) {
  return app.inject({ method: 'POST', url: '/api/billing/webhook/', headers: event.headers, payload: event.payload })
}

async function counts (services: Services): Promise<{ events: number; entries: number; balances: number }> {
  const { rows } = await sql<{ events: number; entries: number; balances: number }>`
    SELECT (SELECT count(*)::int FROM stripe_event) AS events, (SELECT count(*)::int FROM credit_entry) AS entries,
           (SELECT count(*)::int FROM credit_balance) AS balances`.execute(services.database.db)
  return rows[0]!
}

async function balanceOf (app: App, headers: Record<string, string>): Promise<{ available: number; reserved: number }> {
  const res = await app.inject({ method: 'GET', url: '/api/billing/', headers })
  const body = res.json<{ available: number; reserved: number }>()
  return { available: body.available, reserved: body.reserved }
}

async function staffHeaders (app: App, services: Services): Promise<Record<string, string>> {
  await services.database.db.transaction().execute((trx) => createAccount(trx, { email: 'staff@example.test', password: PASSWORD, isStaff: true }))
  const login = await app.inject({ method: 'POST', url: '/api/auth/login/', payload: { email: 'staff@example.test', password: PASSWORD } })
  return { authorization: `Bearer ${login.json().access as string}`, ...serviceHeader(services) }
}

t.test('every role reads the balance; only owners start a checkout, asked of Stripe as configured', async (t) => {
  const stripe = await startStripe(t)
  const services = await startTestServices(t, { env: stripeEnv(stripe) })
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const inTenant = { 'x-tenant-id': owner.tenantId }
  const admin = await signUp(app, services, { tenantId: owner.tenantId, role: 'admin' })
  const member = await signUp(app, services, { tenantId: owner.tenantId, role: 'member' })
  const viewer = await signUp(app, services, { tenantId: owner.tenantId, role: 'read_only' })

  const seen = await app.inject({ method: 'GET', url: '/api/billing/', headers: { ...viewer.headers, ...inTenant } })
  t.equal(seen.statusCode, 200, seen.body)
  t.same(seen.json(), {
    enabled: true,
    payments: true,
    publishable_key: 'pk_test_afterresume',
    available: 0,
    reserved: 0,
    plan: null,
    has_billing_account: false,
    packs: [{ id: 'starter', credits: 500 }, { id: 'large', credits: 5000 }],
    plans: [{ id: 'team', credits: 2000 }],
    recent: [],
  }, 'a read_only member sees the balance and what is on sale')

  for (const [who, user] of [['admin', admin], ['member', member], ['read_only', viewer]] as const) {
    const refused = await app.inject({ method: 'POST', url: '/api/billing/checkout/', headers: { ...user.headers, ...inTenant }, payload: { pack: 'starter' } })
    t.equal(refused.statusCode, 403, `${who} may not buy`)
    t.equal(refused.json().code, 'forbidden')
    const portal = await app.inject({ method: 'POST', url: '/api/billing/portal/', headers: { ...user.headers, ...inTenant } })
    t.equal(portal.statusCode, 403, `${who} may not open the billing portal`)
  }
  t.equal(stripe.seen.length, 0, 'no refused request reached Stripe')
  const denied = await sql<{ role: string }>`SELECT detail->>'role' AS role FROM auth_event WHERE kind = 'permission_denied' AND detail->>'action' = 'billing:buy' ORDER BY id`.execute(services.database.db)
  t.same(denied.rows.map((r) => r.role), ['admin', 'admin', 'member', 'member', 'read_only', 'read_only'], 'each refusal is audited')

  const pack = await app.inject({ method: 'POST', url: '/api/billing/checkout/', headers: owner.headers, payload: { pack: 'starter' } })
  t.equal(pack.statusCode, 201, pack.body)
  t.same(pack.json(), { id: 'cs_test_1', url: 'https://checkout.stripe.test/c/pay/cs_test_1', mode: 'payment', credits: 500 })
  t.equal(stripe.seen[0]?.path, '/v1/checkout/sessions')
  t.equal(stripe.seen[0]?.headers.authorization, 'Bearer sk_test_afterresume', 'the secret key authenticates the call')
  t.same(stripe.seen[0]?.form, {
    mode: 'payment',
    client_reference_id: owner.tenantId,
    'line_items[0][price]': 'price_starter',
    'line_items[0][quantity]': '1',
    'metadata[tenant_id]': owner.tenantId,
    'metadata[credits]': '500',
    'metadata[pack]': 'starter',
    success_url: 'https://app.example.test/billing?checkout=success',
    cancel_url: 'https://app.example.test/billing?checkout=cancelled',
    customer_creation: 'always',
    'payment_intent_data[metadata][tenant_id]': owner.tenantId,
    'payment_intent_data[metadata][credits]': '500',
    'payment_intent_data[metadata][pack]': 'starter',
  }, 'the session carries the tenant as client_reference_id and the credits as metadata')

  const plan = await app.inject({ method: 'POST', url: '/api/billing/checkout/', headers: owner.headers, payload: { plan: 'team' } })
  t.equal(plan.statusCode, 201)
  t.same(plan.json(), { id: 'cs_test_2', url: 'https://checkout.stripe.test/c/pay/cs_test_2', mode: 'subscription', credits: 2000 })
  t.same(stripe.seen[1]?.form, {
    mode: 'subscription',
    client_reference_id: owner.tenantId,
    'line_items[0][price]': 'price_team_monthly',
    'line_items[0][quantity]': '1',
    'metadata[tenant_id]': owner.tenantId,
    'metadata[credits]': '2000',
    'metadata[plan]': 'team',
    success_url: 'https://app.example.test/billing?checkout=success',
    cancel_url: 'https://app.example.test/billing?checkout=cancelled',
    'subscription_data[metadata][tenant_id]': owner.tenantId,
    'subscription_data[metadata][credits]': '2000',
    'subscription_data[metadata][plan]': 'team',
  }, 'a plan\'s invoices will carry the tenant and credits as subscription metadata')

  for (const [body, field] of [[{ pack: 'huge' }, 'pack'], [{ plan: 'starter' }, 'plan'], [{}, 'pack'], [{ pack: 'starter', plan: 'team' }, 'plan'], [{ pack: 'Starter!' }, 'body.pack']] as const) {
    const bad = await app.inject({ method: 'POST', url: '/api/billing/checkout/', headers: owner.headers, payload: body })
    t.equal(bad.statusCode, 400, JSON.stringify(body))
    t.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(bad.json().field, field, `${JSON.stringify(body)} names ${field}`)
  }
  t.equal(stripe.seen.length, 2, 'invalid requests never reached Stripe')

  stripe.failNext(1)
  const failed = await app.inject({ method: 'POST', url: '/api/billing/checkout/', headers: owner.headers, payload: { pack: 'large' } })
  t.equal(failed.statusCode, 502)
  t.same({ code: failed.json().code, detail: failed.json().detail }, { code: 'payment_provider_error', detail: 'Stripe could not start the checkout. Try again in a moment.' }, 'Stripe\'s own message is not passed on')

  const portal = await app.inject({ method: 'POST', url: '/api/billing/portal/', headers: owner.headers })
  t.equal(portal.statusCode, 409, 'no customer yet: nothing to manage')
  t.equal(portal.json().code, 'no_billing_account')

  const audited = await sql<{ offer: string; session: string }>`SELECT detail->>'offer' AS offer, detail->>'session' AS session FROM auth_event WHERE kind = 'billing_checkout_started' AND user_id = ${owner.id} ORDER BY id`.execute(services.database.db)
  t.same(audited.rows, [{ offer: 'starter', session: 'cs_test_1' }, { offer: 'team', session: 'cs_test_2' }], 'each checkout started is audited')
})

t.test('a signed checkout.session.completed grants its credits once; replayed, forged and stale events change nothing', async (t) => {
  const stripe = await startStripe(t)
  const services = await startTestServices(t, { env: stripeEnv(stripe) })
  const clock = manualClock(new Date())
  const app = await buildTestApp(t, services, services, { clock })
  const owner = await signUp(app, services, { clock })
  const other = await signUp(app, services, { clock })
  const now = Math.floor(clock.now().getTime() / 1000)
  const paid = checkoutCompleted('evt_paid_1', { id: 'cs_paid_1', tenantId: owner.tenantId, credits: 500, customer: 'cus_owner', paymentIntent: 'pi_paid_1' })

  const forged = await deliver(app, signed(paid, { secret: 'whsec_someone_else', timestamp: now }))
  t.equal(forged.statusCode, 400)
  t.equal(forged.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(forged.json(), { code: 'invalid_signature', field: 'headers.stripe-signature' })
  const unsigned = await app.inject({ method: 'POST', url: '/api/billing/webhook/', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(paid) })
  t.match(unsigned.json(), { status: 400, code: 'invalid_signature', detail: 'The Stripe-Signature header is missing.' })
  const stale = await deliver(app, signed(paid, { timestamp: now - 301 }))
  t.equal(stale.statusCode, 400, 'signed 301 s ago: outside the 300 s tolerance')
  const tampered = signed(paid, { timestamp: now })
  const changed = await deliver(app, { ...tampered, payload: tampered.payload.replace('"credits":"500"', '"credits":"50000"') })
  t.equal(changed.statusCode, 400, 'a body changed after signing')
  t.same(await counts(services), { events: 0, entries: 0, balances: 0 }, 'nothing written for any of them')

  const granted = await deliver(app, signed(paid, { timestamp: now - 299 }))
  t.equal(granted.statusCode, 200, granted.body)
  t.same(granted.json(), { received: true, duplicate: false, outcome: 'granted 500 credits' })
  t.same(await balanceOf(app, owner.headers), { available: 500, reserved: 0 })
  const summary = await app.inject({ method: 'GET', url: '/api/billing/', headers: owner.headers })
  t.match(summary.json(), { has_billing_account: true, recent: [{ kind: 'purchase', amount: 500, available_delta: 500, reserved_delta: 0, reason: 'Stripe Checkout: starter', stripe_object: 'cs_paid_1', job_id: null }] })
  t.same(await balanceOf(app, other.headers), { available: 0, reserved: 0 }, 'another tenant\'s balance is untouched and unseen')

  const replay = await deliver(app, signed(paid, { timestamp: now }))
  t.same(replay.json(), { received: true, duplicate: true, outcome: 'granted 500 credits' }, 'the same event again: acknowledged, nothing done')
  const again = await deliver(app, signed(checkoutCompleted('evt_paid_2', { id: 'cs_paid_1', tenantId: owner.tenantId, credits: 500, customer: 'cus_owner', paymentIntent: 'pi_paid_1', type: 'checkout.session.async_payment_succeeded' }), { timestamp: now }))
  t.same(again.json(), { received: true, duplicate: false, outcome: 'already granted (purchase:cs_paid_1)' }, 'the same session reported by another event grants nothing')
  t.same(await balanceOf(app, owner.headers), { available: 500, reserved: 0 })

  const unpaid = await deliver(app, signed(checkoutCompleted('evt_unpaid', { id: 'cs_bank_1', tenantId: owner.tenantId, credits: 5000, paymentStatus: 'unpaid' }), { timestamp: now }))
  t.same(unpaid.json().outcome, 'payment not received yet; checkout.session.async_payment_succeeded grants the credits')
  const stranger = await deliver(app, signed(checkoutCompleted('evt_stranger', { id: 'cs_x', tenantId: '00000000-0000-4000-8000-000000000000', credits: 500 }), { timestamp: now }))
  t.same(stranger.json().outcome, 'ignored: client_reference_id names no tenant of this server')
  const unknown = await deliver(app, signed(otherEvent('evt_customer', 'customer.created'), { timestamp: now }))
  t.same(unknown.json(), { received: true, duplicate: false, outcome: 'ignored: AfterResume does not act on customer.created' }, 'an unknown type is acknowledged')
  const stored = await services.database.db.selectFrom('stripe_event').select(['id', 'type', 'tenant_id', 'outcome']).select((eb) => eb('processed_at', 'is not', null).as('processed')).orderBy('received_at').orderBy('id').execute()
  t.same(stored, [
    { id: 'evt_paid_1', type: 'checkout.session.completed', tenant_id: owner.tenantId, outcome: 'granted 500 credits', processed: true },
    { id: 'evt_paid_2', type: 'checkout.session.async_payment_succeeded', tenant_id: owner.tenantId, outcome: 'already granted (purchase:cs_paid_1)', processed: true },
    { id: 'evt_unpaid', type: 'checkout.session.completed', tenant_id: owner.tenantId, outcome: 'payment not received yet; checkout.session.async_payment_succeeded grants the credits', processed: true },
    { id: 'evt_stranger', type: 'checkout.session.completed', tenant_id: null, outcome: 'ignored: client_reference_id names no tenant of this server', processed: true },
    { id: 'evt_customer', type: 'customer.created', tenant_id: null, outcome: 'ignored: AfterResume does not act on customer.created', processed: true },
  ], 'every verified event is stored once, with what it did')
  const { rows } = await sql<{ payload: unknown }>`SELECT payload FROM stripe_event WHERE id = 'evt_paid_1'`.execute(services.database.db)
  t.same(rows[0]?.payload, paid, 'the event is kept as Stripe sent it')

  const portal = await app.inject({ method: 'POST', url: '/api/billing/portal/', headers: owner.headers })
  t.equal(portal.statusCode, 201, portal.body)
  t.same(portal.json(), { url: 'https://billing.stripe.test/p/session/cus_owner' })
  t.same(stripe.seen.at(-1)?.form, { customer: 'cus_owner', return_url: 'https://app.example.test/billing' }, 'the portal opens for the customer the checkout brought')

  const page = await app.inject({ method: 'GET', url: '/api/billing/ledger/?page_size=1&kind=purchase', headers: owner.headers })
  t.equal(page.statusCode, 200)
  t.match(page.json(), { count: 1, next: null, previous: null, results: [{ kind: 'purchase', amount: 500 }] })
  const badKind = await app.inject({ method: 'GET', url: '/api/billing/ledger/?kind=gift', headers: owner.headers })
  t.equal(badKind.json().field, 'query.kind')
})

t.test('refunds take purchased credits back once, also when the refund arrives before the purchase', async (t) => {
  const stripe = await startStripe(t)
  const services = await startTestServices(t, { env: stripeEnv(stripe) })
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)

  const early = await deliver(app, signed(chargeRefunded('evt_refund_half', { id: 'ch_1', paymentIntent: 'pi_1', amount: 2000, refunded: 1000 })))
  t.same(early.json(), { received: true, duplicate: false, outcome: 'waiting: no purchase paid by pi_1 has arrived yet' })
  const waiting = await services.database.db.selectFrom('stripe_event').select(['processed_at']).where('id', '=', 'evt_refund_half').executeTakeFirstOrThrow()
  t.equal(waiting.processed_at, null, 'kept unprocessed')
  const waitingAgain = await deliver(app, signed(chargeRefunded('evt_refund_half', { id: 'ch_1', paymentIntent: 'pi_1', amount: 2000, refunded: 1000 })))
  t.same(waitingAgain.json(), { received: true, duplicate: true, outcome: 'waiting: no purchase paid by pi_1 has arrived yet' }, 'Stripe\'s retry of it still waits')

  const bought = await deliver(app, signed(checkoutCompleted('evt_bought', { id: 'cs_1', tenantId: owner.tenantId, credits: 500, paymentIntent: 'pi_1' })))
  t.same(bought.json().outcome, 'granted 500 credits')
  t.same(await balanceOf(app, owner.headers), { available: 250, reserved: 0 }, 'the waiting half refund was applied with the purchase')
  const applied = await services.database.db.selectFrom('stripe_event').select(['tenant_id', 'outcome']).select((eb) => eb('processed_at', 'is not', null).as('processed')).where('id', '=', 'evt_refund_half').executeTakeFirstOrThrow()
  t.same(applied, { tenant_id: owner.tenantId, outcome: 'reversed 250 credits', processed: true })

  const full = await deliver(app, signed(chargeRefunded('evt_refund_full', { id: 'ch_1', paymentIntent: 'pi_1', amount: 2000, refunded: 2000 })))
  t.same(full.json().outcome, 'reversed 250 credits', 'the full refund takes only the other half')
  const sameAgain = await deliver(app, signed(chargeRefunded('evt_refund_full_copy', { id: 'ch_1', paymentIntent: 'pi_1', amount: 2000, refunded: 2000 })))
  t.same(sameAgain.json().outcome, 'nothing more to reverse (500 credits already reversed)')
  const late = await deliver(app, signed(chargeRefunded('evt_refund_half_late', { id: 'ch_1', paymentIntent: 'pi_1', amount: 2000, refunded: 1000 })))
  t.same(late.json().outcome, 'nothing more to reverse (500 credits already reversed)', 'an older refund state arriving late changes nothing')
  t.same(await balanceOf(app, owner.headers), { available: 0, reserved: 0 })

  // Credits already spent stay spent: the refund takes what is left.
  await deliver(app, signed(checkoutCompleted('evt_bought_2', { id: 'cs_2', tenantId: owner.tenantId, credits: 500, paymentIntent: 'pi_2' })))
  const staff = await staffHeaders(app, services)
  const taken = await app.inject({ method: 'POST', url: '/system/billing/adjustments/', headers: staff, payload: { tenant_id: owner.tenantId, credits: -400, reason: 'Spent on a pilot' } })
  t.equal(taken.statusCode, 201, taken.body)
  const partly = await deliver(app, signed(chargeRefunded('evt_refund_2', { id: 'ch_2', paymentIntent: 'pi_2', amount: 2000, refunded: 2000 })))
  t.same(partly.json().outcome, 'reversed 100 credits')
  const refunds = await services.database.db.selectFrom('credit_entry').select(['amount', 'reason', 'idempotency_key']).where('kind', '=', 'refund').orderBy('id').execute()
  t.same(refunds, [
    { amount: 250, reason: 'Stripe refund of 1000 of 2000 usd', idempotency_key: 'refund:ch_1:1000' },
    { amount: 250, reason: 'Stripe refund of 2000 of 2000 usd', idempotency_key: 'refund:ch_1:2000' },
    { amount: 100, reason: 'Stripe refund of 2000 of 2000 usd; 400 credits were already spent', idempotency_key: 'refund:ch_2:2000' },
  ])
  t.same(await balanceOf(app, owner.headers), { available: 0, reserved: 0 })
})

t.test('a plan: each paid invoice grants its credits once; the subscription ending clears the plan', async (t) => {
  const stripe = await startStripe(t)
  const services = await startTestServices(t, { env: stripeEnv(stripe) })
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)

  const started = await deliver(app, signed(checkoutCompleted('evt_sub', { id: 'cs_sub', tenantId: owner.tenantId, credits: 2000, mode: 'subscription', plan: 'team', customer: 'cus_team' })))
  t.same(started.json().outcome, 'subscription started (plan team); each paid invoice grants its credits')
  t.match((await app.inject({ method: 'GET', url: '/api/billing/', headers: owner.headers })).json(), { plan: 'team', available: 0, has_billing_account: true }, 'no credits from the session itself')

  const first = await deliver(app, signed(invoicePaid('evt_inv_1', { id: 'in_1', tenantId: owner.tenantId, credits: 2000, customer: 'cus_team', plan: 'team' })))
  t.same(first.json().outcome, 'granted 2000 credits')
  const repeated = await deliver(app, signed(invoicePaid('evt_inv_1_again', { id: 'in_1', tenantId: owner.tenantId, credits: 2000, customer: 'cus_team', plan: 'team' })))
  t.same(repeated.json().outcome, 'already granted (purchase:in_1)')
  const byCustomer = await deliver(app, signed(invoicePaid('evt_inv_2', { id: 'in_2', credits: 2000, customer: 'cus_team' })))
  t.same(byCustomer.json().outcome, 'granted 2000 credits', 'an invoice without the tenant in its metadata finds it by customer')
  const noCredits = await deliver(app, signed(invoicePaid('evt_inv_3', { id: 'in_3', tenantId: owner.tenantId, credits: 0, customer: 'cus_team' })))
  t.same(noCredits.json().outcome, 'ignored: the invoice\'s subscription carries no metadata.credits')
  // An endpoint pinned to an older API version sends the metadata and PaymentIntent where they used to be.
  const older = await deliver(app, signed({
    id: 'evt_inv_old',
    object: 'event',
    created: 1_796_000_050,
    livemode: false,
    type: 'invoice.paid',
    data: { object: { id: 'in_old', object: 'invoice', customer: 'cus_team', payment_intent: 'pi_old', subscription_details: { metadata: { tenant_id: owner.tenantId, credits: '2000' } } } },
  }))
  t.same(older.json().outcome, 'granted 2000 credits')
  t.same(await balanceOf(app, owner.headers), { available: 6000, reserved: 0 })
  const purchase = await services.database.db.selectFrom('credit_entry').select(['stripe_object', 'payment_intent', 'stripe_event_id']).where('kind', '=', 'purchase').orderBy('id').execute()
  t.same(purchase, [
    { stripe_object: 'in_1', payment_intent: 'pi_for_in_1', stripe_event_id: 'evt_inv_1' },
    { stripe_object: 'in_2', payment_intent: 'pi_for_in_2', stripe_event_id: 'evt_inv_2' },
    { stripe_object: 'in_old', payment_intent: 'pi_old', stripe_event_id: 'evt_inv_old' },
  ])

  const ended = await deliver(app, signed(subscriptionDeleted('evt_sub_deleted', { customer: 'cus_team', metadata: { tenant_id: owner.tenantId } })))
  t.same(ended.json().outcome, 'subscription ended; plan cleared (credits already granted stay)')
  t.match((await app.inject({ method: 'GET', url: '/api/billing/', headers: owner.headers })).json(), { plan: null, available: 6000 })
})

t.test('staff grant and adjust credits under /system/billing/, audited; nothing below zero', async (t) => {
  const services = await startTestServices(t, { env: { BILLING_ENABLED: 'true' } })
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  const staff = await staffHeaders(app, services)

  const refused = await app.inject({ method: 'POST', url: '/system/billing/grants/', headers: owner.headers, payload: { tenant_id: owner.tenantId, credits: 100, reason: 'Myself' } })
  t.equal(refused.statusCode, 403, 'a tenant owner is not staff')

  const grant = await app.inject({ method: 'POST', url: '/system/billing/grants/', headers: { ...staff, 'idempotency-key': 'pilot-1' }, payload: { tenant_id: owner.tenantId, credits: 300, reason: 'Pilot customer' } })
  t.equal(grant.statusCode, 201, grant.body)
  t.match(grant.json(), { created: true, entry: { kind: 'grant', amount: 300, available_delta: 300, reason: 'Pilot customer' }, available: 300, reserved: 0 })
  const repeat = await app.inject({ method: 'POST', url: '/system/billing/grants/', headers: { ...staff, 'idempotency-key': 'pilot-1' }, payload: { tenant_id: owner.tenantId, credits: 300, reason: 'Pilot customer' } })
  t.match(repeat.json(), { created: false, entry: { id: grant.json().entry.id }, available: 300 }, 'the same Idempotency-Key grants nothing more')

  const minus = await app.inject({ method: 'POST', url: '/system/billing/adjustments/', headers: staff, payload: { tenant_id: owner.tenantId, credits: -120, reason: 'Duplicate grant' } })
  t.equal(minus.statusCode, 201)
  t.match(minus.json(), { created: true, entry: { kind: 'adjustment', amount: -120, available_delta: -120 }, available: 180 })
  const overdraw = await app.inject({ method: 'POST', url: '/system/billing/adjustments/', headers: staff, payload: { tenant_id: owner.tenantId, credits: -181, reason: 'Too much' } })
  t.equal(overdraw.statusCode, 409)
  t.match(overdraw.json(), { code: 'insufficient_credits', field: 'credits', detail: 'Taking 181 credits would leave the balance negative: 180 are available (credits held for running jobs cannot be taken).' })
  const zero = await app.inject({ method: 'POST', url: '/system/billing/adjustments/', headers: staff, payload: { tenant_id: owner.tenantId, credits: 0, reason: 'Nothing' } })
  t.same([zero.statusCode, zero.json().field], [400, 'credits'])
  const negativeGrant = await app.inject({ method: 'POST', url: '/system/billing/grants/', headers: staff, payload: { tenant_id: owner.tenantId, credits: -5, reason: 'x' } })
  t.same([negativeGrant.statusCode, negativeGrant.json().field], [400, 'body.credits'])
  const nobody = await app.inject({ method: 'POST', url: '/system/billing/grants/', headers: staff, payload: { tenant_id: '00000000-0000-4000-8000-000000000000', credits: 5, reason: 'x' } })
  t.same([nobody.statusCode, nobody.json().field], [404, 'tenant_id'])

  const audit = await sql<{ kind: string; credits: number; reason: string; by: string; staff: boolean }>`
    SELECT kind, (detail->>'credits')::int AS credits, detail->>'reason' AS reason, detail->>'by' AS by, (detail->>'actor_is_staff')::boolean AS staff
    FROM auth_event WHERE kind LIKE 'billing_credits_%' AND tenant_id = ${owner.tenantId} ORDER BY id`.execute(services.database.db)
  t.same(audit.rows, [
    { kind: 'billing_credits_granted', credits: 300, reason: 'Pilot customer', by: 'api', staff: true },
    { kind: 'billing_credits_adjusted', credits: -120, reason: 'Duplicate grant', by: 'api', staff: true },
  ], 'each change is audited once, naming the staff member as the user')
  const ledger = await app.inject({ method: 'GET', url: '/api/billing/ledger/', headers: owner.headers })
  t.same(ledger.json().results.map((e: { kind: string; amount: number }) => [e.kind, e.amount]), [['adjustment', -120], ['grant', 300]], 'the tenant sees both in its ledger, newest first')
})

t.test('billing off: the balance says so, nothing is sold, and webhooks are refused without a trace', async (t) => {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const owner = await signUp(app, services)
  t.match((await app.inject({ method: 'GET', url: '/api/billing/', headers: owner.headers })).json(), { enabled: false, payments: false, publishable_key: null, packs: [], plans: [] })
  const checkout = await app.inject({ method: 'POST', url: '/api/billing/checkout/', headers: owner.headers, payload: { pack: 'starter' } })
  t.same([checkout.statusCode, checkout.json().code], [403, 'billing_disabled'])
  const hook = await deliver(app, signed(checkoutCompleted('evt_off', { id: 'cs_off', tenantId: owner.tenantId, credits: 500 })))
  t.same([hook.statusCode, hook.json().code], [503, 'payments_not_configured'])
  t.same(await counts(services), { events: 0, entries: 0, balances: 0 })

  const grantsOnly = await startTestServices(t, { env: { BILLING_ENABLED: 'true' } })
  const grantsApp = await buildTestApp(t, grantsOnly)
  const someone = await signUp(grantsApp, grantsOnly)
  const noStripe = await grantsApp.inject({ method: 'POST', url: '/api/billing/checkout/', headers: someone.headers, payload: { pack: 'starter' } })
  t.same([noStripe.statusCode, noStripe.json().code], [503, 'payments_not_configured'], 'billing on without Stripe: credits come from staff only')
})
