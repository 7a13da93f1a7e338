// ALLOWED_HOSTS (Django's DJANGO_ALLOWED_HOSTS): answer only for the host names this
// deployment is meant to serve, so a forged Host header cannot make the service build
// links or cookies for someone else's domain. Empty means any host (development).
import { AppError } from '../errors.ts'
import type { App } from './app-instance.ts'

export function installAllowedHosts (app: App, allowedHosts: readonly string[]): void {
  if (allowedHosts.length === 0) return
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()))
  app.addHook('onRequest', async (request) => {
    const host = request.hostname.toLowerCase()
    if (!allowed.has(host)) {
      throw new AppError(400, 'invalid_host', `Host "${host}" is not served here; add it to ALLOWED_HOSTS if it should be.`, { field: 'headers.host' })
    }
  })
}
