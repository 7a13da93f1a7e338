// Rows for gamification tests written straight into the database: a tenant, a user with a
// time zone, work-log entries and attachments (the worklog API is not what is under test),
// and a way to evaluate an entry exactly as the workflow does, in a tenant transaction.
import { createHash, randomUUID } from 'node:crypto'
import type { Db } from '../../../src/platform/db/database.ts'
import { toJson } from '../../../src/platform/db/json.ts'
import { withTenant } from '../../../src/platform/db/tenant.ts'
import { evaluateEntryRewards, type RewardEvaluationOutcome } from '../../../src/modules/gamification/evaluation.service.ts'
import { insertTenant } from '../../helpers/tenants.ts'

export async function insertUser (db: Db, tenantId: string, options: { timeZone?: string; role?: 'owner' | 'admin' | 'member' | 'read_only' } = {}): Promise<string> {
  const { id } = await db.insertInto('app_user').values({ email: `${randomUUID()}@example.test`, password_hash: 'not-a-real-hash' }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('user_profile').values({ user_id: id, time_zone: options.timeZone ?? 'UTC' }).execute()
  await db.insertInto('tenant_membership').values({ tenant_id: tenantId, user_id: id, role: options.role ?? 'member' }).execute()
  return id
}

export async function tenantWithUser (db: Db, timeZone = 'UTC'): Promise<{ tenantId: string; userId: string }> {
  const tenantId = await insertTenant(db)
  return { tenantId, userId: await insertUser(db, tenantId, { timeZone }) }
}

export interface EntryInput {
  createdAt: Date
  occurredOn?: string
  content?: string
  outcome?: string
  impact?: string
  tags?: string[]
  attachments?: number
}

/** Plausible prose of exactly n characters, varied by `seed` so entries are not near-duplicates. */
export function prose (n: number, seed = 'Refactored the billing export and paired on the flaky test'): string {
  let out = ''
  let i = 0
  while (out.length < n) out += `${seed} part ${i++}. `
  return out.slice(0, n - 1) + 'x'
}

export async function insertEntry (db: Db, tenantId: string, userId: string, input: EntryInput): Promise<string> {
  const occurredOn = input.occurredOn ?? input.createdAt.toISOString().slice(0, 10)
  const { id } = await db.insertInto('worklog').values({
    tenant_id: tenantId,
    user_id: userId,
    occurred_on: occurredOn,
    content: input.content ?? prose(60, randomUUID()),
    outcome: input.outcome ?? '',
    impact: input.impact ?? '',
    tags: toJson(input.tags ?? []),
    metadata: toJson({}),
    enrichment_suggestions: toJson({}),
    created_at: input.createdAt,
    updated_at: input.createdAt,
  }).returning('id').executeTakeFirstOrThrow()
  for (let i = 0; i < (input.attachments ?? 0); i++) await insertAttachment(db, tenantId, userId, id)
  return id
}

export async function insertAttachment (db: Db, tenantId: string, userId: string, worklogId: string): Promise<void> {
  const name = randomUUID()
  await db.insertInto('attachment').values({
    tenant_id: tenantId,
    user_id: userId,
    worklog_id: worklogId,
    object_key: `test/${name}`,
    filename: `${name}.png`,
    size_bytes: 10,
    sha256: createHash('sha256').update(name).digest('hex'),
  }).execute()
}

export function evaluate (tenantDb: Db, tenantId: string, worklogId: string, jobId: string = randomUUID()): Promise<RewardEvaluationOutcome> {
  return withTenant(tenantDb, tenantId, (trx) => evaluateEntryRewards(trx, { tenantId, worklogId, jobId }))
}

export async function ledger (db: Db, tenantId: string, userId: string) {
  const rows = await db.selectFrom('xp_event').select(['reason', 'amount', 'worklog_id', 'source', 'idempotency_key'])
    .select((eb) => eb.cast<string>('local_day', 'text').as('local_day'))
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('id').execute()
  const xp = await db.selectFrom('user_xp').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst()
  const streak = await db.selectFrom('user_streak').select(['current', 'longest', 'freezes_remaining', 'freezes_used'])
    .select((eb) => eb.cast<string>('last_entry_date', 'text').as('last_entry_date'))
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst()
  const badges = await db.selectFrom('user_badge').select('badge_code').where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('badge_code').execute()
  return { rows, sum: rows.reduce((s, r) => s + r.amount, 0), totalXp: xp?.total_xp ?? 0, level: xp?.level ?? 1, streak, badges: badges.map((b) => b.badge_code) }
}
