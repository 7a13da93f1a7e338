// /api/billing/*: the tenant's credits and ledger (every role), Checkout and the billing
// portal (owners), and Stripe's webhook (public: no JWT, no service token; Stripe's
// signature over the raw body is the credential). /system/billing/*: staff grants and
// adjustments, audited.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Clock } from '../../platform/clock.ts'
import type { Db } from '../../platform/db/database.ts'
import { withTenant } from '../../platform/db/tenant.ts'
import { AppError, ValidationError } from '../../platform/errors.ts'
import { requestMeta } from '../../platform/http/request-meta.ts'
import { pageLinks, pageRequest } from '../worklog/pagination.ts'
import {
  BillingOut, CheckoutBody, CheckoutOut, CreditChangeOut, LedgerPage, LedgerQuery, PortalOut, StaffAdjustBody, StaffGrantBody, WebhookOut,
} from './billing.schemas.ts'
import { billingSummary, changeCredits, ledgerOf, openPortal, startCheckout, type BillingDeps } from './billing.service.ts'
import { isSignatureError, verifiedEvent } from './stripe.ts'
import { receiveStripeEvent } from './webhook.service.ts'

export interface BillingRoutesDeps {
  db: Db
  tenantDb: Db
  billing: BillingDeps
  clock: Clock
}

export const billingRoutes: FastifyPluginAsyncTypebox<BillingRoutesDeps> = async (app, deps) => {
  const tags = ['billing']

  app.get('/api/billing', {
    schema: { tags, summary: 'Credits available and reserved, plan, what is on sale, recent ledger entries', response: { 200: BillingOut } },
    config: { access: 'billing:read' },
  }, async (request) => {
    const { tenantId } = request.principal!
    return withTenant(deps.tenantDb, tenantId, (trx) => billingSummary(trx, tenantId, deps.billing))
  })

  app.get('/api/billing/ledger', {
    schema: { tags, summary: 'The credits ledger, newest first (?kind= to filter)', querystring: LedgerQuery, response: { 200: LedgerPage } },
    config: { access: 'billing:read' },
  }, async (request) => {
    const { tenantId } = request.principal!
    const page = pageRequest(request.query)
    const { entries, total } = await withTenant(deps.tenantDb, tenantId, (trx) => ledgerOf(trx, tenantId, {
      ...(request.query.kind !== undefined && { kind: request.query.kind }),
      limit: page.limit,
      offset: page.offset,
    }))
    return { count: total, ...pageLinks(request, page, total), results: entries }
  })

  app.post('/api/billing/checkout', {
    schema: { tags, summary: 'A Stripe Checkout Session for a credit pack or a plan (owners)', body: CheckoutBody, response: { 201: CheckoutOut } },
    config: { access: 'billing:buy' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    const session = await startCheckout(deps.db, deps.billing, {
      tenantId,
      userId,
      ...(request.body.pack !== undefined && { pack: request.body.pack }),
      ...(request.body.plan !== undefined && { plan: request.body.plan }),
    }, requestMeta(request))
    return reply.status(201).send(session)
  })

  app.post('/api/billing/portal', {
    schema: { tags, summary: 'A link to the Stripe billing portal for this workspace (owners)', response: { 201: PortalOut } },
    config: { access: 'billing:buy' },
  }, async (request, reply) => {
    const { tenantId, userId } = request.principal!
    return reply.status(201).send(await openPortal(deps.db, deps.billing, { tenantId, userId }, requestMeta(request)))
  })

  await app.register(webhookRoute, deps)
}

/**
 * In a context of its own, so that only this route reads JSON as the raw text: the
 * signature is over the bytes Stripe sent, which parsing and serialising again would not
 * reproduce.
 */
const webhookRoute: FastifyPluginAsyncTypebox<BillingRoutesDeps> = async (app, deps) => {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })
  const invalid = (message: string): AppError => new AppError(400, 'invalid_signature', message, { field: 'headers.stripe-signature' })

  app.post('/api/billing/webhook', {
    schema: {
      tags: ['billing'],
      summary: 'Stripe events (public; verified by their Stripe-Signature)',
      description: 'Each event id is recorded once: a replay answers duplicate=true and changes nothing. Unknown event types are stored and acknowledged.',
      body: Type.String({ description: 'The event as Stripe sent it (application/json).' }),
      response: { 200: WebhookOut },
    },
    config: { public: true },
  }, async (request) => {
    const stripe = deps.billing.settings.stripe
    if (!deps.billing.settings.enabled || stripe === undefined) {
      throw new AppError(503, 'payments_not_configured', 'This server takes no payments (billing is off or STRIPE_SECRET_KEY is not set); the event was not recorded.')
    }
    const signature = request.headers['stripe-signature']
    if (typeof signature !== 'string' || signature === '') throw invalid('The Stripe-Signature header is missing.')
    let event
    try {
      event = verifiedEvent(request.body, signature, stripe.webhookSecret, deps.clock.now())
    } catch (error) {
      if (!isSignatureError(error)) throw new ValidationError('The body is not a Stripe event.', 'body')
      // Nothing is written for a forged or stale event, not even an audit row: anyone can
      // send these, and the log line is enough to notice a misconfigured secret.
      request.log.warn({ reason: (error as Error).message }, 'Stripe webhook refused: bad signature')
      throw invalid('The Stripe-Signature does not match this body under the webhook secret, or is older than 300 seconds.')
    }
    return receiveStripeEvent(deps.db, event, request.body)
  })
}

export interface BillingStaffRoutesDeps { db: Db }

export const billingStaffRoutes: FastifyPluginAsyncTypebox<BillingStaffRoutesDeps> = async (app, { db }) => {
  const tags = ['system']
  const idempotencyKeyOf = (header: unknown): string | undefined => {
    if (header === undefined || header === '') return undefined
    if (typeof header !== 'string' || header.length > 200) throw new ValidationError('Idempotency-Key must be 1 to 200 characters.', 'headers.idempotency-key')
    return header
  }

  for (const [path, kind, body, summary] of [
    ['/system/billing/grants', 'grant', StaffGrantBody, 'Grant credits to a tenant (ledgered and audited)'],
    ['/system/billing/adjustments', 'adjustment', StaffAdjustBody, 'Add or take away credits (ledgered and audited; never below 0)'],
  ] as const) {
    app.post(path, {
      schema: {
        tags,
        summary,
        description: 'An Idempotency-Key header makes a repeated request return the first entry and change nothing.',
        body,
        response: { 201: CreditChangeOut },
      },
      config: { access: 'system:write' },
    }, async (request, reply) => {
      const staff = request.principal!
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'])
      const changed = await changeCredits(db, {
        tenantId: request.body.tenant_id,
        kind,
        credits: request.body.credits,
        reason: request.body.reason,
        staffUserId: staff.userId,
        ...(idempotencyKey !== undefined && { idempotencyKey }),
        actor: { actor_is_staff: true, by: 'api' },
      }, requestMeta(request))
      return reply.status(201).send(changed)
    })
  }
}
