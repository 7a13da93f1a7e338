// One error handler for the whole API: every 4xx is problem+json naming the field at
// fault; a 5xx never shows internals unless DEBUG is on outside production.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from './app-instance.ts'
import { AppError, problem, type ProblemDetails } from '../errors.ts'
import { isDatabaseUnavailable } from '../db/unavailable.ts'
import { FORMAT_MESSAGES } from '../input/policy.ts'

/** What a client is told to wait when the database is away: about one restart's length. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

interface ValidationIssue { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }

export function installProblemHandler (app: App, options: { exposeErrors: boolean }): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (isDatabaseUnavailable(error)) {
      // A restart or failover, not a bug: the client should retry, and nothing was written
      // (every write is one transaction, which the lost connection rolled back).
      request.log.warn({ err: error }, 'database unavailable')
      return reply.status(503).type('application/problem+json').header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
        .send(problem(503, 'database_unavailable', `The database is not reachable right now. Try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`))
    }
    const body = toProblem(error, options.exposeErrors)
    if (body.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: body.code, status: body.status }, body.detail)
    if (error instanceof AppError && error.headers !== undefined) void reply.headers(error.headers)
    return reply.status(body.status).type('application/problem+json').send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).type('application/problem+json')
      // The path is not repeated back: answers never echo what the client sent.
      .send(problem(404, 'route_not_found', `No ${request.method} route has this path; see /api/docs for the API.`))
  })
}

/** The problem an error is shown as (pages that render errors as HTML use it too). */
export function toProblem (error: FastifyError | AppError | Error, exposeErrors: boolean): ProblemDetails {
  if (error instanceof AppError) {
    return problem(error.status, error.code, error.message, {
      ...(error.field !== undefined && { field: error.field }),
      ...(error.errors !== undefined && { errors: error.errors }),
    })
  }
  const fastifyError = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string }
  if (Array.isArray(fastifyError.validation)) {
    const context = fastifyError.validationContext ?? 'body'
    const errors = fastifyError.validation.map((issue) => ({ field: fieldOf(context, issue), message: messageOf(issue) }))
    const first = errors[0]
    return problem(400, 'validation_failed', first === undefined ? 'Invalid request.' : `${first.field} ${first.message}.`, {
      ...(first !== undefined && { field: first.field }),
      errors,
    })
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500
  if (status < 500) {
    const code = (fastifyError.code ?? 'bad_request').toLowerCase().replace(/^fst_err_/, '')
    return problem(status, code, fastifyError.message)
  }
  return problem(500, 'internal_error', exposeErrors ? error.message : 'An unexpected error occurred. It has been logged.')
}

/** `body.task_id`, `query.limit`, `body.email` for a missing property, … */
function fieldOf (context: string, issue: ValidationIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean)
  const missing = issue.params?.missingProperty
  if (typeof missing === 'string') path.push(missing)
  const extra = issue.params?.additionalProperty
  if (typeof extra === 'string') path.push(extra)
  return [context === 'querystring' ? 'query' : context, ...path].join('.')
}

/** The policy's formats say what they want in words; Ajv would only name the format. */
function messageOf (issue: ValidationIssue): string {
  const format = issue.keyword === 'format' ? issue.params?.format : undefined
  if (typeof format === 'string' && FORMAT_MESSAGES[format] !== undefined) return FORMAT_MESSAGES[format]
  return issue.message ?? 'is invalid'
}
