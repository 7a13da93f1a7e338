// Liveness and readiness (seed 001 "Health Checks"). /healthz says the process answers;
// /readyz asks every dependency and names the one that fails, so a load balancer stops
// sending traffic and an operator knows where to look.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

export type ReadinessCheck = () => Promise<void>

const CheckResult = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]), error: Type.Optional(Type.String()), ms: Type.Number() })

export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: Record<string, ReadinessCheck> }> = async (app, { checks }) => {
  app.get('/api/healthz', {
    schema: {
      tags: ['health'],
      summary: 'Liveness: the process is up',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
    config: { public: true },
  }, async () => ({ status: 'ok' as const }))

  app.get('/api/readyz', {
    schema: {
      tags: ['health'],
      summary: 'Readiness: PostgreSQL, pg-boss and storage answer',
      response: {
        200: Type.Object({ status: Type.Literal('ok'), checks: Type.Record(Type.String(), CheckResult) }),
        503: Type.Object({ status: Type.Literal('fail'), failing: Type.Array(Type.String()), checks: Type.Record(Type.String(), CheckResult) }),
      },
    },
    config: { public: true },
  }, async (_request, reply) => {
    const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
      const started = performance.now()
      try {
        await withTimeout(check(), 3000)
        return [name, { status: 'ok' as const, ms: Math.round(performance.now() - started) }] as const
      } catch (error) {
        return [name, { status: 'fail' as const, error: (error as Error).message, ms: Math.round(performance.now() - started) }] as const
      }
    }))
    const failing = results.filter(([, r]) => r.status === 'fail').map(([name]) => name)
    const body = Object.fromEntries(results)
    if (failing.length > 0) return reply.status(503).send({ status: 'fail' as const, failing, checks: body })
    return { status: 'ok' as const, checks: body }
  })
}

function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    promise.then((value) => { clearTimeout(timer); resolve(value) }, (error: unknown) => { clearTimeout(timer); reject(error instanceof Error ? error : new Error(String(error))) })
  })
}
