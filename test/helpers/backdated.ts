// Rows that look as if they were written days ago, for retention tests: jobs with their
// events, audit events and LLM calls, inserted straight into the platform database.
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../src/platform/db/database.ts'
import type { JobStatus } from '../../src/platform/jobs/job.table.ts'

const DAY_MS = 86_400_000
export const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY_MS)

export interface BackdatedJob {
  status: JobStatus
  /** When it was created; finished jobs finished an hour later. */
  ageDays: number
  events?: number
  parentJobId?: string
  type?: string
}

export async function insertBackdatedJob (db: Db, job: BackdatedJob): Promise<string> {
  const id = randomUUID()
  const created = daysAgo(job.ageDays)
  const finished = ['success', 'failed', 'cancelled'].includes(job.status) ? new Date(created.getTime() + 3_600_000) : null
  await db.insertInto('job').values({
    id,
    type: job.type ?? 'system.echo',
    status: job.status,
    trace_id: randomUUID(),
    parent_job_id: job.parentJobId ?? null,
    payload: '{}',
    created_at: created,
    updated_at: finished ?? created,
    started_at: job.status === 'queued' ? null : created,
    finished_at: finished,
  }).execute()
  const events = job.events ?? 2
  if (events > 0) {
    await sql`INSERT INTO event (job_id, trace_id, timestamp, source, message)
              SELECT ${id}::uuid, gen_random_uuid(), ${created}::timestamptz + n * interval '1 second', 'system', 'backdated event ' || n
              FROM generate_series(1, ${events}) AS n`.execute(db)
  }
  return id
}

export async function insertBackdatedAuthEvent (db: Db, ageDays: number): Promise<number> {
  const row = await db.insertInto('auth_event').values({ kind: 'login', occurred_at: daysAgo(ageDays), email: 'old@example.test' })
    .returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function insertBackdatedLlmCall (db: Db, ageDays: number, jobId: string | null): Promise<number> {
  const { rows: [row] } = await sql<{ id: number }>`
    INSERT INTO llm_call (job_id, purpose, provider, model, prompt_tokens, completion_tokens, outcome, created_at)
    VALUES (${jobId}, 'test.cleanup', 'local', 'local', 10, 5, 'ok', ${daysAgo(ageDays)})
    RETURNING id`.execute(db)
  if (row === undefined) throw new Error('llm_call insert returned nothing')
  return row.id
}
