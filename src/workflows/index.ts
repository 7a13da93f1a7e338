// Every job type the service knows, in one place. A type is registered only when its
// workflow exists: enqueueing anything else is refused with a clear error.
import { Type } from 'typebox'
import type { JobRegistry } from '../platform/jobs/registry.ts'
import { LocalLlmProvider } from '../agents/local.provider.ts'
import { registerAiWorkflows, type AiWorkflowDeps } from './ai/index.ts'
import { computeMetrics } from './system/compute-metrics.ts'
import { echo } from './system/echo.ts'
import { REWARD_EVALUATE, RewardEvaluatePayload, rewardEvaluate } from './gamification/reward-evaluate.ts'
import { SWEEP_ORPHANS, SweepOrphansPayload, sweepOrphans } from './system/sweep-orphans.ts'
import { CLEANUP, CleanupPayload, DEFAULT_RETENTION, cleanup, type RetentionPolicy } from './system/cleanup.ts'
import type { ObjectStore } from '../platform/storage/index.ts'
import { registerImportWorkflows, type ImportWorkflowDeps } from './imports/index.ts'

export interface PlatformWorkflowDeps {
  /** The attachment store; without one (tests, tools) storage.sweep_orphans is not registered. */
  storage?: ObjectStore
  /** What system.cleanup deletes; without one (tests, tools) the SETTINGS defaults. */
  retention?: RetentionPolicy
  /** The Git and GitHub connectors; without them (tools) ingest.git and ingest.github are not registered. */
  imports?: ImportWorkflowDeps
}

/** Without deps (tests, tools) the AI workflows use the built-in deterministic provider. */
export function registerWorkflows (registry: JobRegistry, ai: AiWorkflowDeps = { llm: new LocalLlmProvider(), autoChain: true }, platform: PlatformWorkflowDeps = {}): JobRegistry {
  registerAiWorkflows(registry, ai)
  if (platform.imports !== undefined) registerImportWorkflows(registry, platform.imports)
  if (platform.storage !== undefined) {
    registry.register(SWEEP_ORPHANS, sweepOrphans(platform.storage), {
      description: 'Deletes attachment objects older than an hour that no attachment row points at.',
      payload: SweepOrphansPayload,
      // A sweep of a large bucket lists everything; give it time, and the next run redoes it anyway.
      expireInSeconds: 3600,
      retryLimit: 1,
    })
  }
  registry.register(CLEANUP, cleanup(platform.retention ?? DEFAULT_RETENTION), {
    description: 'Deletes finished jobs (with their events) and audit events past their retention; keeps the LLM cost ledger.',
    payload: CleanupPayload,
    // Batches are short, but a first run over years of history can take a while; the
    // next night's run continues where an expired one stopped.
    expireInSeconds: 3600,
    retryLimit: 1,
  })
  registry.register('system.echo', echo, {
    description: 'Returns its payload (smoke tests, benchmarks). Optional sleep_ms and fail_attempts.',
    // Echo jobs are tiny: fetch them in batches and record their outcomes together.
    batchSize: 500,
    retryDelay: 1,
    payload: Type.Object({
      sleep_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
      fail_attempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    }, { additionalProperties: true }),
  })
  registry.register('system.compute_metrics', computeMetrics, {
    description: 'Job counts by type and status, failure rate, wait and run percentiles over a window.',
    payload: Type.Object({
      window_hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 366 })),
    }, { additionalProperties: false }),
  })
  registry.register(REWARD_EVALUATE, rewardEvaluate, { description: 'XP, streak, badges and weekly challenges for one work-log entry (idempotent).', payload: RewardEvaluatePayload, requires: 'gamification:read', retryLimit: 5 })
  return registry
}
