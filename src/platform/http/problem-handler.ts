// One error handler for the whole API: every 4xx is problem+json naming the field at
// fault; a 5xx never shows internals unless DEBUG is on outside production.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from './app-instance.ts'
import { AppError, problem, type ProblemDetails } from '../errors.ts'

interface ValidationIssue { instancePath?: string; message?: string; params?: Record<string, unknown> }

export function installProblemHandler (app: App, options: { exposeErrors: boolean }): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) => {
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

function toProblem (error: FastifyError | AppError | Error, exposeErrors: boolean): ProblemDetails {
  if (error instanceof AppError) {
    return problem(error.status, error.code, error.message, {
      ...(error.field !== undefined && { field: error.field }),
      ...(error.errors !== undefined && { errors: error.errors }),
    })
  }
  const fastifyError = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string }
  if (Array.isArray(fastifyError.validation)) {
    const context = fastifyError.validationContext ?? 'body'
    const errors = fastifyError.validation.map((issue) => ({ field: fieldOf(context, issue), message: issue.message ?? 'is invalid' }))
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
