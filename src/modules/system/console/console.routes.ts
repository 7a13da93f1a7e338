// The operator console (docs/console.md): /system/console/*, server-rendered HTML for
// staff. It signs in with the same accounts as the API but keeps its own session cookie
// (identity/console-session.ts); access control checks it on every route with the same
// staff rule, ADMIN_IP_ALLOWLIST and audit as /system/*. Handlers only read the request,
// call the page models or the staff actions, and render or redirect.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../../config.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Db } from '../../../platform/db/database.ts'
import { isDatabaseUnavailable } from '../../../platform/db/unavailable.ts'
import { AppError, NotFoundError, problem } from '../../../platform/errors.ts'
import { installFormBody } from '../../../platform/http/form-body.ts'
import { toProblem } from '../../../platform/http/problem-handler.ts'
import { requestMeta } from '../../../platform/http/request-meta.ts'
import type { JobPlatform } from '../../../platform/jobs/platform.ts'
import type { ScheduleService } from '../../../platform/jobs/schedules.ts'
import { recordAuthEvent } from '../../identity/audit.ts'
import type { AuthService } from '../../identity/auth.service.ts'
import { CONSOLE_COOKIE, CONSOLE_PATH, ConsoleSignInRefused, csrfTokenFor, csrfTokenMatches, isOwnOrigin, signInToConsole } from '../../identity/console-session.ts'
import { SystemActions, type StaffActor } from '../system.service.ts'
import { loadAssets } from './console.assets.ts'
import * as pages from './console.pages.ts'
import { ActionBody, AssetParams, AssetQuery, BulkBody, IdParams, JobListQuery, JobPageQuery, JobStreamQuery, LoginBody, LoginQuery, OverviewQuery, PauseBody, SchedulesQuery, TypeParams } from './console.schemas.ts'
import { streamAllJobEvents, streamJobRows, type ConsoleStreamDeps } from './console.streams.ts'
import { CONSOLE_ROOT, createViews, jobsUrl } from './console.views.ts'

export interface ConsoleRoutesDeps {
  config: Config
  db: Db
  jobs: JobPlatform
  schedules: ScheduleService
  readiness: Record<string, () => Promise<void>>
  auth: AuthService
  streams: ConsoleStreamDeps
  clock: Clock
}

/** What every page's layout reads, beside the page's own model. */
interface PageData { title: string; nav?: string; notice?: string | undefined; [field: string]: unknown }

const READ = { access: 'system:read', credentials: 'console-cookie' } as const
const WRITE = { access: 'system:write', credentials: 'console-cookie' } as const
/** Console pages are not part of the API's OpenAPI document. */
const hide = true

/** What a finished action says on the page it leads back to (fixed texts: a link cannot put words on the page). */
const NOTICES: Record<string, (n: number) => string> = {
  bulk_retry: (n) => `${n} job${n === 1 ? '' : 's'} retried as new jobs (trigger "retry"), listed below.`,
  bulk_cancel: (n) => `${n} job${n === 1 ? '' : 's'} cancelled.`,
  retried: () => 'Retried: this is the new job.',
  cancelled: () => 'Job cancelled.',
  paused: () => 'Job type paused: its jobs wait as queued until it is resumed.',
  resumed: () => 'Job type resumed.',
  schedule_enabled: () => 'Schedule enabled.',
  schedule_disabled: () => 'Schedule disabled.',
  schedule_run: () => 'Schedule run: its job is queued.',
}

function noticeText (code: string | undefined, n: number | undefined): string | undefined {
  return code === undefined ? undefined : NOTICES[code]?.(n ?? 0)
}

/** A navigation or form post wants a page back; the console's own fetches (partials, streams) do not. */
function wantsPage (request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return accept.includes('text/html') && request.headers['x-console-partial'] === undefined
}

export const consoleRoutes: FastifyPluginAsyncTypebox<ConsoleRoutesDeps> = async (app, deps) => {
  const { config, db, jobs, auth } = deps
  installFormBody(app)
  const assets = loadAssets()
  const views = createViews(assets, () => deps.clock.now())
  const actions = new SystemActions({ db, jobs, schedules: deps.schedules })
  const model: pages.ConsolePagesDeps = { db, jobs, readiness: deps.readiness, clock: deps.clock }
  const streams = { ...deps.streams, db, views }

  /** Rendered with whatever status the reply already has (200 unless a caller set another). */
  const html = (reply: FastifyReply, view: string, data: object): FastifyReply =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(views.render(view, data))
  /** A page or a part of one: its forms need the session's CSRF token, the layout the signed-in staff member. */
  const page = (request: FastifyRequest, reply: FastifyReply, view: string, data: PageData | Record<string, unknown>): FastifyReply => {
    const principal = request.principal
    return html(reply, view, {
      ...data,
      staff: principal === null ? undefined : { email: principal.email },
      csrf: principal === null ? '' : csrfTokenFor(config.secretKey, principal.sessionId),
    })
  }
  const actor = (request: FastifyRequest): StaffActor => {
    const principal = request.principal!
    return { userId: principal.userId, email: principal.email, meta: requestMeta(request) }
  }
  const seeOther = (reply: FastifyReply, location: string): FastifyReply => reply.status(303).header('location', location).send()

  // Everything that changes something carries the session's CSRF token (the Origin was
  // checked by access control before the body was read).
  app.addHook('preHandler', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.principal === null) return
    const presented = (request.body as { _csrf?: unknown } | undefined)?._csrf ?? request.headers['x-csrf-token']
    if (!csrfTokenMatches(config.secretKey, request.principal.sessionId, presented)) {
      await recordAuthEvent(db, requestMeta(request), { kind: 'permission_denied', outcome: 'denied', userId: request.principal.userId, detail: { reason: 'csrf_token', path: request.routeOptions.url ?? '' } })
      throw new AppError(403, 'csrf_token_invalid', 'The form\'s security token is missing or belongs to another session; reload the page and try again.', { field: 'body._csrf' })
    }
  })

  // Pages get pages back, also when something goes wrong: a sign-in form for a missing or
  // ended session, an error page naming the problem otherwise. Fetches get problem+json.
  app.setErrorHandler(async (error: Error, request, reply) => {
    if (!wantsPage(request)) throw error
    const shown = isDatabaseUnavailable(error)
      ? problem(503, 'database_unavailable', 'The database is not reachable right now. Try again in a few seconds.')
      : toProblem(error, config.debug && !config.isProduction)
    if (shown.status >= 500) request.log.error({ err: error }, 'console request failed')
    if (shown.status === 401 && request.method === 'GET') {
      return seeOther(reply, `${CONSOLE_ROOT}login?next=${encodeURIComponent(request.url)}`)
    }
    if (error instanceof AppError && error.headers !== undefined) void reply.headers(error.headers)
    return page(request, reply.status(shown.status), 'error', { title: shown.title, problem: shown })
  })

  app.get('/system', { schema: { hide }, config: { public: true } }, async (_request, reply) => seeOther(reply, CONSOLE_ROOT))

  app.get('/system/console/assets/:file', {
    schema: { hide, params: AssetParams, querystring: AssetQuery },
    config: { public: true },
  }, async (request, reply) => {
    const asset = assets.get(request.params.file)
    if (asset === undefined) throw new NotFoundError('Asset', 'params.file')
    const etag = `"${asset.version}"`
    void reply.header('etag', etag).header('cache-control', 'public, max-age=31536000, immutable')
    if (request.headers['if-none-match'] === etag) return reply.status(304).send()
    return reply.type(asset.contentType).send(asset.body)
  })

  // -- Signing in and out ---------------------------------------------------------------

  app.get('/system/console/login', {
    schema: { hide, querystring: LoginQuery },
    config: { public: true },
  }, async (request, reply) => page(request, reply, 'login', { title: 'Sign in', next: request.query.next ?? '' }))

  app.post('/system/console/login', {
    schema: { hide, body: LoginBody },
    config: { public: true, rateLimit: { group: 'sign-in', max: config.http.rateLimits.signInPerMinute, windowSeconds: 60 } },
  }, async (request, reply) => {
    const { email, password } = request.body
    const next = request.body.next !== undefined && request.body.next !== '' ? request.body.next : CONSOLE_ROOT
    const allowlist = config.flags.adminIpAllowlist
    let sessionId: string
    try {
      sessionId = await signInToConsole({ auth, db }, {
        email,
        password,
        fromOwnOrigin: isOwnOrigin(request, config.http.csrfTrustedOrigins),
        addressAllowed: allowlist.length === 0 || allowlist.includes(request.ip),
      }, requestMeta(request))
    } catch (error) {
      if (!(error instanceof ConsoleSignInRefused)) throw error
      if (error.headers !== undefined) void reply.headers(error.headers)
      return page(request, reply.status(error.status), 'login', { title: 'Sign in', next, email, error: error.message })
    }
    void reply.setCookie(CONSOLE_COOKIE, sessionId, {
      path: CONSOLE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: config.isProduction,
      signed: true,
      maxAge: config.auth.consoleSessionHours * 3600,
    })
    return seeOther(reply, next)
  })

  app.post('/system/console/logout', {
    schema: { hide, body: ActionBody },
    config: READ,
  }, async (request, reply) => {
    await auth.logout({ sessionId: request.principal!.sessionId }, requestMeta(request))
    void reply.clearCookie(CONSOLE_COOKIE, { path: CONSOLE_PATH, httpOnly: true, sameSite: 'strict', secure: config.isProduction })
    return seeOther(reply, `${CONSOLE_ROOT}login`)
  })

  // -- Pages ------------------------------------------------------------------------------

  app.get('/system/console', {
    schema: { hide, querystring: OverviewQuery },
    config: READ,
  }, async (request, reply) => {
    if (request.query.partial === 'now') return page(request, reply, 'jobs-now', { typeRows: await pages.jobsNow(model) })
    return page(request, reply, 'overview', { title: 'Overview', nav: 'overview', notice: noticeText(request.query.notice, undefined), ...await pages.overview(model) })
  })

  app.get('/system/console/jobs', {
    schema: { hide, querystring: JobListQuery },
    config: READ,
  }, async (request, reply) => {
    const { page: pageNumber = 1, partial, notice, n, ...filter } = request.query
    const list = await pages.jobList(model, filter, pageNumber)
    if (partial === 'rows') return page(request, reply, 'job-results', list)
    return page(request, reply, 'jobs', { title: 'Jobs', nav: 'jobs', notice: noticeText(notice, n), ...list })
  })

  app.post('/system/console/jobs/bulk', {
    schema: { hide, body: BulkBody },
    config: WRITE,
  }, async (request, reply) => {
    const { action, confirm, ids, _csrf: _token, ...filter } = request.body
    if (confirm !== 'yes') {
      return page(request, reply, 'bulk-confirm', { title: `Bulk ${action}`, nav: 'jobs', ...await pages.bulkPreview(model, filter, action) })
    }
    const confirmed = ids === undefined ? [] : Array.isArray(ids) ? ids : [ids]
    const outcome = await actions.bulk(actor(request), action, confirmed, pages.filterFields(filter))
    // Retries are new jobs: show those, which the filter that found the failed ones would hide.
    const shown = action === 'retry'
      ? { trigger: 'retry', type: filter.type, tenant: filter.tenant, last: '1h' }
      : pages.filterFields(filter)
    return seeOther(reply, jobsUrl({ ...shown, notice: `bulk_${action}`, n: outcome.done }))
  })

  app.get('/system/console/jobs/:id', {
    schema: { hide, params: IdParams, querystring: JobPageQuery },
    config: READ,
  }, async (request, reply) => {
    const detail = await pages.jobDetail(model, request.params.id)
    if (request.query.partial === 'fields') return page(request, reply, 'job-fields', detail)
    return page(request, reply, 'job', { title: `Job ${detail.job.type}`, nav: 'jobs', notice: noticeText(request.query.notice, undefined), ...detail })
  })

  app.get('/system/console/jobs/:id/stream', {
    schema: { hide, params: IdParams, querystring: JobStreamQuery },
    config: READ,
  }, async (request, reply) => {
    // EventSource sends Last-Event-ID only when it reconnects; the page names its first start.
    const last = request.headers['last-event-id']
    const afterId = typeof last === 'string' && /^\d{1,15}$/.test(last) ? Number(last) : request.query.after ?? 0
    await pages.jobDetail(model, request.params.id)
    streamJobRows(streams, reply, { jobId: request.params.id, afterId })
    return reply
  })

  app.get('/system/console/stream', {
    schema: { hide },
    config: READ,
  }, async (_request, reply) => {
    streamAllJobEvents(deps.streams, reply)
    return reply
  })

  app.post('/system/console/jobs/:id/retry', {
    schema: { hide, params: IdParams, body: ActionBody },
    config: WRITE,
  }, async (request, reply) => {
    const retried = await actions.retryJob(actor(request), request.params.id)
    return seeOther(reply, `${CONSOLE_ROOT}jobs/${retried.id}?notice=retried`)
  })

  app.post('/system/console/jobs/:id/cancel', {
    schema: { hide, params: IdParams, body: ActionBody },
    config: WRITE,
  }, async (request, reply) => {
    await actions.cancelJob(actor(request), request.params.id)
    return seeOther(reply, `${CONSOLE_ROOT}jobs/${request.params.id}?notice=cancelled`)
  })

  app.post('/system/console/job-types/:type/pause', {
    schema: { hide, params: TypeParams, body: PauseBody },
    config: WRITE,
  }, async (request, reply) => {
    await actions.pauseType(actor(request), request.params.type, request.body.reason ?? '')
    return seeOther(reply, withNotice(request.body.back ?? CONSOLE_ROOT, 'paused'))
  })

  app.post('/system/console/job-types/:type/resume', {
    schema: { hide, params: TypeParams, body: PauseBody },
    config: WRITE,
  }, async (request, reply) => {
    await actions.resumeType(actor(request), request.params.type)
    return seeOther(reply, withNotice(request.body.back ?? CONSOLE_ROOT, 'resumed'))
  })

  app.get('/system/console/schedules', {
    schema: { hide, querystring: SchedulesQuery },
    config: READ,
  }, async (request, reply) => page(request, reply, 'schedules', { title: 'Schedules', nav: 'schedules', notice: noticeText(request.query.notice, undefined), ...await pages.schedulesPage(model) }))

  for (const enabled of [true, false]) {
    app.post(`/system/console/schedules/:id/${enabled ? 'enable' : 'disable'}`, {
      schema: { hide, params: IdParams, body: ActionBody },
      config: WRITE,
    }, async (request, reply) => {
      await actions.setScheduleEnabled(actor(request), request.params.id, enabled)
      return seeOther(reply, `${CONSOLE_ROOT}schedules?notice=schedule_${enabled ? 'enabled' : 'disabled'}`)
    })
  }

  app.post('/system/console/schedules/:id/run', {
    schema: { hide, params: IdParams, body: ActionBody },
    config: WRITE,
  }, async (request, reply) => {
    const jobId = await actions.runScheduleNow(actor(request), request.params.id)
    return seeOther(reply, `${CONSOLE_ROOT}jobs/${jobId}?notice=schedule_run`)
  })
}

function withNotice (back: string, notice: string): string {
  const url = new URL(back, 'http://console.invalid')
  url.searchParams.set('notice', notice)
  return `${url.pathname}${url.search}`
}
