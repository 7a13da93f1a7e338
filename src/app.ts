// buildApp(deps): the Fastify factory. Everything stateful (database, job platform,
// storage) is created by the caller and handed in, so tests build the same app against
// their own database and use app.inject().
import Fastify, { type FastifyBaseLogger } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.ts'
import type { Db } from './platform/db/database.ts'
import type { App } from './platform/http/app-instance.ts'
import { correlationIdFor, installCorrelation } from './platform/http/correlation.ts'
import { installProblemHandler } from './platform/http/problem-handler.ts'
import { installAllowedHosts } from './platform/http/allowed-hosts.ts'
import { installInputGuard } from './platform/http/input-guard.ts'
import { inputValidatorFactory } from './platform/http/input-validation.ts'
import { responseSerializerFactory } from './platform/http/response-serialization.ts'
import { installBodyTimeout, serverOptions } from './platform/http/server-limits.ts'
import { installJsonBody } from './platform/http/json-body.ts'
import { trustProxyOption } from './platform/http/trust-proxy.ts'
import type { JobPlatform } from './platform/jobs/platform.ts'
import type { EventHub } from './platform/jobs/event-hub.ts'
import { installLongRequests } from './platform/http/event-stream.ts'
import type { ScheduleService } from './platform/jobs/schedules.ts'
import type { Logger } from './platform/observability/logger.ts'
import type { ObjectStore } from './platform/storage/index.ts'
import { healthRoutes, type ReadinessCheck } from './modules/health/health.routes.ts'
import { authRoutes } from './modules/identity/auth.routes.ts'
import { memberRoutes } from './modules/identity/members.routes.ts'
import { auditRoutes } from './modules/identity/audit.routes.ts'
import { systemRoutes } from './modules/system/system.routes.ts'
import { consoleRoutes } from './modules/system/console/console.routes.ts'
import { AuthService } from './modules/identity/auth.service.ts'
import { jobRoutes } from './modules/jobs/jobs.routes.ts'
import { reportRoutes } from './modules/reports/reports.routes.ts'
import { scheduleRoutes } from './modules/reports/schedules.routes.ts'
import { shareRoutes } from './modules/reports/share.routes.ts'
import { skillRoutes } from './modules/skills/skills.routes.ts'
import { gamificationRoutes } from './modules/gamification/gamification.routes.ts'
import { bearerSubject, installAccessControl } from './modules/identity/access-control.ts'
import { recordAuthEvent } from './modules/identity/audit.ts'
import { requestMeta } from './platform/http/request-meta.ts'
import { installSecurityHeaders } from './platform/http/security-headers.ts'
import { installCors } from './platform/http/cors.ts'
import { systemClock, type Clock } from './platform/clock.ts'
import { installRateLimits } from './platform/http/rate-limit.ts'
import { worklogRoutes } from './modules/worklog/index.ts'
import type { ServiceMetrics } from './platform/observability/metrics.ts'
import { installHttpMetrics, installRequestTracing } from './platform/observability/http-telemetry.ts'
import { metricsRoute, METRICS_PATH, type MetricsAccess } from './platform/observability/metrics-endpoint.ts'
import { billingRoutes, billingStaffRoutes } from './modules/billing/billing.routes.ts'
import { createStripeClient } from './modules/billing/stripe.ts'
import { importsRoutes } from './modules/imports/index.ts'

export interface AppDeps {
  config: Config
  /** Platform pool: sign-in and the job platform. */
  db: Db
  /** Tenant pool: request handlers, always through withTenant(). */
  tenantDb: Db
  jobs: JobPlatform
  /** Announced event rows, for the live streams (started by the caller). */
  events: EventHub
  schedules: ScheduleService
  /** Attachment bytes (created once by the caller, checked by readiness). */
  storage: ObjectStore
  logger: Logger
  readiness: Record<string, ReadinessCheck>
  /** The time access, rate-limit and streak decisions are made at (tests stand it anywhere). */
  clock?: Clock
  /** This process's metrics: request durations are counted into them and GET /metrics serves them. */
  metrics?: ServiceMetrics
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a user session (health checks, login, public share links). */
    public?: boolean
  }
}

export async function buildApp (deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock
  const app: App = Fastify({
    ...serverOptions(deps.config, deps.logger),
    loggerInstance: deps.logger as FastifyBaseLogger,
    requestIdHeader: false,
    genReqId: correlationIdFor,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
    // Fastify's default silently strips unknown properties; we refuse them instead, so a
    // body carrying tenant_id, role or is_staff is a 400 naming the field (mass assignment).
    // strictNumbers: Ajv would otherwise take "Infinity" as an integer within any maximum.
    ajv: { customOptions: { removeAdditional: false, strictNumbers: true } },
    // The input policy (src/platform/input/policy.ts): its formats, and coercion for
    // params and query strings only.
    schemaController: { compilersFactory: { buildValidator: inputValidatorFactory(), buildSerializer: responseSerializerFactory() } },
    trustProxy: trustProxyOption(deps.config.http.trustProxy),
  }).withTypeProvider<TypeBoxTypeProvider>()

  // First: the request's span must cover every later hook and be active in every handler
  // (it wraps the handlers of routes added after it). Nothing is installed with tracing off.
  installRequestTracing(app)
  if (deps.metrics !== undefined) installHttpMetrics(app, deps.metrics)
  installBodyTimeout(app, deps.config)
  const longRequests = installLongRequests(app)
  installProblemHandler(app, { exposeErrors: deps.config.debug && !deps.config.isProduction })
  installCorrelation(app)
  installJsonBody(app)
  installAllowedHosts(app, deps.config.allowedHosts)
  installInputGuard(app)
  // Before access control, whose onRequest hook must run after these: error replies carry
  // the security headers, preflights are answered unauthenticated, floods are limited first.
  await installSecurityHeaders(app, { isProduction: deps.config.isProduction })
  await installCors(app, deps.config.http)
  installRateLimits(app, {
    db: deps.db,
    limits: deps.config.http.rateLimits,
    clock,
    identify: bearerSubject,
    onLimited: (request, detail) => recordAuthEvent(deps.db, requestMeta(request), { kind: 'rate_limited', outcome: 'denied', detail }),
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'AfterResume API',
        version: '0.1.0',
        description: 'Work logs in; skills, resume bullets, reports and a resume out — as observable, retryable jobs.',
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger())

  // Uploads stream through busboy: the file limit cuts a part off at MAX_UPLOAD_BYTES
  // while it arrives. Form fields sent before the file are held in memory, so they are
  // kept few and small; one file per request keeps "a failed upload stores nothing" simple.
  await app.register(multipart, {
    limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
  })

  const signer = await installAccessControl(app, { config: deps.config, db: deps.db, clock })
  const auth = new AuthService(deps.db, signer, deps.config.auth, clock)

  await app.register(healthRoutes, { checks: deps.readiness })
  if (deps.metrics !== undefined) metricsRoute(app, deps.metrics, metricsAccess(deps.config, deps.db, clock))
  await app.register(authRoutes, { config: deps.config, db: deps.db, auth })
  await app.register(memberRoutes, { tenantDb: deps.tenantDb, db: deps.db, schedules: deps.schedules })
  await app.register(auditRoutes, { tenantDb: deps.tenantDb })
  await app.register(jobRoutes, {
    tenantDb: deps.tenantDb,
    jobs: deps.jobs,
    streams: { hub: deps.events, longRequests, logger: deps.logger, maxMs: deps.config.auth.accessTokenTtlSeconds * 1000 },
  })
  await app.register(skillRoutes, { tenantDb: deps.tenantDb, jobs: deps.jobs })
  await app.register(reportRoutes, { tenantDb: deps.tenantDb, jobs: deps.jobs })
  await app.register(shareRoutes, { config: deps.config, tenantDb: deps.tenantDb, db: deps.db })
  await app.register(scheduleRoutes, { db: deps.db, tenantDb: deps.tenantDb, schedules: deps.schedules })
  await app.register(gamificationRoutes, { tenantDb: deps.tenantDb, db: deps.db, clock })
  await app.register(worklogRoutes, { tenantDb: deps.tenantDb, jobs: deps.jobs, autoAnalyze: deps.config.workflows.autoAnalyze, storage: deps.storage, maxUploadBytes: deps.config.maxUploadBytes })
  const stripe = deps.config.billing.stripe
  await app.register(billingRoutes, {
    db: deps.db,
    tenantDb: deps.tenantDb,
    billing: { settings: deps.config.billing, stripe: stripe === undefined ? undefined : await createStripeClient(stripe) },
    clock,
  })
  await app.register(importsRoutes, {
    db: deps.db,
    tenantDb: deps.tenantDb,
    jobs: deps.jobs,
    schedules: deps.schedules,
    secretKey: deps.config.secretKey,
    gitImportRoot: deps.config.imports.gitImportRoot,
    githubApiBase: deps.config.imports.githubApiBase,
    clock,
  })
  if (deps.config.systemDashboardEnabled) {
    await app.register(systemRoutes, { db: deps.db, jobs: deps.jobs, schedules: deps.schedules, readiness: deps.readiness, clock })
    await app.register(billingStaffRoutes, { db: deps.db })
    await app.register(consoleRoutes, {
      config: deps.config,
      db: deps.db,
      jobs: deps.jobs,
      schedules: deps.schedules,
      readiness: deps.readiness,
      auth,
      // Each stream re-checks the console session when the browser reconnects after this.
      streams: { hub: deps.events, longRequests, logger: deps.logger, maxMs: deps.config.auth.accessTokenTtlSeconds * 1000 },
      clock,
    })
  }
  return app
}

/** Who may scrape /metrics (METRICS_TOKEN, ADMIN_IP_ALLOWLIST), refusals audited. */
export function metricsAccess (config: Config, db: Db, clock: Clock = systemClock): MetricsAccess {
  return {
    token: config.observability.metricsToken,
    allowlist: config.flags.adminIpAllowlist,
    clock,
    onRefused: (request, reason) => recordAuthEvent(db, requestMeta(request), { kind: 'metrics_denied', outcome: 'denied', detail: { reason, path: METRICS_PATH } }),
  }
}
