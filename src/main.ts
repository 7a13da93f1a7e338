#!/usr/bin/env node
// afterresume: one program, several roles (DESIGN "Processes and defaults").
//   serve (default)  API + worker + scheduler in one process, migrating first
//   api | worker     one role each (compose runs them separately)
//   migrate          apply migrations, install pg-boss, rebuild ops views
//   validate-env     check the configuration; --print-status shows it, secrets masked
//   jobs …           enqueue | show | list | cancel | retry | types
//   schedules …      list | add | remove | enable | disable
//   cleanup          the retention pass, now (--dry-run counts only)
//   billing …        grant | adjust | show: a tenant's credits
//   import git …     a Git repository's commits → draft work logs, here and now
import { parseArgs } from 'node:util'
import { ConfigError, describeConfig, loadConfig, type Config } from './config.ts'
import { AppError } from './platform/errors.ts'
import { describeFailure } from './platform/startup-error.ts'
import { migrate } from './platform/db/migrate.ts'
import { isDatabaseUnavailable } from './platform/db/unavailable.ts'
import { isJsonObject, type JsonObject } from './platform/db/json.ts'
import { JOB_STATUSES, type JobStatus } from './platform/jobs/job.table.ts'
import { createLogger, type Logger } from './platform/observability/logger.ts'
import { createAccount } from './modules/identity/accounts.ts'
import { NO_REQUEST, recordAuthEvent } from './modules/identity/audit.ts'
import { ROLES, type Role } from './modules/identity/identity.table.ts'
import { createInvite } from './modules/identity/invite.service.ts'
import { seedDemoData } from './modules/worklog/demo/demo-data.ts'
import { changeCredits, ledgerOf } from './modules/billing/billing.service.ts'
import { readBalance, tenantBilling } from './modules/billing/billing.repository.ts'
import { locateDatabase, startServer, startServices, type Services } from './runtime.ts'
import { runCleanup } from './workflows/system/cleanup.ts'
import { runGitImport } from './workflows/imports/ingest-git.ts'
import { GitCommandError, openRepository } from './platform/git/git-repository.ts'
import { withTenant } from './platform/db/tenant.ts'
import type { Db, Trx } from './platform/db/database.ts'
import { sql } from 'kysely'
import { resolve } from 'node:path'

const USAGE = `Usage: afterresume <command> [options]

Service roles
  serve                      API + worker + scheduler (migrates first)   [default]
  api                        HTTP API only
  worker                     job worker and scheduler only
  migrate                    apply migrations and install the pg-boss schema
  validate-env [--print-status]

Jobs (talk to the same database as the service)
  jobs enqueue TYPE [--payload JSON] [--tenant ID] [--idempotency-key K] [--max-retries N] [--run-at ISO]
  jobs show ID               the job and its events
  jobs list [--status S] [--type T] [--limit N]
  jobs cancel ID
  jobs retry ID              re-run a failed or cancelled job as a new job
  jobs types                 registered job types

Accounts
  create-admin [--email E] [--password P]   first staff account with its own tenant (or ADMIN_EMAIL/ADMIN_PASSWORD)
  invites create [--email E] [--tenant ID --role R] [--expires-in 7d]   prints the passkey on its last line
  seed-demo [--email E] [--password P]      demo account and tenant with a quarter of work logs; prints the login

Schedules
  schedules list
  schedules add NAME --type TYPE --cron CRON [--timezone TZ] [--payload JSON] [--disabled]
  schedules remove|enable|disable ID

Credits (docs/billing.md)
  billing grant --tenant ID --credits N --reason TEXT [--idempotency-key K]
  billing adjust --tenant ID --credits=±N --reason TEXT [--idempotency-key K]   (=: a negative N is not a flag)
  billing show --tenant ID   balance, plan and the last 20 ledger entries
Imports
  import git PATH --user EMAIL --author EMAIL [--since YYYY-MM-DD] [--project ID] [--tenant ID]
                             the author's commits in the repository at PATH → one draft work log a
                             day in the account EMAIL; importing again adds nothing

Maintenance
  cleanup [--dry-run]        delete finished jobs, their events and audit events past their
                             retention now (what system.cleanup does nightly); prints the counts
`

async function main (argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE)
    return 0
  }
  if (command === 'validate-env') return validateEnv(rest)
  const config = loadConfig()
  const logger = createLogger({ level: config.debug ? 'debug' : config.logLevel })
  switch (command) {
    case 'serve': return runServer(config, logger, { api: true, worker: true, migrate: true })
    case 'api': return runServer(config, logger, { api: true, worker: false, migrate: false })
    case 'worker': return runServer(config, logger, { api: false, worker: true, migrate: false })
    case 'migrate': {
      const location = await locateDatabase(config, logger)
      try {
        const result = await migrate(location.url, { secretKey: config.secretKey, log: (line) => logger.info(line) })
        print({ applied: result.applied, schema_version: result.current })
      } finally {
        if (location.embedded?.owned === true) await location.embedded.stop()
      }
      return 0
    }
    case 'jobs': return withServices(config, logger, (services) => jobsCommand(services, rest))
    case 'schedules': return withServices(config, logger, (services) => schedulesCommand(services, rest))
    case 'create-admin': return withServices(config, logger, (services) => createAdminCommand(services, rest))
    case 'invites': return withServices(config, logger, (services) => invitesCommand(services, rest))
    case 'seed-demo': return withServices(config, logger, (services) => seedDemoCommand(services, rest))
    case 'cleanup': return withServices(config, logger, (services) => cleanupCommand(services, rest))
    case 'billing': return withServices(config, logger, (services) => billingCommand(services, rest))
    case 'import': return withServices(config, logger, (services) => importCommand(services, rest))
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`)
      return 2
  }
}

function validateEnv (args: string[]): number {
  const { values } = parseArgs({ args, options: { 'print-status': { type: 'boolean' } } })
  if (values['print-status'] === true) process.stdout.write(describeConfig().join('\n') + '\n')
  loadConfig()
  process.stdout.write('configuration OK\n')
  return 0
}

async function runServer (config: Config, logger: Logger, roles: { api: boolean; worker: boolean; migrate: boolean }): Promise<number> {
  // The last line of defence of DESIGN's "no process exits on a lost connection": a
  // database error that escaped every await is logged, not fatal. Anything else is a bug,
  // and the process ends as Node would end it.
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      logger.error({ err: reason }, 'unawaited database error while the database was unavailable (a bug to fix; the process carries on)')
      return
    }
    throw reason
  })
  const server = await startServer(config, logger, roles)
  logger.info({ roles, url: roles.api ? `http://${config.host}:${config.port}` : undefined }, 'afterresume is running')
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      logger.info({ signal, running_jobs: server.services.worker?.runner.runningCount ?? 0 }, 'shutting down: no new work; letting running jobs finish')
      server.stop().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        resolve()
      })
    }
    process.once('SIGTERM', () => shutdown('SIGTERM'))
    process.once('SIGINT', () => shutdown('SIGINT'))
  })
  logger.info('stopped')
  return 0
}

async function withServices (config: Config, logger: Logger, run: (services: Services) => Promise<number>): Promise<number> {
  const quiet = logger.child({}, { level: 'warn' })
  const location = await locateDatabase(config, quiet)
  try {
    const services = await startServices(config, location.url, quiet, { worker: false, scheduler: false })
    try {
      return await run(services)
    } finally {
      await services.stop()
    }
  } finally {
    if (location.embedded?.owned === true) await location.embedded.stop()
  }
}

async function jobsCommand (services: Services, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      payload: { type: 'string' },
      'idempotency-key': { type: 'string' },
      'max-retries': { type: 'string' },
      'run-at': { type: 'string' },
      tenant: { type: 'string' },
      status: { type: 'string' },
      type: { type: 'string' },
      limit: { type: 'string' },
    },
  })
  const id = positionals[0]
  switch (sub) {
    case 'enqueue': {
      if (id === undefined) throw new UsageError('jobs enqueue needs a job type, e.g. `jobs enqueue system.echo --payload \'{"x":1}\'`.')
      // --tenant: the job belongs to that tenant, so its members see and follow it
      // through the API (/api/jobs/{id}/stream/); without it the job is the platform's.
      const tenantId = values.tenant
      if (tenantId !== undefined && !(UUID.test(tenantId) && await tenantExists(services.database.db, tenantId))) {
        throw new UsageError(`--tenant must be the id of an existing tenant (got "${tenantId}").`)
      }
      const { job, created } = await services.jobs.enqueue(services.database.db, {
        type: id,
        ...(tenantId !== undefined && { tenantId }),
        payload: parsePayload(values.payload),
        trigger: 'api',
        ...(values['idempotency-key'] !== undefined && { idempotencyKey: values['idempotency-key'] }),
        ...(values['max-retries'] !== undefined && { maxRetries: Number(values['max-retries']) }),
        ...(values['run-at'] !== undefined && { runAt: new Date(values['run-at']) }),
      })
      print({ ...job, created })
      return 0
    }
    case 'show': {
      if (id === undefined) throw new UsageError('jobs show needs a job id.')
      const job = await services.jobs.get(id)
      print({ ...job, events: await services.jobs.events(id) })
      return 0
    }
    case 'list': {
      const status = values.status
      if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
        throw new UsageError(`--status must be one of ${JOB_STATUSES.join(', ')}.`)
      }
      const { jobs, total } = await services.jobs.list({
        ...(status !== undefined && { status: status as JobStatus }),
        ...(values.type !== undefined && { type: values.type }),
        limit: values.limit === undefined ? 20 : Number(values.limit),
      })
      print({ total, jobs })
      return 0
    }
    case 'cancel':
      if (id === undefined) throw new UsageError('jobs cancel needs a job id.')
      print(await services.jobs.cancel(id, { by: 'cli' }))
      return 0
    case 'retry':
      if (id === undefined) throw new UsageError('jobs retry needs a job id.')
      print(await services.jobs.retry(id))
      return 0
    case 'types':
      print(services.jobs.registry.all().map((t) => ({ type: t.type, description: t.options.description, retry_limit: t.options.retryLimit })))
      return 0
    default:
      throw new UsageError('jobs needs one of: enqueue, show, list, cancel, retry, types.')
  }
}

async function schedulesCommand (services: Services, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      type: { type: 'string' },
      cron: { type: 'string' },
      timezone: { type: 'string' },
      payload: { type: 'string' },
      disabled: { type: 'boolean' },
    },
  })
  const target = positionals[0]
  switch (sub) {
    case 'list':
      print(await services.schedules.list())
      return 0
    case 'add':
      if (target === undefined || values.type === undefined || values.cron === undefined) {
        throw new UsageError('schedules add needs NAME --type TYPE --cron CRON.')
      }
      print(await services.schedules.create({
        name: target,
        jobType: values.type,
        cron: values.cron,
        payload: parsePayload(values.payload),
        enabled: values.disabled !== true,
        ...(values.timezone !== undefined && { timezone: values.timezone }),
      }))
      return 0
    case 'remove':
      if (target === undefined) throw new UsageError('schedules remove needs a schedule id.')
      await services.schedules.remove(target)
      print({ removed: target })
      return 0
    case 'enable':
    case 'disable':
      if (target === undefined) throw new UsageError(`schedules ${sub} needs a schedule id.`)
      print(await services.schedules.setEnabled(target, sub === 'enable'))
      return 0
    default:
      throw new UsageError('schedules needs one of: list, add, remove, enable, disable.')
  }
}

async function createAdminCommand (services: Services, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, password: { type: 'string' } } })
  const email = values.email ?? process.env.ADMIN_EMAIL
  const password = values.password ?? process.env.ADMIN_PASSWORD
  if (email === undefined || password === undefined) throw new UsageError('create-admin needs --email and --password (or ADMIN_EMAIL and ADMIN_PASSWORD).')
  const account = await services.database.db.transaction().execute((trx) => createAccount(trx, { email, password, isStaff: true, displayName: 'Administrator' }))
  await recordAuthEvent(services.database.db, NO_REQUEST, { kind: 'admin_created', userId: account.user.id, tenantId: account.tenantId, email })
  print({ user_id: account.user.id, email: account.user.email, is_staff: true, tenant_id: account.tenantId, role: account.role })
  return 0
}

async function invitesCommand (services: Services, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'create') throw new UsageError('invites needs: create [--email E] [--tenant ID --role R] [--expires-in 7d].')
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, tenant: { type: 'string' }, role: { type: 'string' }, 'expires-in': { type: 'string' } } })
  if (values.role !== undefined && !(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`)
  const { invite, passkey } = await createInvite(services.database.db, {
    createdBy: null,
    ...(values.email !== undefined && { email: values.email }),
    ...(values.tenant !== undefined && { tenantId: values.tenant }),
    ...(values.role !== undefined && { role: values.role as Role }),
    expiresInSeconds: parseDuration(values['expires-in'] ?? '7d'),
  }, NO_REQUEST)
  process.stdout.write(`invite ${invite.id} expires ${invite.expires_at.toISOString()}${invite.email === null ? '' : ` for ${invite.email}`}${invite.tenant_id === null ? '' : ` into tenant ${invite.tenant_id} as ${invite.role ?? ''}`}\n`)
  // The passkey alone on the last line, so scripts can take it with `tail -n 1`.
  process.stdout.write(`${passkey}\n`)
  return 0
}

async function seedDemoCommand (services: Services, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, password: { type: 'string' } } })
  const seeded = await seedDemoData(services.database.db, {
    ...(values.email !== undefined && { email: values.email }),
    ...(values.password !== undefined && { password: values.password }),
  })
  // The password is printed on purpose: the point of a demo account is to sign in with it now.
  print({ email: seeded.email, password: seeded.password, user_id: seeded.userId, tenant_id: seeded.tenantId, counts: seeded.counts })
  return 0
}

/** The retention pass run here and now, not through the queue: it works with no worker running. */
async function cleanupCommand (services: Services, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } } })
  const { retention } = services.config
  print(await runCleanup(services.database.db, retention, { dryRun: values['dry-run'] === true }))
  return 0
}

/** Staff work on credits from the operator's shell: ledgered and audited like the /system/ API (by: cli). */
async function billingCommand (services: Services, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values } = parseArgs({
    args: rest,
    options: { tenant: { type: 'string' }, credits: { type: 'string' }, reason: { type: 'string' }, 'idempotency-key': { type: 'string' } },
  })
  const tenantId = values.tenant
  if (tenantId === undefined || !UUID.test(tenantId)) throw new UsageError(`billing ${sub ?? ''} needs --tenant with a tenant id (UUID).`)
  const db = services.database.db
  switch (sub) {
    case 'grant':
    case 'adjust': {
      const credits = Number(values.credits)
      if (values.credits === undefined || !Number.isSafeInteger(credits) || credits === 0 || (sub === 'grant' && credits < 0)) {
        throw new UsageError(`--credits must be a whole number${sub === 'grant' ? ' above 0' : ' other than 0 (negative takes credits away)'}.`)
      }
      if (values.reason === undefined || values.reason.trim() === '') throw new UsageError(`billing ${sub} needs --reason (it is kept in the ledger and the audit log).`)
      print(await changeCredits(db, {
        tenantId,
        kind: sub === 'grant' ? 'grant' : 'adjustment',
        credits,
        reason: values.reason.trim(),
        staffUserId: null,
        ...(values['idempotency-key'] !== undefined && { idempotencyKey: values['idempotency-key'] }),
        actor: { by: 'cli' },
      }, NO_REQUEST))
      return 0
    }
    case 'show': {
      const tenant = await tenantBilling(db, tenantId)
      if (tenant === undefined) throw new UsageError(`No tenant ${tenantId}.`)
      const { entries } = await ledgerOf(db, tenantId, { limit: 20, offset: 0 })
      print({ tenant_id: tenantId, name: tenant.name, plan: tenant.billing_plan, stripe_customer_id: tenant.stripe_customer_id, ...await readBalance(db, tenantId), entries })
      return 0
    }
    default:
      throw new UsageError('billing needs one of: grant, adjust, show.')
  }
}

/**
 * `import git`: the import ingest.git runs, run here without the queue. The operator reads
 * any path they give (GIT_IMPORT_ROOT binds only the HTTP route and the job). The drafts'
 * analyses are queued for the worker, as a save through the API would queue them.
 */
async function importCommand (services: Services, args: string[]): Promise<number> {
  const [source, ...rest] = args
  if (source !== 'git') throw new UsageError('import needs a source: import git PATH --user EMAIL --author EMAIL [--since YYYY-MM-DD] [--project ID] [--tenant ID].')
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { user: { type: 'string' }, author: { type: 'string' }, since: { type: 'string' }, project: { type: 'string' }, tenant: { type: 'string' } },
  })
  const path = positionals[0]
  if (path === undefined || values.user === undefined || values.author === undefined) {
    throw new UsageError('import git needs PATH --user EMAIL (the AfterResume account) --author EMAIL (whose commits).')
  }
  if (values.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.since)) throw new UsageError(`--since must be a day YYYY-MM-DD (got "${values.since}").`)
  const { db, tenantDb } = services.database
  const actor = await accountToImportInto(db, values.user, values.tenant)
  let repository
  try {
    repository = await openRepository(resolve(path))
  } catch (error) {
    if (error instanceof GitCommandError) throw new UsageError(error.message)
    throw error
  }
  const { jobs, config } = services
  const summary = await runGitImport((work) => withTenant(tenantDb, actor.tenantId, work), actor, {
    repository,
    authorEmail: values.author,
    ...(values.since !== undefined && { since: values.since }),
    ...(values.project !== undefined && { projectId: values.project }),
  }, {
    now: new Date(),
    ...(config.workflows.autoAnalyze && {
      analyse: async (trx: Trx, worklogId: string) => {
        await jobs.enqueue(trx, { type: 'worklog.analyze', trigger: 'system', tenantId: actor.tenantId, userId: actor.userId, payload: { worklog_id: worklogId }, idempotencyKey: `analyze:${worklogId}:import` })
      },
    }),
  })
  print(summary)
  return 0
}

/** The account --user names, in --tenant or in its only active tenant. */
async function accountToImportInto (db: Db, email: string, tenantId: string | undefined): Promise<{ tenantId: string; userId: string }> {
  const memberships = await db.selectFrom('app_user as u').innerJoin('tenant_membership as m', 'm.user_id', 'u.id')
    .select(['u.id as user_id', 'm.tenant_id']).where(sql<boolean>`lower(u.email) = lower(${email})`)
    .where('u.is_active', '=', true).where('m.is_active', '=', true).execute()
  if (memberships.length === 0) throw new UsageError(`--user: no active account ${email} with an active membership.`)
  const chosen = tenantId === undefined ? memberships : memberships.filter((m) => m.tenant_id === tenantId)
  if (chosen.length !== 1) {
    throw new UsageError(tenantId === undefined
      ? `--user: ${email} belongs to ${memberships.length} tenants; name one with --tenant (${memberships.map((m) => m.tenant_id).join(', ')}).`
      : `--tenant: ${email} is not an active member of tenant ${tenantId}.`)
  }
  return { tenantId: chosen[0]!.tenant_id, userId: chosen[0]!.user_id }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

async function tenantExists (db: Db, tenantId: string): Promise<boolean> {
  return (await db.selectFrom('tenant').select('id').where('id', '=', tenantId).executeTakeFirst()) !== undefined
}

function parseDuration (text: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim())
  if (match === null) throw new UsageError(`--expires-in must look like 30m, 12h or 7d (got "${text}").`)
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd']
}

class UsageError extends Error {}

function parsePayload (text: string | undefined): JsonObject {
  if (text === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--payload is not valid JSON: ${(error as Error).message}`)
  }
  if (!isJsonObject(value)) throw new UsageError('--payload must be a JSON object, e.g. \'{"x":1}\'.')
  return value
}

function print (value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
}, (error: unknown) => {
  const expected = error instanceof ConfigError || error instanceof UsageError || error instanceof AppError
  process.stderr.write(`afterresume: ${expected ? error.message : describeFailure(error)}\n`)
  if (!expected && process.env.DEBUG === 'true' && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`)
  process.exitCode = error instanceof UsageError ? 2 : 1
})
