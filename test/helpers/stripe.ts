// Stripe for tests: an HTTP server on 127.0.0.1 standing in for Stripe's API (the client is
// pointed at it with STRIPE_API_BASE: host, port and protocol), and webhook events signed
// with the stripe package's own test-header helper. No network.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'

export interface StripeRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The form-encoded body, one entry per key as the client wrote it (`line_items[0][price]`). */
  form: Record<string, string>
}

export interface StripeStandIn {
  apiBase: string
  seen: StripeRequest[]
  /** Answer the next requests with this Stripe error instead (400 invalid_request_error). */
  failNext(count: number): void
}

interface Teardown { teardown(fn: () => unknown): void }

export const WEBHOOK_SECRET = 'whsec_test_afterresume'

/** The settings a test app needs to take payments through the stand-in. */
export function stripeEnv (standIn: StripeStandIn, extra: Record<string, string> = {}): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: 'sk_test_afterresume',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_afterresume',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: standIn.apiBase,
    BILLING_RETURN_URL: 'https://app.example.test/billing',
    BILLING_PACKS: 'starter:500:price_starter,large:5000:price_large',
    BILLING_PLANS: 'team:2000:price_team_monthly',
    ...extra,
  }
}

export async function startStripe (t: Teardown): Promise<StripeStandIn> {
  const seen: StripeRequest[] = []
  let failures = 0
  let sessions = 0
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()))
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw))
      const path = (req.url ?? '').split('?')[0] ?? ''
      seen.push({ method: req.method ?? '', path, headers: req.headers, form })
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${seen.length}` })
        res.end(JSON.stringify(body))
      }
      if (failures > 0) {
        failures--
        send(400, { error: { type: 'invalid_request_error', message: 'No such price: \'price_missing\'', param: 'line_items[0][price]' } })
        return
      }
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        sessions++
        const id = `cs_test_${sessions}`
        send(200, {
          id,
          object: 'checkout.session',
          mode: form.mode,
          client_reference_id: form.client_reference_id,
          url: `https://checkout.stripe.test/c/pay/${id}`,
          payment_status: 'unpaid',
          status: 'open',
        })
        return
      }
      if (req.method === 'POST' && path === '/v1/billing_portal/sessions') {
        send(200, { id: 'bps_test_1', object: 'billing_portal.session', customer: form.customer, return_url: form.return_url, url: `https://billing.stripe.test/p/session/${form.customer ?? ''}` })
        return
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method ?? ''}: ${path})` } })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const { port } = server.address() as AddressInfo
  return { apiBase: `http://127.0.0.1:${port}`, seen, failNext: (count) => { failures = count } }
}

export interface SignedEvent { payload: string; headers: Record<string, string> }

/** The body and headers Stripe would POST to the webhook, signed at `timestamp` (unix seconds). */
export function signed (event: object, options: { secret?: string; timestamp?: number } = {}): SignedEvent {
  const payload = JSON.stringify(event)
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
  })
  return { payload, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header } }
}

function event (id: string, type: string, object: object, created = 1_796_000_000): object {
  return { id, object: 'event', api_version: Stripe.API_VERSION, created, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } }
}

/** `created`: Stripe's time of the event, for tests that check it is what gets stored. */
export function subscriptionDeleted (id: string, subscription: { customer: string | null; metadata?: Record<string, string>; created?: number }): object {
  return event(id, 'customer.subscription.deleted', { id: `sub_${id}`, object: 'subscription', customer: subscription.customer, metadata: subscription.metadata ?? {} }, subscription.created)
}

export function checkoutCompleted (id: string, session: { id: string; tenantId: string; credits: number | string; customer?: string; paymentIntent?: string; mode?: 'payment' | 'subscription'; paymentStatus?: string; plan?: string; type?: string }): object {
  return event(id, session.type ?? 'checkout.session.completed', {
    id: session.id,
    object: 'checkout.session',
    mode: session.mode ?? 'payment',
    client_reference_id: session.tenantId,
    customer: session.customer ?? 'cus_test_1',
    payment_intent: session.mode === 'subscription' ? null : session.paymentIntent ?? `pi_for_${session.id}`,
    payment_status: session.paymentStatus ?? 'paid',
    status: 'complete',
    metadata: { tenant_id: session.tenantId, credits: String(session.credits), ...(session.plan === undefined ? { pack: 'starter' } : { plan: session.plan }) },
  })
}

export function invoicePaid (id: string, invoice: { id: string; tenantId?: string; credits: number; customer: string; plan?: string; paymentIntent?: string }): object {
  return event(id, 'invoice.paid', {
    id: invoice.id,
    object: 'invoice',
    customer: invoice.customer,
    status: 'paid',
    amount_paid: 2900,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: {
        subscription: 'sub_test_1',
        metadata: { ...(invoice.tenantId !== undefined && { tenant_id: invoice.tenantId }), credits: String(invoice.credits), ...(invoice.plan !== undefined && { plan: invoice.plan }) },
      },
    },
    payments: { object: 'list', data: [{ payment: { type: 'payment_intent', payment_intent: invoice.paymentIntent ?? `pi_for_${invoice.id}` } }], has_more: false, url: '' },
  })
}

export function chargeRefunded (id: string, charge: { id: string; paymentIntent: string; amount: number; refunded: number }): object {
  return event(id, 'charge.refunded', {
    id: charge.id,
    object: 'charge',
    amount: charge.amount,
    amount_refunded: charge.refunded,
    currency: 'usd',
    payment_intent: charge.paymentIntent,
    refunded: charge.refunded >= charge.amount,
    metadata: {},
  })
}

export function otherEvent (id: string, type: string): object {
  return event(id, type, { id: `obj_${id}`, object: 'customer' })
}
