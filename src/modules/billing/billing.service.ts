// The billing rules a request or an operator invokes: the balance and ledger a tenant
// sees, Checkout and the billing portal (owners), and staff grants and adjustments. Every
// change of credits is a ledger row (billing.repository.ts); privileged acts are audited
// in the same transaction as the change.
import { randomUUID } from 'node:crypto'
import type Stripe from 'stripe'
import type { BillingSettings, CreditOffer } from '../../config.ts'
import type { Db, Executor } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import { AppError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import { INSUFFICIENT_CREDITS } from '../../platform/jobs/credits.ts'
import { recordAuthEvent, type RequestMeta } from '../identity/audit.ts'
import { entriesPage, findEntry, insertEntry, lockBalance, readBalance, tenantBilling } from './billing.repository.ts'
import type { CreditEntry, CreditEntryKind } from './billing.table.ts'
import type { BillingOut, CreditEntryOut } from './billing.schemas.ts'

export interface BillingDeps {
  settings: BillingSettings
  /** Present when STRIPE_SECRET_KEY is set. */
  stripe: Stripe | undefined
}

const RECENT = 10

export function entryOut (entry: CreditEntry): CreditEntryOut {
  return {
    id: entry.id,
    kind: entry.kind,
    amount: entry.amount,
    available_delta: entry.available_delta,
    reserved_delta: entry.reserved_delta,
    reason: entry.reason,
    job_id: entry.job_id,
    stripe_object: entry.stripe_object,
    created_at: entry.created_at.toISOString(),
  }
}

const offerOut = (offer: CreditOffer) => ({ id: offer.id, credits: offer.credits })

export async function billingSummary (trx: Executor, tenantId: string, deps: BillingDeps): Promise<BillingOut> {
  const [balance, tenant, recent] = [await readBalance(trx, tenantId), await tenantBilling(trx, tenantId), await entriesPage(trx, tenantId, { limit: RECENT, offset: 0 })]
  return {
    enabled: deps.settings.enabled,
    payments: deps.settings.enabled && deps.stripe !== undefined,
    publishable_key: deps.settings.stripe?.publishableKey ?? null,
    available: balance.available,
    reserved: balance.reserved,
    plan: tenant?.billing_plan ?? null,
    has_billing_account: tenant?.stripe_customer_id != null,
    packs: deps.settings.packs.map(offerOut),
    plans: deps.settings.plans.map(offerOut),
    recent: recent.entries.map(entryOut),
  }
}

export async function ledgerOf (trx: Executor, tenantId: string, query: { kind?: CreditEntryKind; limit: number; offset: number }): Promise<{ entries: CreditEntryOut[]; total: number }> {
  const page = await entriesPage(trx, tenantId, query)
  return { entries: page.entries.map(entryOut), total: page.total }
}

// ---------------------------------------------------------------------------
// Staff: grants and adjustments (the /system/ API and the CLI)
// ---------------------------------------------------------------------------

export interface CreditChange {
  tenantId: string
  kind: Extract<CreditEntryKind, 'grant' | 'adjustment'>
  credits: number
  reason: string
  /** The staff user; null from the CLI. */
  staffUserId: string | null
  /** Makes a repeated request (a retried script) a no-op; a fresh one each time when absent. */
  idempotencyKey?: string
  /** Who acted, for the audit row (actor_is_staff, by: cli, …). */
  actor: JsonObject
}

export async function changeCredits (db: Db, change: CreditChange, meta: RequestMeta) {
  if (change.credits === 0) throw new ValidationError('credits must not be 0.', 'credits')
  if (change.kind === 'grant' && change.credits < 0) throw new ValidationError('A grant adds credits; take credits away with an adjustment.', 'credits')
  return db.transaction().execute(async (trx) => {
    if (await tenantBilling(trx, change.tenantId) === undefined) throw new NotFoundError('Tenant', 'tenant_id')
    const key = `staff:${change.idempotencyKey ?? randomUUID()}`
    const earlier = await findEntry(trx, change.tenantId, key)
    if (earlier !== undefined) return { created: false, entry: entryOut(earlier), ...await readBalance(trx, change.tenantId) }
    const { available } = await lockBalance(trx, change.tenantId)
    if (available + change.credits < 0) {
      throw new AppError(409, INSUFFICIENT_CREDITS, `Taking ${-change.credits} credits would leave the balance negative: ${available} are available (credits held for running jobs cannot be taken).`, { field: 'credits' })
    }
    const entry = await insertEntry(trx, {
      tenant_id: change.tenantId,
      kind: change.kind,
      amount: change.credits,
      idempotency_key: key,
      reason: change.reason,
      staff_user_id: change.staffUserId,
    })
    if (entry === undefined) throw new Error(`ledger key ${key} appeared while its balance was locked`)
    await recordAuthEvent(trx, meta, {
      kind: change.kind === 'grant' ? 'billing_credits_granted' : 'billing_credits_adjusted',
      userId: change.staffUserId,
      tenantId: change.tenantId,
      detail: { credits: change.credits, reason: change.reason, entry_id: entry.id, ...change.actor },
    })
    return { created: true, entry: entryOut(entry), ...await readBalance(trx, change.tenantId) }
  })
}

// ---------------------------------------------------------------------------
// Owners: Checkout and the billing portal
// ---------------------------------------------------------------------------

function paymentsOf (deps: BillingDeps): { stripe: Stripe; returnUrl: string } {
  if (!deps.settings.enabled) throw new AppError(403, 'billing_disabled', 'Billing is turned off on this server: AI jobs are free here.')
  if (deps.stripe === undefined || deps.settings.stripe === undefined) {
    throw new AppError(503, 'payments_not_configured', 'This server takes no payments (STRIPE_SECRET_KEY is not set); an operator can grant credits.')
  }
  return { stripe: deps.stripe, returnUrl: deps.settings.stripe.returnUrl }
}

function returnTo (base: string, checkout: string): string {
  const url = new URL(base)
  url.searchParams.set('checkout', checkout)
  return url.toString()
}

function chooseOffer (settings: BillingSettings, body: { pack?: string; plan?: string }): { offer: CreditOffer; mode: 'payment' | 'subscription' } {
  if ((body.pack === undefined) === (body.plan === undefined)) throw new ValidationError('Name a pack or a plan (exactly one of them).', body.pack === undefined ? 'pack' : 'plan')
  const [field, offers, mode] = body.pack !== undefined ? ['pack', settings.packs, 'payment'] as const : ['plan', settings.plans, 'subscription'] as const
  const id = body.pack ?? body.plan
  const offer = offers.find((o) => o.id === id)
  if (offer === undefined) {
    throw new ValidationError(`There is no ${field} "${id ?? ''}" on sale here${offers.length === 0 ? '' : `; choose one of ${offers.map((o) => o.id).join(', ')}`}.`, field)
  }
  return { offer, mode }
}

function providerError (what: string, cause: unknown): AppError {
  return new AppError(502, 'payment_provider_error', `Stripe could not ${what}. Try again in a moment.`, { cause })
}

export async function startCheckout (db: Db, deps: BillingDeps, input: { tenantId: string; userId: string; pack?: string; plan?: string }, meta: RequestMeta) {
  const { stripe, returnUrl } = paymentsOf(deps)
  const { offer, mode } = chooseOffer(deps.settings, input)
  const tenant = await tenantBilling(db, input.tenantId)
  if (tenant === undefined) throw new NotFoundError('Tenant')
  // The webhook trusts these fields only: the tenant and the credits bought. A plan's
  // invoices carry them as the subscription's metadata.
  const metadata = { tenant_id: input.tenantId, credits: String(offer.credits), [mode === 'payment' ? 'pack' : 'plan']: offer.id }
  let session: Stripe.Checkout.Session
  try {
    session = await stripe.checkout.sessions.create({
      mode,
      client_reference_id: input.tenantId,
      line_items: [{ price: offer.price, quantity: 1 }],
      metadata,
      success_url: returnTo(returnUrl, 'success'),
      cancel_url: returnTo(returnUrl, 'cancelled'),
      ...(tenant.stripe_customer_id !== null ? { customer: tenant.stripe_customer_id } : mode === 'payment' ? { customer_creation: 'always' as const } : {}),
      ...(mode === 'payment' ? { payment_intent_data: { metadata } } : { subscription_data: { metadata } }),
    })
  } catch (error) {
    throw providerError('start the checkout', error)
  }
  if (session.url === null) throw providerError('give a checkout page', undefined)
  await recordAuthEvent(db, meta, { kind: 'billing_checkout_started', userId: input.userId, tenantId: input.tenantId, detail: { mode, offer: offer.id, credits: offer.credits, session: session.id } })
  return { id: session.id, url: session.url, mode, credits: offer.credits }
}

export async function openPortal (db: Db, deps: BillingDeps, input: { tenantId: string; userId: string }, meta: RequestMeta) {
  const { stripe, returnUrl } = paymentsOf(deps)
  const tenant = await tenantBilling(db, input.tenantId)
  if (tenant?.stripe_customer_id == null) {
    throw new AppError(409, 'no_billing_account', 'This workspace has not paid through Stripe yet, so there is no billing account to manage.')
  }
  let session: Stripe.BillingPortal.Session
  try {
    session = await stripe.billingPortal.sessions.create({ customer: tenant.stripe_customer_id, return_url: returnUrl })
  } catch (error) {
    throw providerError('open the billing portal', error)
  }
  await recordAuthEvent(db, meta, { kind: 'billing_portal_opened', userId: input.userId, tenantId: input.tenantId, detail: { customer: tenant.stripe_customer_id } })
  return { url: session.url }
}
