// What a verified Stripe event does (docs/billing.md "Webhook"). Each event is recorded
// once by its id, in the same transaction as its effect: a replay finds its row and does
// nothing. Effects are keyed too (purchase:<checkout session or invoice>,
// refund:<charge>:<amount refunded>), so the same purchase reported by two events, or
// events arriving out of order, never move credits twice.
//
// Only these fields of a verified event are trusted: client_reference_id (the tenant) and
// metadata.credits (what was bought) of a Checkout Session, the same two as
// metadata.tenant_id and metadata.credits on a subscription's invoices (copied there at
// checkout), and the PaymentIntent a refunded charge belongs to.
import type Stripe from 'stripe'
import type { Db, Executor } from '../../platform/db/database.ts'
import {
  finishStripeEvent, insertEntry, keepCustomer, lockBalance, purchaseOf, recordStripeEvent, refundedFor, setPlan, tenantOfCustomer, waitingRefunds,
} from './billing.repository.ts'

interface Applied {
  tenantId: string | null
  outcome: string
  /** False: kept to be applied later (a refund whose purchase has not arrived yet). */
  processed: boolean
}

export interface WebhookAnswer { received: true; duplicate: boolean; outcome: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PLAN = /^[a-z0-9][a-z0-9_-]{0,63}$/

/** `payload` is the body as Stripe signed it; it is stored as the event's record. */
export async function receiveStripeEvent (db: Db, event: Stripe.Event, payload: string): Promise<WebhookAnswer> {
  return db.transaction().execute(async (trx) => {
    const row = await recordStripeEvent(trx, { id: event.id, type: event.type, livemode: event.livemode, created: new Date(event.created * 1000), payload })
    if (!row.fresh && row.processedAt !== null) return { received: true, duplicate: true, outcome: row.outcome }
    const applied = await apply(trx, event)
    await finishStripeEvent(trx, event.id, applied)
    return { received: true, duplicate: !row.fresh, outcome: applied.outcome }
  })
}

async function apply (trx: Executor, event: Stripe.Event): Promise<Applied> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return checkoutPaid(trx, event.id, event.data.object)
    case 'invoice.paid':
      return invoicePaid(trx, event.id, event.data.object)
    case 'charge.refunded':
      return chargeRefunded(trx, event.id, event.data.object)
    case 'customer.subscription.deleted':
      return subscriptionEnded(trx, event.data.object)
    default:
      return ignored(null, `AfterResume does not act on ${event.type}`)
  }
}

function ignored (tenantId: string | null, why: string): Applied {
  return { tenantId, outcome: `ignored: ${why}`, processed: true }
}

function idOf (value: string | { id: string } | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined
  return typeof value === 'string' ? value : value.id
}

/** metadata.credits: a whole number of credits, as the checkout wrote it. */
function creditsOf (value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return undefined
  const credits = Number(value)
  return credits > 0 ? credits : undefined
}

function planOf (value: string | undefined): string | undefined {
  return value !== undefined && PLAN.test(value) ? value : undefined
}

async function knownTenant (trx: Executor, reference: string | null | undefined): Promise<string | undefined> {
  if (reference === null || reference === undefined || !UUID.test(reference)) return undefined
  return (await trx.selectFrom('tenant').select('id').where('id', '=', reference).executeTakeFirst())?.id
}

async function grantPurchase (trx: Executor, purchase: { tenantId: string; credits: number; key: string; reason: string; object: string; eventId: string; paymentIntent: string | undefined }): Promise<Applied> {
  const entry = await insertEntry(trx, {
    tenant_id: purchase.tenantId,
    kind: 'purchase',
    amount: purchase.credits,
    idempotency_key: purchase.key,
    reason: purchase.reason,
    stripe_object: purchase.object,
    stripe_event_id: purchase.eventId,
    payment_intent: purchase.paymentIntent ?? null,
  })
  // A refund that arrived first was kept waiting for exactly this purchase.
  if (entry !== undefined && purchase.paymentIntent !== undefined) await applyWaitingRefunds(trx, purchase.paymentIntent)
  return { tenantId: purchase.tenantId, outcome: entry === undefined ? `already granted (${purchase.key})` : `granted ${purchase.credits} credits`, processed: true }
}

async function checkoutPaid (trx: Executor, eventId: string, session: Stripe.Checkout.Session): Promise<Applied> {
  const tenantId = await knownTenant(trx, session.client_reference_id)
  if (tenantId === undefined) return ignored(null, 'client_reference_id names no tenant of this server')
  const customer = idOf(session.customer)
  if (customer !== undefined) await keepCustomer(trx, tenantId, customer)
  if (session.mode === 'subscription') {
    const plan = planOf(session.metadata?.plan)
    if (plan !== undefined) await setPlan(trx, tenantId, plan)
    return { tenantId, outcome: `subscription started${plan === undefined ? '' : ` (plan ${plan})`}; each paid invoice grants its credits`, processed: true }
  }
  // Delayed payment methods complete the session unpaid; their success is its own event.
  if (session.payment_status === 'unpaid') return { tenantId, outcome: 'payment not received yet; checkout.session.async_payment_succeeded grants the credits', processed: true }
  const credits = creditsOf(session.metadata?.credits)
  if (credits === undefined) return ignored(tenantId, 'the session carries no metadata.credits')
  return grantPurchase(trx, {
    tenantId,
    credits,
    key: `purchase:${session.id}`,
    reason: `Stripe Checkout: ${session.metadata?.pack ?? 'credits'}`,
    object: session.id,
    eventId,
    paymentIntent: idOf(session.payment_intent),
  })
}

/**
 * Fields an invoice carried before Stripe moved them (under `parent`, into `payments`):
 * a webhook endpoint pinned to an older API version still sends them there.
 */
interface OlderInvoiceFields {
  subscription_details?: { metadata?: Record<string, string> | null } | null
  payment_intent?: string | { id: string } | null
}

async function invoicePaid (trx: Executor, eventId: string, invoice: Stripe.Invoice): Promise<Applied> {
  const older = invoice as Stripe.Invoice & OlderInvoiceFields
  const metadata = invoice.parent?.subscription_details?.metadata ?? older.subscription_details?.metadata ?? {}
  const customer = idOf(invoice.customer)
  const tenantId = await knownTenant(trx, metadata.tenant_id) ?? (customer === undefined ? undefined : await tenantOfCustomer(trx, customer))
  if (tenantId === undefined) return ignored(null, 'neither the subscription\'s metadata.tenant_id nor the customer names a tenant of this server')
  if (customer !== undefined) await keepCustomer(trx, tenantId, customer)
  const plan = planOf(metadata.plan)
  if (plan !== undefined) await setPlan(trx, tenantId, plan)
  const credits = creditsOf(metadata.credits)
  if (credits === undefined) return ignored(tenantId, 'the invoice\'s subscription carries no metadata.credits')
  const paymentIntent = (invoice.payments?.data ?? []).map((p) => idOf(p.payment.payment_intent)).find((id) => id !== undefined) ?? idOf(older.payment_intent)
  return grantPurchase(trx, {
    tenantId,
    credits,
    key: `purchase:${invoice.id}`,
    reason: `Stripe invoice${plan === undefined ? '' : ` for plan ${plan}`}`,
    object: invoice.id,
    eventId,
    paymentIntent,
  })
}

async function chargeRefunded (trx: Executor, eventId: string, charge: Stripe.Charge): Promise<Applied> {
  const paymentIntent = idOf(charge.payment_intent)
  if (paymentIntent === undefined) return ignored(null, 'the charge has no PaymentIntent, so no purchase of credits to reverse')
  const purchase = await purchaseOf(trx, paymentIntent)
  if (purchase === undefined) return { tenantId: null, outcome: `waiting: no purchase paid by ${paymentIntent} has arrived yet`, processed: false }
  return reverse(trx, eventId, charge, paymentIntent, purchase)
}

/**
 * Take back the share of the purchase the charge's refunds cover (amount_refunded is
 * cumulative, so a later, larger refund takes only the difference), as far as the
 * available balance goes: credits already spent stay spent.
 */
async function reverse (trx: Executor, eventId: string, charge: Stripe.Charge, paymentIntent: string, purchase: { tenant_id: string; amount: number }): Promise<Applied> {
  const tenantId = purchase.tenant_id
  const covered = charge.amount > 0 ? Math.floor(purchase.amount * Math.min(charge.amount_refunded, charge.amount) / charge.amount) : purchase.amount
  const already = await refundedFor(trx, tenantId, paymentIntent)
  const wanted = covered - already
  if (wanted <= 0) return { tenantId, outcome: `nothing more to reverse (${already} credits already reversed)`, processed: true }
  const { available } = await lockBalance(trx, tenantId)
  const taken = Math.min(wanted, available)
  if (taken === 0) return { tenantId, outcome: `refund of ${wanted} credits: all of them were already spent`, processed: true }
  const spent = wanted - taken
  await insertEntry(trx, {
    tenant_id: tenantId,
    kind: 'refund',
    amount: taken,
    idempotency_key: `refund:${charge.id}:${charge.amount_refunded}`,
    reason: `Stripe refund of ${charge.amount_refunded} of ${charge.amount} ${charge.currency}${spent > 0 ? `; ${spent} credits were already spent` : ''}`,
    stripe_object: charge.id,
    stripe_event_id: eventId,
    payment_intent: paymentIntent,
  })
  return { tenantId, outcome: `reversed ${taken} credits`, processed: true }
}

async function applyWaitingRefunds (trx: Executor, paymentIntent: string): Promise<void> {
  for (const waiting of await waitingRefunds(trx, paymentIntent)) {
    const charge = (waiting.payload as unknown as { data: { object: Stripe.Charge } }).data.object
    const purchase = await purchaseOf(trx, paymentIntent)
    if (purchase === undefined) return
    await finishStripeEvent(trx, waiting.id, await reverse(trx, waiting.id, charge, paymentIntent, purchase))
  }
}

async function subscriptionEnded (trx: Executor, subscription: Stripe.Subscription): Promise<Applied> {
  const customer = idOf(subscription.customer)
  const tenantId = await knownTenant(trx, subscription.metadata.tenant_id) ?? (customer === undefined ? undefined : await tenantOfCustomer(trx, customer))
  if (tenantId === undefined) return ignored(null, 'the subscription names no tenant of this server')
  await setPlan(trx, tenantId, null)
  return { tenantId, outcome: 'subscription ended; plan cleared (credits already granted stay)', processed: true }
}
