// SQL of reports, resumes and share links, and of the work they are made from. Every
// function takes the caller's executor: a tenant transaction (withTenant / ctx.inTenant)
// so row-level security applies — except the share-token lookups, which run on the
// platform pool because the token, not a session, decides the tenant.
import { sql, type Insertable } from 'kysely'
import type { Db, Executor } from '../../platform/db/database.ts'
import type { ReportScope } from './scope.ts'
import type { ResumeTable, ShareLinkTable, WorklogReportTable } from './reports.table.ts'

// ---------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------

/** The report a report.generate job already wrote (a retried job reuses it). */
export async function findReportByJob (executor: Executor, jobId: string) {
  return executor.selectFrom('worklog_report').select(['id', 'title']).where('job_id', '=', jobId).executeTakeFirst()
}

/** A person's work logs in a period (archived ones left out), with their client, project and sprint names. */
export async function worklogsForReport (executor: Executor, userId: string, period: { start: string; end: string }, scope: ReportScope) {
  let query = executor.selectFrom('worklog as w')
    .leftJoin('client as c', (j) => j.onRef('c.tenant_id', '=', 'w.tenant_id').onRef('c.id', '=', 'w.client_id'))
    .leftJoin('project as p', (j) => j.onRef('p.tenant_id', '=', 'w.tenant_id').onRef('p.id', '=', 'w.project_id'))
    .leftJoin('sprint as s', (j) => j.onRef('s.tenant_id', '=', 'w.tenant_id').onRef('s.id', '=', 'w.sprint_id'))
    .select(['w.id', 'w.occurred_on', 'w.title', 'w.content', 'w.outcome', 'w.impact', 'w.next_steps', 'w.work_type', 'w.status', 'w.tags', 'w.effort_minutes', 'w.is_billable', 'c.name as client_name', 'p.name as project_name', 's.name as sprint_name'])
    .where('w.user_id', '=', userId).where('w.occurred_on', '>=', period.start).where('w.occurred_on', '<=', period.end)
    .where('w.status', '!=', 'archived')
  if (scope.client_id !== undefined) query = query.where('w.client_id', '=', scope.client_id)
  if (scope.project_id !== undefined) query = query.where('w.project_id', '=', scope.project_id)
  if (scope.sprint_id !== undefined) query = query.where('w.sprint_id', '=', scope.sprint_id)
  return query.orderBy('w.occurred_on').execute()
}

export async function insertReport (executor: Executor, values: Insertable<WorklogReportTable>): Promise<string> {
  const row = await executor.insertInto('worklog_report').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function listReports (executor: Executor, userId: string, filter: { kind?: string | undefined; limit: number }) {
  let query = executor.selectFrom('worklog_report').select(['id', 'kind', 'title', 'period_start', 'period_end', 'created_via', 'created_at']).where('user_id', '=', userId)
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind)
  return query.orderBy('created_at', 'desc').limit(filter.limit).execute()
}

export async function findReport (executor: Executor, userId: string, id: string) {
  return executor.selectFrom('worklog_report').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
}

// ---------------------------------------------------------------------------
// Resumes
// ---------------------------------------------------------------------------

export async function findResumeByJob (executor: Executor, jobId: string) {
  return executor.selectFrom('resume').select('id').where('job_id', '=', jobId).executeTakeFirst()
}

/** What a resume is built from: the profile, resume bullets (selected first), and projects. */
export async function resumeSources (executor: Executor, userId: string) {
  const profile = await executor.selectFrom('app_user as u').innerJoin('user_profile as p', 'p.user_id', 'u.id')
    .select(['u.email', 'p.display_name', 'p.headline', 'p.location', 'p.summary', 'p.links']).where('u.id', '=', userId).executeTakeFirstOrThrow()
  const bullets = await executor.selectFrom('worklog_bullet as b')
    .innerJoin('worklog as w', (j) => j.onRef('w.tenant_id', '=', 'b.tenant_id').onRef('w.id', '=', 'b.worklog_id'))
    .leftJoin('client as c', (j) => j.onRef('c.tenant_id', '=', 'w.tenant_id').onRef('c.id', '=', 'w.client_id'))
    .leftJoin('project as p', (j) => j.onRef('p.tenant_id', '=', 'w.tenant_id').onRef('p.id', '=', 'w.project_id'))
    .select(['b.text', 'b.is_selected', 'w.occurred_on', 'c.name as client_name', 'p.name as project_name'])
    .where('w.user_id', '=', userId).where('b.kind', '=', 'resume').where('w.status', '!=', 'archived')
    .orderBy('b.is_selected', 'desc').orderBy('b.order').orderBy('w.occurred_on', 'desc').limit(300).execute()
  const projects = await executor.selectFrom('project as p').innerJoin('client as c', (j) => j.onRef('c.tenant_id', '=', 'p.tenant_id').onRef('c.id', '=', 'p.client_id'))
    .select(['p.name', 'p.role', 'p.description', 'p.started_on', 'p.ended_on', 'c.name as client_name'])
    .where('p.user_id', '=', userId).orderBy('p.started_on', 'desc').execute()
  return { profile, bullets, projects }
}

export async function insertResume (executor: Executor, values: Insertable<ResumeTable>): Promise<string> {
  const row = await executor.insertInto('resume').values(values).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function latestResume (executor: Executor, userId: string, id?: string) {
  return executor.selectFrom('resume').selectAll().where('user_id', '=', userId)
    .$if(id !== undefined, (q) => q.where('id', '=', id!))
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst()
}

// ---------------------------------------------------------------------------
// Share links
// ---------------------------------------------------------------------------

export async function insertShareLink (executor: Executor, values: Insertable<ShareLinkTable>) {
  return executor.insertInto('share_link').values(values).returning(['id', 'expires_at']).executeTakeFirstOrThrow()
}

export async function listShareLinks (executor: Executor, userId: string) {
  return executor.selectFrom('share_link')
    .select(['id', 'target_kind', 'target_id', 'expires_at', 'revoked_at', 'access_count', 'created_at'])
    .where('created_by', '=', userId).orderBy('created_at', 'desc').execute()
}

export async function revokeShareLink (executor: Executor, userId: string, id: string, now: Date): Promise<boolean> {
  const row = await executor.updateTable('share_link').set({ revoked_at: now })
    .where('id', '=', id).where('created_by', '=', userId).returning('id').executeTakeFirst()
  return row !== undefined
}

/** Counts a visit to a live link and says what it points at; undefined for unknown, expired and revoked ones. */
export async function visitShareLink (db: Db, tokenHash: string, now: Date) {
  return db.updateTable('share_link')
    .set({ access_count: sql`access_count + 1`, last_accessed_at: now })
    .where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).where('expires_at', '>', now)
    .returning(['tenant_id', 'target_kind', 'target_id']).executeTakeFirst()
}

export async function sharedReport (db: Db, tenantId: string, id: string) {
  return db.selectFrom('worklog_report').select(['kind', 'title', 'period_start', 'period_end', 'content_md'])
    .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}

export async function sharedResume (db: Db, tenantId: string, id: string) {
  return db.selectFrom('resume').select(['json_resume', 'markdown'])
    .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
}
