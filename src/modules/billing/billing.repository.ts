// SQL of the credits ledger, its holds and Stripe events. Every function takes the
// caller's executor first: a tenant transaction (RLS) for requests, the platform pool for
// the job runner, the webhook and staff. The balance is never written here: inserting a
// ledger row moves it (the credit_entry_apply trigger), and a CHECK refuses an overdraft.
import { sql, type Insertable } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import type { CreditEntry, CreditEntryKind, CreditEntryTable, CreditReservation } from './billing.table.ts'
import type { CallUsage } from './pricing.ts'

export interface Balance { available: number; reserved: number }

export type NewCreditEntry = Insertable<CreditEntryTable>

/** The balance as it is; a tenant whose ledger is empty has no row and 0 of each. */
export async function readBalance (executor: Executor, tenantId: string): Promise<Balance> {
  const row = await executor.selectFrom('credit_balance').select(['available', 'reserved']).where('tenant_id', '=', tenantId).executeTakeFirst()
  return row ?? { available: 0, reserved: 0 }
}

/**
 * The balance, locked until the transaction ends: decisions that spend from it (a
 * reserve, a refund, a negative adjustment) are taken one after the other per tenant, so
 * the second of two racing for the last credits sees what the first left.
 */
export async function lockBalance (executor: Executor, tenantId: string): Promise<Balance> {
  const row = await executor.selectFrom('credit_balance').select(['available', 'reserved']).where('tenant_id', '=', tenantId).forUpdate().executeTakeFirst()
  return row ?? { available: 0, reserved: 0 }
}

/** One ledger row; undefined when its idempotency key was already used (nothing changes then). */
export async function insertEntry (executor: Executor, entry: NewCreditEntry): Promise<CreditEntry | undefined> {
  return executor.insertInto('credit_entry').values(entry)
    .onConflict((oc) => oc.constraint('credit_entry_idempotency_unique').doNothing())
    .returningAll().executeTakeFirst()
}

export async function findEntry (executor: Executor, tenantId: string, idempotencyKey: string): Promise<CreditEntry | undefined> {
  return executor.selectFrom('credit_entry').selectAll().where('tenant_id', '=', tenantId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst()
}

export async function entriesPage (executor: Executor, tenantId: string, query: { kind?: CreditEntryKind; limit: number; offset: number }): Promise<{ entries: CreditEntry[]; total: number }> {
  let base = executor.selectFrom('credit_entry').where('tenant_id', '=', tenantId)
  if (query.kind !== undefined) base = base.where('kind', '=', query.kind)
  const [entries, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { entries, total: Number(count.n) }
}

// ---------------------------------------------------------------------------
// Holds of paid jobs
// ---------------------------------------------------------------------------

/** False when the job already has a hold (a retry, or a duplicate delivery racing this one). */
export async function insertReservation (executor: Executor, hold: { tenantId: string; jobId: string; jobType: string; amount: number }): Promise<boolean> {
  const inserted = await executor.insertInto('credit_reservation')
    .values({ tenant_id: hold.tenantId, job_id: hold.jobId, job_type: hold.jobType, amount: hold.amount })
    .onConflict((oc) => oc.doNothing())
    .returning('job_id').executeTakeFirst()
  return inserted !== undefined
}

export async function findReservation (executor: Executor, jobId: string, options: { lock: boolean }): Promise<CreditReservation | undefined> {
  const query = executor.selectFrom('credit_reservation').selectAll().where('job_id', '=', jobId)
  return (options.lock ? query.forUpdate() : query).executeTakeFirst()
}

export async function markSettled (executor: Executor, hold: { tenantId: string; jobId: string }, captured: number): Promise<void> {
  await executor.updateTable('credit_reservation').set({ captured, settled_at: new Date() })
    .where('tenant_id', '=', hold.tenantId).where('job_id', '=', hold.jobId).execute()
}

/**
 * Open holds whose job has ended or is gone (pruned, or never committed), locked; holds a
 * runner is settling right now are skipped. Ordered by tenant so two sweeps lock balance
 * rows in the same order.
 */
export async function abandonedReservations (executor: Executor, limit: number): Promise<Array<{ tenant_id: string; job_id: string; job_status: string | null }>> {
  const { rows } = await sql<{ tenant_id: string; job_id: string; job_status: string | null }>`
    SELECT r.tenant_id, r.job_id, j.status AS job_status
    FROM credit_reservation r
    LEFT JOIN job j ON j.id = r.job_id
    WHERE r.settled_at IS NULL AND (j.id IS NULL OR j.finished_at IS NOT NULL)
    ORDER BY r.tenant_id, r.reserved_at
    LIMIT ${limit}
    FOR UPDATE OF r SKIP LOCKED`.execute(executor)
  return rows
}

/** Every LLM call the job made, over all its attempts. */
export async function callsOfJob (executor: Executor, jobId: string): Promise<CallUsage[]> {
  return executor.selectFrom('llm_call').select(['prompt_tokens', 'completion_tokens', 'cost_usd']).where('job_id', '=', jobId).execute()
}

// ---------------------------------------------------------------------------
// The tenant's Stripe customer and plan
// ---------------------------------------------------------------------------

export async function tenantBilling (executor: Executor, tenantId: string): Promise<{ name: string; stripe_customer_id: string | null; billing_plan: string | null } | undefined> {
  return executor.selectFrom('tenant').select(['name', 'stripe_customer_id', 'billing_plan']).where('id', '=', tenantId).executeTakeFirst()
}

/**
 * The first customer seen pays for the tenant from then on; a later one does not replace
 * it, and a customer already paying for another tenant is not linked twice (a customer
 * names one tenant, or invoices could not find theirs). Two events racing to link one
 * customer to two tenants: the loser's transaction fails on the unique key, Stripe
 * redelivers, and the redelivery finds the link made.
 */
export async function keepCustomer (executor: Executor, tenantId: string, customerId: string): Promise<void> {
  await executor.updateTable('tenant').set({ stripe_customer_id: customerId, updated_at: new Date() })
    .where('id', '=', tenantId).where('stripe_customer_id', 'is', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('tenant as other').select('other.id').where('other.stripe_customer_id', '=', customerId))))
    .execute()
}

export async function setPlan (executor: Executor, tenantId: string, plan: string | null): Promise<void> {
  await executor.updateTable('tenant').set({ billing_plan: plan, updated_at: new Date() }).where('id', '=', tenantId).execute()
}

export async function tenantOfCustomer (executor: Executor, customerId: string): Promise<string | undefined> {
  return (await executor.selectFrom('tenant').select('id').where('stripe_customer_id', '=', customerId).executeTakeFirst())?.id
}

// ---------------------------------------------------------------------------
// Purchases and their refunds
// ---------------------------------------------------------------------------

/** The purchase a PaymentIntent paid for, if it has arrived. */
export async function purchaseOf (executor: Executor, paymentIntent: string): Promise<{ tenant_id: string; amount: number } | undefined> {
  return executor.selectFrom('credit_entry').select(['tenant_id', 'amount'])
    .where('payment_intent', '=', paymentIntent).where('kind', '=', 'purchase').executeTakeFirst()
}

/** Credits already taken back for refunds of that PaymentIntent. */
export async function refundedFor (executor: Executor, tenantId: string, paymentIntent: string): Promise<number> {
  const row = await executor.selectFrom('credit_entry').select((eb) => eb.fn.sum<number>('amount').as('n'))
    .where('tenant_id', '=', tenantId).where('payment_intent', '=', paymentIntent).where('kind', '=', 'refund')
    .executeTakeFirstOrThrow()
  return Number(row.n ?? 0)
}

// ---------------------------------------------------------------------------
// Stripe events
// ---------------------------------------------------------------------------

export interface ReceivedEvent { id: string; type: string; livemode: boolean; created: Date; payload: string }

/** The event's row, made now (true) or found from an earlier delivery (false), locked either way. */
export async function recordStripeEvent (executor: Executor, event: ReceivedEvent): Promise<{ fresh: boolean; processedAt: Date | null; outcome: string }> {
  const inserted = await executor.insertInto('stripe_event')
    .values({ id: event.id, type: event.type, livemode: event.livemode, payload: event.payload, created_at: event.created, outcome: 'received' })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning(['processed_at', 'outcome']).executeTakeFirst()
  if (inserted !== undefined) return { fresh: true, processedAt: inserted.processed_at, outcome: inserted.outcome }
  const existing = await executor.selectFrom('stripe_event').select(['processed_at', 'outcome']).where('id', '=', event.id).forUpdate().executeTakeFirstOrThrow()
  return { fresh: false, processedAt: existing.processed_at, outcome: existing.outcome }
}

export async function finishStripeEvent (executor: Executor, id: string, result: { tenantId: string | null; outcome: string; processed: boolean }): Promise<void> {
  await executor.updateTable('stripe_event')
    .set({ tenant_id: result.tenantId, outcome: result.outcome.slice(0, 500), processed_at: result.processed ? new Date() : null })
    .where('id', '=', id).execute()
}

/** Refund events that arrived before the purchase they reverse, locked. */
export async function waitingRefunds (executor: Executor, paymentIntent: string): Promise<Array<{ id: string; payload: JsonObject }>> {
  const { rows } = await sql<{ id: string; payload: JsonObject }>`
    SELECT id, payload FROM stripe_event
    WHERE processed_at IS NULL AND type = 'charge.refunded' AND payload #>> '{data,object,payment_intent}' = ${paymentIntent}
    ORDER BY created_at, id
    FOR UPDATE`.execute(executor)
  return rows
}
