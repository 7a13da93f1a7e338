// The facts about a request that audit rows and logs keep: who asked from where, and
// which correlation id ties the log lines together. Nothing secret travels here.
import type { FastifyRequest } from 'fastify'

export interface RequestMeta {
  ip: string | null
  userAgent: string | null
  correlationId: string | null
}

/** For work done outside any request (the CLI, jobs). */
export const NO_REQUEST: RequestMeta = { ip: null, userAgent: null, correlationId: null }

export function requestMeta (request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent']
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : null, correlationId: request.id }
}
