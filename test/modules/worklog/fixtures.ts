// Shared set-up of the worklog HTTP tests: services on a per-file database, the app, a
// signed-in owner, and a small JSON client for app.inject().
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { signUp, type TestUser } from '../../helpers/auth.ts'
import type { App } from '../../../src/platform/http/app-instance.ts'
import type { Services } from '../../../src/runtime.ts'

interface Tap { teardown(fn: () => Promise<void> | void): void }

export interface Reply<T = any> { status: number; body: T; text: string; headers: Record<string, unknown> }
export type Call = <T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers?: Record<string, string>) => Promise<Reply<T>>

export function client (app: App, user: TestUser): Call {
  return async (method, url, payload, headers = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { ...user.headers, ...headers },
      ...(payload !== undefined && (typeof payload === 'string' ? { payload } : { payload: payload as object })),
    })
    const text = response.body
    let body: unknown = null
    try { body = text === '' ? null : JSON.parse(text) } catch { body = text }
    return { status: response.statusCode, body: body as never, text, headers: response.headers }
  }
}

export async function setup (t: Tap): Promise<{ app: App; services: Services; user: TestUser; call: Call }> {
  const services = await startTestServices(t)
  const app = await buildTestApp(t, services)
  const user = await signUp(app, services)
  return { app, services, user, call: client(app, user) }
}

/** client → project → epic → feature → story → task, plus a sprint of the project. */
export async function hierarchy (call: Call, prefix = 'Acme') {
  const ok = async (url: string, payload: object): Promise<string> => {
    const reply = await call<{ id: string }>('POST', url, payload)
    if (reply.status !== 201) throw new Error(`${url}: ${reply.status} ${reply.text}`)
    return reply.body.id
  }
  const client = await ok('/api/clients/', { name: prefix })
  const project = await ok('/api/projects/', { name: `${prefix} web`, client_id: client })
  const epic = await ok('/api/epics/', { name: 'Checkout', project_id: project })
  const feature = await ok('/api/features/', { name: 'Payments', epic_id: epic })
  const story = await ok('/api/stories/', { name: 'Pay by card', feature_id: feature })
  const task = await ok('/api/tasks/', { name: 'Stripe webhook', story_id: story })
  const sprint = await ok('/api/sprints/', { name: 'Sprint 1', project_id: project, start_date: '2025-01-06', end_date: '2025-01-17' })
  return { client, project, epic, feature, story, task, sprint }
}
