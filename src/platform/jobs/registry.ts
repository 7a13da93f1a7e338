// Job types: a name, the workflow that runs it, how its payload is validated and how it
// retries. Registering is what creates the pg-boss queue; enqueueing an unregistered
// type is refused up front rather than left to sit in a queue no worker reads.
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { AppError, ValidationError } from '../errors.ts'
import type { JsonObject } from '../db/json.ts'
// Also teaches TypeBox the policy's formats (the range-checked `date`) before Compile runs.
import { findUnstorable } from '../input/policy.ts'
import type { ExecutionContext, Workflow } from './context.ts'

export interface JobTypeOptions {
  /** Retries after the first attempt (pg-boss retryLimit). Default 3. */
  retryLimit?: number
  /** Seconds before the first retry. Default 5. */
  retryDelay?: number
  /** Exponential backoff with jitter. Default true. */
  retryBackoff?: boolean
  /** Upper bound on the backoff delay, seconds. Default 600. */
  retryDelayMax?: number
  /** A single attempt running longer than this is failed (and retried). Default 900. */
  expireInSeconds?: number
  /** Missed heartbeats for this long mean the worker died; the job is retried. Default from config (≥ 10). */
  heartbeatSeconds?: number
  /** Jobs fetched together and run concurrently (outcomes ending together share a transaction).
   *  Default 4, at least 2: pg-boss only bursts through a backlog when a batch can be "full" of more than one. */
  batchSize?: number
  /** Fetch loops per worker process for this type. Default from config. */
  concurrency?: number
  /** TypeBox schema of the payload; enqueue rejects anything else with a 400 naming the field. */
  payload?: TSchema
  /** One line for `jobs types` and the OpenAPI docs. */
  description?: string
  /**
   * The permission (permissions.ts) the enqueuing user must still hold when the job runs.
   * Checked against their role at run time: a member demoted or removed after enqueueing
   * does not get the work done with their old rights. An action of the permission matrix
   * (src/modules/identity/permissions.ts), judged by the worker's JobAuthorizer.
   */
  requires?: string
  /**
   * Paid work (docs/billing.md): with billing on, the runner reserves credits priced from
   * `estimatedTokens` (the most tokens one run is expected to use) before the workflow
   * runs, charges what its LLM calls used when it succeeds, and releases the rest.
   * Unset: the type is free.
   */
  credits?: { estimatedTokens: number }
  /**
   * Called when the runner refuses to start the workflow (its user lost the permission,
   * or the tenant cannot pay), before the job fails: lets a type mark its data the way
   * its own permanent failures do. The refusal still fails the job.
   */
  onRefused?: (ctx: ExecutionContext, payload: JsonObject) => Promise<void>
}

export interface JobType {
  readonly type: string
  readonly workflow: Workflow
  readonly options: Readonly<Required<Omit<JobTypeOptions, 'payload' | 'heartbeatSeconds' | 'concurrency' | 'description' | 'requires' | 'credits' | 'onRefused'>>> & {
    readonly requires: string | undefined
    readonly credits: { readonly estimatedTokens: number } | undefined
    readonly onRefused: JobTypeOptions['onRefused']
    readonly heartbeatSeconds: number | undefined
    readonly concurrency: number | undefined
    readonly description: string
  }
  validatePayload(payload: unknown): JsonObject
}

const TYPE_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/

export class UnknownJobTypeError extends AppError {
  constructor (type: string, known: readonly string[]) {
    super(400, 'unknown_job_type', `Unknown job type "${type}". Registered types: ${known.join(', ') || '(none)'}.`, { field: 'type' })
    this.name = 'UnknownJobTypeError'
  }
}

export class JobRegistry {
  readonly #types = new Map<string, JobType>()

  register (type: string, workflow: Workflow, options: JobTypeOptions = {}): this {
    if (!TYPE_NAME.test(type)) throw new Error(`Job type "${type}" must look like "domain.action" (lower case, dot-separated).`)
    if (this.#types.has(type)) throw new Error(`Job type "${type}" is already registered.`)
    if (options.credits !== undefined && !(Number.isInteger(options.credits.estimatedTokens) && options.credits.estimatedTokens > 0)) {
      throw new Error(`Job type "${type}": credits.estimatedTokens must be a positive integer.`)
    }
    const check = options.payload === undefined ? undefined : Compile(options.payload)
    this.#types.set(type, {
      type,
      workflow,
      options: {
        retryLimit: options.retryLimit ?? 3,
        retryDelay: options.retryDelay ?? 5,
        retryBackoff: options.retryBackoff ?? true,
        retryDelayMax: options.retryDelayMax ?? 600,
        expireInSeconds: options.expireInSeconds ?? 900,
        heartbeatSeconds: options.heartbeatSeconds,
        batchSize: Math.max(2, options.batchSize ?? 4),
        concurrency: options.concurrency,
        description: options.description ?? '',
        requires: options.requires,
        credits: options.credits,
        onRefused: options.onRefused,
      },
      validatePayload (payload: unknown): JsonObject {
        if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
          throw new ValidationError('payload must be a JSON object.', 'payload')
        }
        // A payload the job could not store or process is refused now, not after every retry fails.
        const unstorable = findUnstorable(payload)
        if (unstorable !== undefined) {
          const field = ['payload', ...unstorable.path].join('.')
          throw new ValidationError(`Invalid payload for ${type}: ${field} ${unstorable.message}.`, field, [{ field, message: unstorable.message }])
        }
        if (check !== undefined && !check.Check(payload)) {
          const errors = [...check.Errors(payload)].slice(0, 10).map((e) => ({
            field: `payload${e.instancePath.replaceAll('/', '.')}`,
            message: e.message,
          }))
          throw new ValidationError(`Invalid payload for ${type}: ${errors[0]?.field} ${errors[0]?.message}.`, errors[0]?.field, errors)
        }
        return payload as JsonObject
      },
    })
    return this
  }

  has (type: string): boolean { return this.#types.has(type) }

  require (type: string): JobType {
    const found = this.#types.get(type)
    if (found === undefined) throw new UnknownJobTypeError(type, this.names())
    return found
  }

  names (): string[] { return [...this.#types.keys()].sort() }

  all (): JobType[] { return [...this.#types.values()] }
}
