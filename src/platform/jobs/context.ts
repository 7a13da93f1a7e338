// ExecutionContext (seed 000 §4): what a workflow knows about the job it runs for, and
// the only way it records events or starts child jobs, so trace ids and provenance
// flow through without every workflow having to remember them.
import type { Db, Executor, Trx } from '../db/database.ts'
import type { JsonObject } from '../db/json.ts'
import type { EventLevel, Job, JobTrigger } from './job.table.ts'

export interface LogOptions {
  level?: EventLevel
  /** Defaults to `workflow`; agents log as `agent`, LLM calls as `llm`. */
  source?: string
  data?: JsonObject
}

export interface ChildJobInput {
  type: string
  payload?: JsonObject
  idempotencyKey?: string
  runAt?: Date
  maxRetries?: number
}

export interface ExecutionContext {
  readonly jobId: string
  readonly type: string
  /** Who asked: api, schedule, retry or system (a chained child). */
  readonly trigger: JobTrigger
  readonly traceId: string
  readonly tenantId: string | null
  readonly userId: string | null
  readonly parentJobId: string | null
  /** 1 on the first attempt, 2 on the first retry, … */
  readonly attempt: number
  /** No retry follows if this attempt fails (a workflow may then record the failure on its data). */
  readonly isLastAttempt: boolean
  /** Fires when the job is cancelled, its claim is lost, or the worker shuts down hard. */
  readonly signal: AbortSignal
  /** Platform pool: sees every tenant. Prefer inTenant() for the job's own data. */
  readonly db: Db
  /**
   * Run `work` in a transaction bound to the job's tenant (row-level security applies, as
   * for a request): a workflow acting for one tenant cannot touch another's rows.
   */
  inTenant<T>(work: (trx: Trx) => Promise<T>): Promise<T>
  log(message: string, options?: LogOptions): Promise<void>
  /**
   * Run one step of the workflow (load, analyse, save …). With tracing on it is a span of
   * the job's trace, and the LLM calls and child jobs it makes hang under it; with tracing
   * off it just runs `work`.
   */
  step<T>(name: string, work: () => Promise<T>): Promise<T>
  /**
   * Enqueue a child job (parent_job_id = this job, same trace, tenant and user).
   * Pass the transaction that writes the rows the child depends on, so both commit together.
   */
  enqueueChild(executor: Executor, input: ChildJobInput): Promise<Job>
}

export type Workflow = (ctx: ExecutionContext, payload: JsonObject) => Promise<unknown>
