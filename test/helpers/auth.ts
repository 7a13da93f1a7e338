// Signed-in users for HTTP tests: an invite, a real signup through the API, and the
// headers a caller needs (Bearer access token, X-Service-Token).
import { createInvite } from '../../src/modules/identity/invite.service.ts'
import { NO_REQUEST } from '../../src/modules/identity/audit.ts'
import type { Role } from '../../src/modules/identity/identity.table.ts'
import { makeServiceToken } from '../../src/modules/identity/service-token.ts'
import { systemClock, type Clock } from '../../src/platform/clock.ts'
import type { App } from '../../src/platform/http/app-instance.ts'
import type { Services } from '../../src/runtime.ts'

export interface TestUser {
  id: string
  email: string
  password: string
  tenantId: string
  role: Role
  access: string
  refreshCookie: string
  headers: Record<string, string>
}

let counter = 0

/** X-Service-Token dated by `clock` (the app's, when a test stands it elsewhere in time). */
export function serviceHeader (services: Services, clock: Clock = systemClock): Record<string, string> {
  return { 'x-service-token': makeServiceToken(services.config.auth.serviceSecret, Math.floor(clock.now().getTime() / 1000)) }
}

export async function signUp (app: App, services: Services, options: { email?: string; tenantId?: string; role?: Role; password?: string; clock?: Clock } = {}): Promise<TestUser> {
  counter++
  const email = options.email ?? `user${counter}-${Date.now()}@example.test`
  const password = options.password ?? 'a long and unusual passphrase 42'
  const { passkey } = await createInvite(services.database.db, {
    createdBy: null,
    ...(options.tenantId !== undefined && { tenantId: options.tenantId, role: options.role ?? 'member' }),
  }, NO_REQUEST)
  // Each test user signs up from an address of its own, as people do; the signup rate
  // limit (5 a minute per client) is tested on its own.
  const response = await app.inject({ method: 'POST', url: '/api/auth/signup/', remoteAddress: `198.51.100.${counter % 250 + 1}`, payload: { email, password, passkey, display_name: `User ${counter}` } })
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.statusCode} ${response.body}`)
  const body = response.json<{ access: string; user: { id: string; tenant_id: string; role: Role } }>()
  const cookie = response.cookies.find((c) => c.name === services.config.auth.refreshCookieName)
  if (cookie === undefined) throw new Error('signup set no refresh cookie')
  return {
    id: body.user.id,
    email,
    password,
    tenantId: body.user.tenant_id,
    role: body.user.role,
    access: body.access,
    refreshCookie: cookie.value,
    headers: { authorization: `Bearer ${body.access}`, ...serviceHeader(services, options.clock) },
  }
}
