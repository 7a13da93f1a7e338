// The input policy's walk over every request: params, query and body are checked for
// text PostgreSQL cannot store and for nesting too deep to process, before the route's
// schema runs. Refusals look like any validation error: 400 naming the field.
import type { FastifyRequest } from 'fastify'
import { ValidationError } from '../errors.ts'
import { findUnstorable } from '../input/policy.ts'
import type { App } from './app-instance.ts'

export function installInputGuard (app: App): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    // A raw text body (CSV) is left to the route that parses it: it checks every cell and
    // can name the line, which a finding against "body" as a whole could not.
    const body = typeof request.body === 'string' ? undefined : request.body
    const parts: ReadonlyArray<readonly [string, unknown]> = [['params', request.params], ['query', request.query], ['body', body]]
    for (const [part, value] of parts) {
      const problem = findUnstorable(value)
      if (problem === undefined) continue
      const field = [part, ...problem.path].join('.')
      throw new ValidationError(`${field} ${problem.message}.`, field, [{ field, message: problem.message }])
    }
  })
}
