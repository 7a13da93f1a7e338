// Rules of reports, resumes and share links: a report's default period per kind, the
// views the API returns, and share links — an unguessable token (256 bits; only its
// SHA-256 is stored) that names one of its creator's documents, expires and can be revoked.
import type { Db, Executor } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { isoDay, isoDayOrNull } from '../../vocabulary/calendar-day.ts'
import type { ReportKind } from '../../vocabulary/career.ts'
import { hashToken, newSecretToken } from '../identity/auth.service.ts'
import {
  findReport, insertShareLink, latestResume, listReports, listShareLinks, revokeShareLink, sharedReport, sharedResume, visitShareLink,
} from './reports.repository.ts'
import type { ReportListQuery, ReportSummary, ShareLinkBody, ShareLinkCreated, ShareLinkOut } from './reports.schemas.ts'
import type { Resume, WorklogReport } from './reports.table.ts'

const DAY_MS = 86_400_000

/** How many days back each kind looks by default; a new kind without one fails the typecheck. */
const DEFAULT_PERIOD_DAYS: Record<ReportKind, number> = { status: 7, standup: 1, weekly: 7, monthly: 30, sprint: 14, summary: 90 }

/** Default period per kind, ending today (UTC) — what a nightly schedule wants. */
export function defaultPeriod (kind: ReportKind, today = new Date()): { start: string; end: string } {
  return { start: isoDay(new Date(today.getTime() - DEFAULT_PERIOD_DAYS[kind] * DAY_MS)), end: isoDay(today) }
}

// ---------------------------------------------------------------------------
// Reports and resumes
// ---------------------------------------------------------------------------

export async function reportsOf (trx: Executor, userId: string, query: ReportListQuery): Promise<ReportSummary[]> {
  const rows = await listReports(trx, userId, { kind: query.kind, limit: query.limit ?? 50 })
  return rows.map((r) => ({ ...r, period_start: isoDayOrNull(r.period_start), period_end: isoDayOrNull(r.period_end), created_at: r.created_at.toISOString() }))
}

/** One of the person's reports; anyone else's is a 404. */
export async function reportOf (trx: Executor, userId: string, id: string): Promise<WorklogReport> {
  const report = await findReport(trx, userId, id)
  if (report === undefined) throw new NotFoundError('Report', 'id')
  return report
}

export function reportView (report: WorklogReport) {
  return {
    id: report.id,
    kind: report.kind,
    title: report.title,
    period_start: isoDayOrNull(report.period_start),
    period_end: isoDayOrNull(report.period_end),
    client_id: report.client_id,
    project_id: report.project_id,
    sprint_id: report.sprint_id,
    markdown: report.content_md,
    stats: report.metadata.stats ?? null,
    created_via: report.created_via,
    created_at: report.created_at.toISOString(),
  }
}

/** The file name a report downloads as (without extension). */
export function reportFilename (report: Pick<WorklogReport, 'id' | 'kind' | 'period_end'>): string {
  return `${report.kind}-report-${isoDayOrNull(report.period_end) ?? report.id}`
}

export async function latestResumeOf (trx: Executor, userId: string): Promise<Resume> {
  const resume = await latestResume(trx, userId)
  if (resume === undefined) throw new NotFoundError('Resume (none built yet: POST /api/resume/refresh/)')
  return resume
}

// ---------------------------------------------------------------------------
// Share links
// ---------------------------------------------------------------------------

export const DEFAULT_SHARE_DAYS = 14

/** Only the creator's own report (by id) or resume (by id, or the latest) can be shared. */
export async function createShareLink (trx: Executor, owner: { tenantId: string; userId: string }, body: ShareLinkBody, now = new Date()): Promise<ShareLinkCreated> {
  const target = body.target_kind === 'report'
    ? (body.target_id === undefined ? undefined : await findReport(trx, owner.userId, body.target_id))
    : await latestResume(trx, owner.userId, body.target_id)
  if (target === undefined) throw new NotFoundError(body.target_kind === 'report' ? 'Report' : 'Resume', 'target_id')
  const token = newSecretToken(32)
  const link = await insertShareLink(trx, {
    tenant_id: owner.tenantId,
    created_by: owner.userId,
    token_hash: hashToken(token),
    target_kind: body.target_kind,
    target_id: target.id,
    expires_at: new Date(now.getTime() + (body.expires_in_days ?? DEFAULT_SHARE_DAYS) * DAY_MS),
  })
  return { id: link.id, url: `/api/share/${token}/`, token, expires_at: link.expires_at.toISOString() }
}

export async function shareLinksOf (trx: Executor, userId: string): Promise<ShareLinkOut[]> {
  const rows = await listShareLinks(trx, userId)
  return rows.map((r) => ({ ...r, expires_at: r.expires_at.toISOString(), revoked_at: r.revoked_at?.toISOString() ?? null, created_at: r.created_at.toISOString() }))
}

export async function revokeShareLinkOf (trx: Executor, userId: string, id: string): Promise<void> {
  if (!await revokeShareLink(trx, userId, id, new Date())) throw new NotFoundError('Share link', 'id')
}

/** What a live share link shows: no internal ids, no private fields. */
export type SharedDocument =
  | { kind: 'report'; report_kind: string; title: string; period_start: string | null; period_end: string | null; markdown: string }
  | { kind: 'resume'; resume: JsonObject; markdown: string }

/**
 * The document behind a token, counting the visit; undefined when the token is unknown,
 * expired or revoked, or its document is gone — callers answer all of them alike.
 * On the platform pool: the token, not a session, decides which tenant's row this is.
 */
export async function openSharedDocument (db: Db, token: string, now = new Date()): Promise<SharedDocument | undefined> {
  const link = await visitShareLink(db, hashToken(token), now)
  if (link === undefined) return undefined
  if (link.target_kind === 'report') {
    const report = await sharedReport(db, link.tenant_id, link.target_id)
    if (report === undefined) return undefined
    return { kind: 'report', report_kind: report.kind, title: report.title, period_start: isoDayOrNull(report.period_start), period_end: isoDayOrNull(report.period_end), markdown: report.content_md }
  }
  const resume = await sharedResume(db, link.tenant_id, link.target_id)
  if (resume === undefined) return undefined
  return { kind: 'resume', resume: resume.json_resume, markdown: resume.markdown }
}
