// Environment → typed configuration. One table (SETTINGS) declares every variable the
// service reads, so `validate-env --print-status`, the table in docs/configuration.md
// (`npm run docs:settings`) and the parser can never disagree about names, defaults or
// which values are secrets.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { normalizeCron } from './platform/jobs/schedules.ts'
import { isIP } from 'node:net'

type Kind = 'string' | 'int' | 'bool' | 'list' | 'url'

interface Setting {
  readonly kind: Kind
  readonly default?: string
  readonly secret?: boolean
  readonly help: string
}

export const SETTINGS = {
  NODE_ENV: { kind: 'string', default: 'development', help: '`production` turns on the strict checks (SECRET_KEY required, Secure cookies, HSTS).' },
  DEBUG: { kind: 'bool', default: 'false', help: 'Verbose (debug-level) logs and error details in 5xx replies (never in production).' },
  LOG_LEVEL: { kind: 'string', default: 'info', help: 'pino level: trace, debug, info, warn, error, fatal, silent.' },
  HOST: { kind: 'string', default: '127.0.0.1', help: 'Address the HTTP server binds to (0.0.0.0 in containers).' },
  PORT: { kind: 'int', default: '8000', help: 'HTTP port.' },
  ALLOWED_HOSTS: { kind: 'list', default: '', help: 'Comma-separated Host header allowlist (empty: any). Was DJANGO_ALLOWED_HOSTS.' },
  DATA_DIR: { kind: 'string', default: '.data', help: 'Where the embedded PostgreSQL, local attachments and the generated development secret live.' },
  DATABASE_URL: { kind: 'url', secret: true, help: 'PostgreSQL connection string. Unset: an embedded PostgreSQL is started under DATA_DIR.' },
  APP_DATABASE_URL: { kind: 'url', secret: true, help: 'Connection the service queries as. Unset: DATABASE_URL\'s server with the afterresume_app role that migrate creates (never a superuser or table owner, so row-level security holds).' },
  DATABASE_POOL_MAX: { kind: 'int', default: '10', help: 'Connections per process in the application pool.' },
  EMBEDDED_PG_PORT: { kind: 'int', default: '54329', help: 'Port of the embedded PostgreSQL (only when DATABASE_URL is unset).' },
  SECRET_KEY: { kind: 'string', secret: true, help: 'Signing secret. Required in production; in development one is generated and kept in DATA_DIR/secret_key.' },
  SERVICE_TO_SERVICE_SECRET: { kind: 'string', secret: true, help: 'HMAC key of X-Service-Token (SPA proxy → API). Falls back to SECRET_KEY.' },
  SKIP_SERVICE_AUTH: { kind: 'bool', default: 'false', help: 'Development only: accept /api/* calls without X-Service-Token (refused in production).' },
  JWT_REFRESH_COOKIE_NAME: { kind: 'string', default: 'afterresume_refresh', help: 'Name of the HttpOnly refresh-token cookie (Path=/api/auth/).' },
  ACCESS_TOKEN_TTL_SECONDS: { kind: 'int', default: '300', help: 'Lifetime of access tokens (at most 600).' },
  REFRESH_TOKEN_TTL_DAYS: { kind: 'int', default: '14', help: 'Lifetime of a sign-in (refresh-token family).' },
  CORS_ALLOWED_ORIGINS: { kind: 'list', default: '', help: 'Comma-separated origins allowed to call the API cross-origin (empty: same origin only).' },
  CSRF_TRUSTED_ORIGINS: { kind: 'list', default: '', help: 'Origins allowed to make cookie-authenticated POSTs (refresh, logout) besides the API\'s own.' },
  TRUST_PROXY: { kind: 'string', default: 'false', help: 'Whom to believe about X-Forwarded-For (only proxies you run): `false`; `true` (any hop: the leftmost address); a hop count such as `1` (the address your one proxy saw); or a comma list of proxy addresses/CIDRs. Rate limits and audit then use the forwarded client address.' },
  HTTP_HEADERS_TIMEOUT_MS: { kind: 'int', default: '20000', help: 'Time a client has to send a request\'s line and headers (default 20 s); then 408 and the connection is closed.' },
  HTTP_BODY_TIMEOUT_MS: { kind: 'int', default: '30000', help: 'A request body must keep coming: in every window this long (default 30 s) at least HTTP_BODY_MIN_BYTES_PER_SECOND × the window must arrive, or 408 and close. 0 turns the check off.' },
  HTTP_BODY_MIN_BYTES_PER_SECOND: { kind: 'int', default: '1024', help: 'The slowest body upload accepted, averaged over each HTTP_BODY_TIMEOUT_MS window (default 1 KiB/s; 0: any progress at all will do).' },
  HTTP_REQUEST_TIMEOUT_MS: { kind: 'int', default: '600000', help: 'Time a client has to send a whole request, body included (default 10 min: MAX_UPLOAD_BYTES of 25 MiB at about 350 kbit/s); then 408. 0: no limit.' },
  HTTP_KEEP_ALIVE_TIMEOUT_MS: { kind: 'int', default: '72000', help: 'How long an idle keep-alive connection stays open (default 72 s: longer than the 60 s idle timeout of common load balancers, so they never reuse a connection we are closing).' },
  HTTP_CONNECTION_TIMEOUT_MS: { kind: 'int', default: '120000', help: 'A connection with no traffic either way for this long is closed (default 2 min), e.g. a client that stopped reading a download. 0: never.' },
  RATE_LIMIT_PER_MINUTE: { kind: 'int', default: '600', help: '/api/* requests a minute from one client address that carry no valid access token.' },
  RATE_LIMIT_PER_USER_PER_MINUTE: { kind: 'int', default: '600', help: '/api/* requests a minute from one signed-in user, from whatever addresses (instead of the per-address limit, so users behind one NAT address do not share one allowance).' },
  RATE_LIMIT_SIGN_IN_PER_MINUTE: { kind: 'int', default: '10', help: 'Sign-in attempts (login and script token together) a minute from one client address.' },
  RATE_LIMIT_SIGNUP_PER_MINUTE: { kind: 'int', default: '5', help: 'Signups a minute from one client address.' },
  RATE_LIMIT_REFRESH_PER_MINUTE: { kind: 'int', default: '30', help: 'Token refreshes a minute from one client address.' },
  RATE_LIMIT_INVITES_PER_HOUR: { kind: 'int', default: '20', help: 'Invites created an hour from one client address.' },
  MAINTENANCE_MODE: { kind: 'bool', default: 'false', help: 'Writes answer 503 for everyone but staff.' },
  DISABLE_SHARING: { kind: 'bool', default: 'false', help: 'Turn share-link creation and access off.' },
  ADMIN_IP_ALLOWLIST: { kind: 'list', default: '', help: 'Comma-separated client IPs allowed on staff/system routes (empty: any).' },
  ADMIN_EMAIL: { kind: 'string', help: 'Default e-mail for `afterresume create-admin`.' },
  ADMIN_PASSWORD: { kind: 'string', secret: true, help: 'Default password for `afterresume create-admin`.' },
  SYSTEM_DASHBOARD_ENABLED: { kind: 'bool', default: 'true', help: 'Serve the staff-only /system/* API and the operator console at /system/ (docs/console.md).' },
  CONSOLE_SESSION_HOURS: { kind: 'int', default: '12', help: 'Lifetime of an operator-console sign-in (its HttpOnly cookie and session), in hours.' },
  METRICS_TOKEN: { kind: 'string', secret: true, help: 'Bearer token a Prometheus scraper sends to GET /metrics (at least 16 characters). Without it, only addresses in ADMIN_IP_ALLOWLIST may scrape; with neither, /metrics answers 403.' },
  WORKER_METRICS_PORT: { kind: 'int', default: '0', help: 'Port on HOST where a `worker` process serves GET /metrics (same protection). 0: a worker process serves no metrics; `serve` and `api` serve /metrics on PORT.' },
  OTEL_EXPORTER_OTLP_ENDPOINT: { kind: 'url', help: 'OpenTelemetry collector base URL (OTLP over HTTP; traces go to <url>/v1/traces). Unset: tracing is off and costs nothing.' },
  OTEL_EXPORTER_OTLP_HEADERS: { kind: 'string', secret: true, help: 'Headers sent with every export, `key=value` pairs separated by commas (values URL-encoded), e.g. an API key of a hosted collector.' },
  OTEL_SERVICE_NAME: { kind: 'string', default: 'afterresume', help: 'service.name on every exported span.' },
  WORKER_CONCURRENCY: { kind: 'int', default: '2', help: 'Fetch loops per job type in one worker process (each runs up to the type\'s batch size at once).' },
  WORKER_SHUTDOWN_TIMEOUT_MS: { kind: 'int', default: '30000', help: 'On SIGTERM, how long running jobs get to finish before the process stops.' },
  JOB_HEARTBEAT_SECONDS: { kind: 'int', default: '30', help: 'A running job whose worker stops heartbeating for this long is retried (min 10).' },
  JOB_SWEEP_INTERVAL_SECONDS: { kind: 'int', default: '15', help: 'How often the worker reconciles job rows with pg-boss after crashes.' },
  MINIO_ENDPOINT: { kind: 'string', help: 'host:port of MinIO/S3. Unset: attachments are stored under DATA_DIR/files.' },
  MINIO_ACCESS_KEY: { kind: 'string', secret: true, help: 'MinIO access key.' },
  MINIO_SECRET_KEY: { kind: 'string', secret: true, help: 'MinIO secret key.' },
  MINIO_SECURE: { kind: 'bool', default: 'false', help: 'Use HTTPS to reach MinIO.' },
  MINIO_BUCKET: { kind: 'string', default: 'afterresume', help: 'Bucket for attachments (created if missing).' },
  MAX_UPLOAD_BYTES: { kind: 'int', default: '26214400', help: 'Largest attachment accepted, in bytes (default 25 MiB); a larger upload is cut off at the limit and answered 413.' },
  LLM_PROVIDER: { kind: 'string', default: 'local', help: '`local` (built-in, deterministic), `openai`, `vllm` or `ollama`.' },
  LLM_BASE_URL: { kind: 'url', help: 'OpenAI-compatible base URL (…/v1) for LLM_PROVIDER=openai.' },
  LLM_API_KEY: { kind: 'string', secret: true, help: 'Bearer key for the OpenAI-compatible server.' },
  LLM_VLLM_ENDPOINT: { kind: 'url', help: 'vLLM base URL (…/v1) for LLM_PROVIDER=vllm.' },
  OLLAMA_ENDPOINT: { kind: 'url', help: 'Ollama base URL for LLM_PROVIDER=ollama.' },
  LLM_MODEL_NAME: { kind: 'string', help: 'Model identifier sent to the LLM server.' },
  WORKFLOW_AUTO_CHAIN: { kind: 'bool', default: 'true', help: 'worklog.analyze enqueues skills.extract as a child job when it succeeds.' },
  WORKLOG_AUTO_ANALYZE: { kind: 'bool', default: 'true', help: 'Creating or updating a work log enqueues worklog.analyze in the same transaction.' },
  LLM_TIMEOUT_MS: { kind: 'int', default: '60000', help: 'Per-request LLM timeout.' },
  JOB_RETENTION_DAYS: { kind: 'int', default: '30', help: 'Successful and cancelled jobs (with their events) are deleted this many days after they finished; pg-boss keeps its own copy of a finished delivery as long.' },
  FAILED_JOB_RETENTION_DAYS: { kind: 'int', default: '90', help: 'Failed jobs (with their events) are deleted this many days after they finished.' },
  AUDIT_RETENTION_DAYS: { kind: 'int', default: '365', help: 'auth_event (audit log) rows older than this many days are deleted.' },
  CLEANUP_CRON: { kind: 'string', default: '30 3 * * *', help: 'When system.cleanup runs (5-field cron or @daily…, UTC); applied to its schedule at every worker start.' },
  GIT_IMPORT_ROOT: { kind: 'string', help: 'Absolute folder under which staff may import Git repositories over HTTP (POST /api/imports/git/); unset: that route is off. The CLI (`import git`) reads any path it is given.' },
  GITHUB_API_BASE: { kind: 'url', default: 'https://api.github.com', help: 'GitHub REST API base URL for the GitHub connector (GitHub Enterprise: https://HOST/api/v3).' },
  CLEANUP_BATCH_SIZE: { kind: 'int', default: '2000', help: 'Rows deleted per statement (each its own short transaction) by system.cleanup.' },
  BILLING_ENABLED: { kind: 'bool', help: 'Credits billing (docs/billing.md): AI jobs reserve credits and fail without them. Unset: on exactly when STRIPE_SECRET_KEY is set; `true` without Stripe means credits come from staff grants only.' },
  STRIPE_SECRET_KEY: { kind: 'string', secret: true, help: 'Stripe API key (sk_…) for Checkout and the billing portal. Unset: no payments (and, unless BILLING_ENABLED=true, no billing).' },
  STRIPE_PUBLISHABLE_KEY: { kind: 'string', help: 'Stripe publishable key (pk_…), handed to the SPA by GET /api/billing/.' },
  STRIPE_WEBHOOK_SECRET: { kind: 'string', secret: true, help: 'Signing secret (whsec_…) of the webhook endpoint /api/billing/webhook/; required with STRIPE_SECRET_KEY.' },
  STRIPE_API_BASE: { kind: 'url', help: 'Where the Stripe client sends API calls (e.g. http://localhost:12111 for stripe-mock). Unset: Stripe\'s own API.' },
  BILLING_RETURN_URL: { kind: 'url', help: 'Where Stripe sends people back after Checkout (with ?checkout=success or ?checkout=cancelled) and from the billing portal; required with STRIPE_SECRET_KEY.' },
  BILLING_PACKS: { kind: 'list', default: '', help: 'Credit packs for sale, comma-separated `id:credits:price_…` (a one-time Stripe Price), e.g. `starter:1000:price_123`.' },
  BILLING_PLANS: { kind: 'list', default: '', help: 'Subscription plans, comma-separated `id:credits:price_…` (a recurring Stripe Price); each paid invoice grants the credits.' },
  CREDITS_PER_1K_TOKENS: { kind: 'string', help: 'Credits one job spends per 1,000 tokens (prompt + completion; decimals allowed). Unset: the LLM call\'s estimated USD cost at CREDITS_PER_USD.' },
  CREDITS_PER_USD: { kind: 'int', default: '100', help: 'Credits per US dollar of estimated LLM cost when CREDITS_PER_1K_TOKENS is unset (100: a credit is a cent).' },
  CREDITS_MIN_PER_JOB: { kind: 'int', default: '1', help: 'The least an AI job costs, however few tokens it used (also what a free, self-hosted model costs a job).' },
} as const satisfies Record<string, Setting>

export type SettingName = keyof typeof SETTINGS

export interface Config {
  readonly env: 'development' | 'production' | 'test'
  readonly isProduction: boolean
  readonly debug: boolean
  readonly logLevel: string
  readonly host: string
  readonly port: number
  readonly allowedHosts: readonly string[]
  readonly dataDir: string
  readonly databaseUrl: string | undefined
  readonly appDatabaseUrl: string | undefined
  readonly databasePoolMax: number
  readonly embeddedPgPort: number
  readonly secretKey: string
  readonly systemDashboardEnabled: boolean
  readonly observability: ObservabilitySettings
  readonly auth: {
    readonly serviceSecret: string
    readonly skipServiceAuth: boolean
    readonly refreshCookieName: string
    readonly accessTokenTtlSeconds: number
    readonly refreshTokenTtlDays: number
    /** Lifetime of an operator-console session (cookie and auth_session row). */
    readonly consoleSessionHours: number
  }
  readonly http: {
    readonly corsAllowedOrigins: readonly string[]
    readonly csrfTrustedOrigins: readonly string[]
    readonly trustProxy: TrustProxy
    /** HTTP_*_TIMEOUT_MS and the body rate: what server-limits.ts gives Node and Fastify. */
    readonly timeouts: {
      readonly headersMs: number
      readonly bodyMs: number
      readonly bodyMinBytesPerSecond: number
      readonly requestMs: number
      readonly keepAliveMs: number
      readonly connectionMs: number
    }
    readonly rateLimits: RateLimitSettings
  }
  readonly flags: {
    readonly maintenanceMode: boolean
    readonly disableSharing: boolean
    readonly adminIpAllowlist: readonly string[]
  }
  readonly worker: {
    readonly concurrency: number
    readonly shutdownTimeoutMs: number
    readonly heartbeatSeconds: number
    readonly sweepIntervalSeconds: number
  }
  readonly storage:
    | { readonly kind: 'local'; readonly root: string }
    | { readonly kind: 'minio'; readonly endpoint: string; readonly accessKey: string; readonly secretKey: string; readonly secure: boolean; readonly bucket: string }
  /** MAX_UPLOAD_BYTES: a limit of the HTTP API, not of the store, so it lives beside `storage`. */
  readonly maxUploadBytes: number
  readonly workflows: {
    readonly autoChain: boolean
    readonly autoAnalyze: boolean
  }
  readonly llm: {
    readonly provider: 'local' | 'openai' | 'vllm' | 'ollama'
    readonly baseUrl: string | undefined
    readonly apiKey: string | undefined
    readonly model: string | undefined
    readonly timeoutMs: number
  }
  readonly billing: BillingSettings
  /** The Git and GitHub connectors (docs/imports.md). */
  readonly imports: {
    /** GIT_IMPORT_ROOT: undefined turns the HTTP Git import off. */
    readonly gitImportRoot: string | undefined
    readonly githubApiBase: string
  }
  /** What system.cleanup deletes, and when; the ledgers (llm_call, XP) are never pruned. */
  readonly retention: {
    readonly jobDays: number
    readonly failedJobDays: number
    readonly auditDays: number
    readonly cron: string
    readonly batchSize: number
  }
}

/** Who may scrape /metrics, where a worker serves it, and where traces go. */
export interface ObservabilitySettings {
  readonly metricsToken: string | undefined
  /** 0: a worker-only process serves no /metrics. */
  readonly workerMetricsPort: number
  readonly tracing: {
    /** Unset: tracing is off. */
    readonly endpoint: string | undefined
    readonly headers: Readonly<Record<string, string>>
    readonly serviceName: string
  }
}

/** A credit pack or plan on sale: its id, the credits one purchase (or paid invoice) grants, and its Stripe Price. */
export interface CreditOffer {
  readonly id: string
  readonly credits: number
  readonly price: string
}

/** BILLING_*, STRIPE_* and CREDITS_*: docs/billing.md. */
export interface BillingSettings {
  readonly enabled: boolean
  /** Present when STRIPE_SECRET_KEY is set (then the webhook secret and return URL are too). */
  readonly stripe: {
    readonly secretKey: string
    readonly publishableKey: string | undefined
    readonly webhookSecret: string
    readonly apiBase: string | undefined
    readonly returnUrl: string
  } | undefined
  readonly packs: readonly CreditOffer[]
  readonly plans: readonly CreditOffer[]
  readonly pricing: {
    /** CREDITS_PER_1K_TOKENS; undefined: priced by the LLM call's estimated cost. */
    readonly perThousandTokens: number | undefined
    readonly perUsd: number
    readonly minPerJob: number
  }
}

/** Fastify's trustProxy: off, any hop, the last N hops, or these proxy addresses. */
export type TrustProxy = boolean | number | readonly string[]

/** Allowances per window; which client or user each counts against is rate-limit.ts's business. */
export interface RateLimitSettings {
  readonly perMinute: number
  readonly perUserPerMinute: number
  readonly signInPerMinute: number
  readonly signupPerMinute: number
  readonly refreshPerMinute: number
  readonly invitesPerHour: number
}

/** Every problem found, so an operator fixes them all in one go rather than one per restart. */
export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor (problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type Env = Readonly<Record<string, string | undefined>>

class Reader {
  readonly problems: string[] = []
  private readonly env: Env
  constructor (env: Env) { this.env = env }

  raw (name: SettingName): string | undefined {
    const value = this.env[name]
    if (value !== undefined && value.trim() !== '') return value.trim()
    const fallback: Setting = SETTINGS[name]
    return fallback.default === '' ? undefined : fallback.default
  }

  string (name: SettingName): string | undefined { return this.raw(name) }

  int (name: SettingName): number {
    const value = this.raw(name) ?? '0'
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0) this.problems.push(`${name} must be a non-negative integer (got "${value}").`)
    return n
  }

  bool (name: SettingName): boolean {
    const value = (this.raw(name) ?? 'false').toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(value)) return true
    if (['false', '0', 'no', 'off'].includes(value)) return false
    this.problems.push(`${name} must be true or false (got "${value}").`)
    return false
  }

  list (name: SettingName): string[] {
    return (this.raw(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  }

  url (name: SettingName): string | undefined {
    const value = this.raw(name)
    if (value === undefined) return undefined
    if (!URL.canParse(value)) this.problems.push(`${name} must be a URL (got "${maskUrl(value)}").`)
    return value
  }
}

export function loadConfig (env: Env = process.env): Config {
  const r = new Reader(env)
  const nodeEnv = r.string('NODE_ENV') ?? 'development'
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    r.problems.push(`NODE_ENV must be development, production or test (got "${nodeEnv}").`)
  }
  const isProduction = nodeEnv === 'production'
  const dataDir = resolve(r.string('DATA_DIR') ?? '.data')

  const heartbeatSeconds = r.int('JOB_HEARTBEAT_SECONDS')
  if (heartbeatSeconds < 10) r.problems.push('JOB_HEARTBEAT_SECONDS must be at least 10 (pg-boss refuses shorter heartbeats).')

  const llmProvider = r.string('LLM_PROVIDER') ?? 'local'
  const llm = readLlm(r, llmProvider)
  const storage = readStorage(r, dataDir)
  const maxUploadBytes = r.int('MAX_UPLOAD_BYTES')
  if (maxUploadBytes < 1) r.problems.push('MAX_UPLOAD_BYTES must be at least 1 (it is the largest attachment accepted, in bytes).')

  const skipServiceAuth = r.bool('SKIP_SERVICE_AUTH')
  if (skipServiceAuth && isProduction) r.problems.push('SKIP_SERVICE_AUTH=true is refused in production: the SPA proxy must sign its calls.')
  const accessTokenTtlSeconds = r.int('ACCESS_TOKEN_TTL_SECONDS')
  if (accessTokenTtlSeconds < 30 || accessTokenTtlSeconds > 600) r.problems.push('ACCESS_TOKEN_TTL_SECONDS must be between 30 and 600 (access tokens stay short-lived).')

  let secretKey = r.string('SECRET_KEY')
  if (secretKey === undefined && isProduction) {
    r.problems.push('SECRET_KEY is required in production: set it to a long random string, e.g. `openssl rand -hex 32`.')
  } else if (secretKey !== undefined && isProduction && secretKey.length < 32) {
    r.problems.push('SECRET_KEY must be at least 32 characters in production.')
  }

  const config: Config = {
    env: nodeEnv as Config['env'],
    isProduction,
    debug: r.bool('DEBUG'),
    logLevel: r.string('LOG_LEVEL') ?? 'info',
    host: r.string('HOST') ?? '127.0.0.1',
    port: r.int('PORT'),
    allowedHosts: r.list('ALLOWED_HOSTS'),
    dataDir,
    databaseUrl: r.url('DATABASE_URL'),
    appDatabaseUrl: r.url('APP_DATABASE_URL'),
    databasePoolMax: r.int('DATABASE_POOL_MAX'),
    embeddedPgPort: r.int('EMBEDDED_PG_PORT'),
    secretKey: '',
    systemDashboardEnabled: r.bool('SYSTEM_DASHBOARD_ENABLED'),
    observability: readObservability(r),
    auth: {
      serviceSecret: '',
      skipServiceAuth,
      refreshCookieName: r.string('JWT_REFRESH_COOKIE_NAME') ?? 'afterresume_refresh',
      accessTokenTtlSeconds,
      refreshTokenTtlDays: Math.max(1, r.int('REFRESH_TOKEN_TTL_DAYS')),
      consoleSessionHours: Math.max(1, r.int('CONSOLE_SESSION_HOURS')),
    },
    http: {
      corsAllowedOrigins: r.list('CORS_ALLOWED_ORIGINS'),
      csrfTrustedOrigins: r.list('CSRF_TRUSTED_ORIGINS'),
      trustProxy: readTrustProxy(r),
      timeouts: readHttpTimeouts(r),
      rateLimits: readRateLimits(r),
    },
    flags: {
      maintenanceMode: r.bool('MAINTENANCE_MODE'),
      disableSharing: r.bool('DISABLE_SHARING'),
      adminIpAllowlist: r.list('ADMIN_IP_ALLOWLIST'),
    },
    worker: {
      concurrency: Math.max(1, r.int('WORKER_CONCURRENCY')),
      shutdownTimeoutMs: r.int('WORKER_SHUTDOWN_TIMEOUT_MS'),
      heartbeatSeconds,
      sweepIntervalSeconds: Math.max(1, r.int('JOB_SWEEP_INTERVAL_SECONDS')),
    },
    storage,
    maxUploadBytes,
    workflows: { autoChain: r.bool('WORKFLOW_AUTO_CHAIN'), autoAnalyze: r.bool('WORKLOG_AUTO_ANALYZE') },
    llm,
    billing: readBilling(r),
    retention: readRetention(r),
    imports: readImports(r),
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems)
  // Only generated once the rest is known to be valid, so a failing validate-env writes nothing.
  secretKey ??= developmentSecret(dataDir)
  return { ...config, secretKey, auth: { ...config.auth, serviceSecret: r.string('SERVICE_TO_SERVICE_SECRET') ?? secretKey } }
}

// proxy-addr's names for address ranges, accepted in the list beside addresses and CIDRs.
const PROXY_ADDRESS_NAMES = ['loopback', 'linklocal', 'uniquelocal']

function readTrustProxy (r: Reader): TrustProxy {
  const value = (r.string('TRUST_PROXY') ?? 'false').toLowerCase()
  if (['true', 'yes', 'on'].includes(value)) return true
  if (['false', 'no', 'off'].includes(value)) return false
  // A number is a hop count (Fastify/proxy-addr): 1 believes the address the one proxy in
  // front saw, not whatever the client wrote further left. 0 believes no one.
  if (/^\d+$/.test(value)) return Number(value) === 0 ? false : Number(value)
  const addresses = value.split(',').map((a) => a.trim()).filter(Boolean)
  const isProxyAddress = (a: string): boolean => PROXY_ADDRESS_NAMES.includes(a) || isIP(a.replace(/\/\d{1,3}$/, '')) !== 0
  if (addresses.length === 0 || !addresses.every(isProxyAddress)) {
    r.problems.push(`TRUST_PROXY must be true, false, a hop count or a comma list of proxy addresses (got "${value}").`)
    return false
  }
  return addresses
}

function readRateLimits (r: Reader): RateLimitSettings {
  const atLeastOne = (name: SettingName): number => {
    const n = r.int(name)
    if (n < 1) r.problems.push(`${name} must be at least 1 (it is an allowance per window).`)
    return n
  }
  return {
    perMinute: atLeastOne('RATE_LIMIT_PER_MINUTE'),
    perUserPerMinute: atLeastOne('RATE_LIMIT_PER_USER_PER_MINUTE'),
    signInPerMinute: atLeastOne('RATE_LIMIT_SIGN_IN_PER_MINUTE'),
    signupPerMinute: atLeastOne('RATE_LIMIT_SIGNUP_PER_MINUTE'),
    refreshPerMinute: atLeastOne('RATE_LIMIT_REFRESH_PER_MINUTE'),
    invitesPerHour: atLeastOne('RATE_LIMIT_INVITES_PER_HOUR'),
  }
}

function readLlm (r: Reader, provider: string): Config['llm'] {
  const timeoutMs = r.int('LLM_TIMEOUT_MS')
  const model = r.string('LLM_MODEL_NAME')
  const apiKey = r.string('LLM_API_KEY')
  const need = (name: SettingName): string | undefined => {
    const value = r.url(name)
    if (value === undefined) r.problems.push(`LLM_PROVIDER=${provider} needs ${name}.`)
    return value
  }
  switch (provider) {
    case 'local':
      return { provider, baseUrl: undefined, apiKey: undefined, model, timeoutMs }
    case 'openai':
    case 'vllm':
    case 'ollama': {
      let baseUrl = need(provider === 'openai' ? 'LLM_BASE_URL' : provider === 'vllm' ? 'LLM_VLLM_ENDPOINT' : 'OLLAMA_ENDPOINT')
      // Ollama serves its OpenAI-compatible API under /v1; people usually give the bare server address.
      if (provider === 'ollama' && baseUrl !== undefined && !/\/v1\/?$/.test(baseUrl)) baseUrl = `${baseUrl.replace(/\/+$/, '')}/v1`
      if (model === undefined) r.problems.push(`LLM_PROVIDER=${provider} needs LLM_MODEL_NAME (the model the server should run).`)
      return { provider, baseUrl, apiKey, model, timeoutMs }
    }
    default:
      r.problems.push(`LLM_PROVIDER must be local, openai, vllm or ollama (got "${provider}").`)
      return { provider: 'local', baseUrl: undefined, apiKey: undefined, model, timeoutMs }
  }
}

function readRetention (r: Reader): Config['retention'] {
  const positive = (name: SettingName): number => {
    const text = r.raw(name) ?? ''
    const value = Number(text)
    if (!Number.isInteger(value) || value < 1) r.problems.push(`${name} must be a positive integer (got "${text}").`)
    return value
  }
  const cron = r.string('CLEANUP_CRON') ?? '30 3 * * *'
  try {
    normalizeCron(cron, 'UTC')
  } catch (error) {
    r.problems.push(`CLEANUP_CRON: ${(error as Error).message}`)
  }
  return {
    jobDays: positive('JOB_RETENTION_DAYS'),
    failedJobDays: positive('FAILED_JOB_RETENTION_DAYS'),
    auditDays: positive('AUDIT_RETENTION_DAYS'),
    cron,
    batchSize: positive('CLEANUP_BATCH_SIZE'),
  }
}

function readObservability (r: Reader): ObservabilitySettings {
  const metricsToken = r.string('METRICS_TOKEN')
  // A scraper's token is checked on every scrape from anywhere the port is reachable: a
  // short one could be guessed.
  if (metricsToken !== undefined && metricsToken.length < 16) r.problems.push('METRICS_TOKEN must be at least 16 characters, e.g. `openssl rand -hex 24`.')
  const workerMetricsPort = r.int('WORKER_METRICS_PORT')
  if (workerMetricsPort > 65535) r.problems.push(`WORKER_METRICS_PORT must be a port number (got ${workerMetricsPort}).`)
  const headers: Record<string, string> = {}
  for (const pair of r.list('OTEL_EXPORTER_OTLP_HEADERS')) {
    const at = pair.indexOf('=')
    if (at < 1) {
      r.problems.push('OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas.')
      break
    }
    try {
      headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim())
    } catch {
      r.problems.push('OTEL_EXPORTER_OTLP_HEADERS has a value that is not valid URL encoding.')
      break
    }
  }
  return {
    metricsToken,
    workerMetricsPort,
    tracing: { endpoint: r.url('OTEL_EXPORTER_OTLP_ENDPOINT'), headers, serviceName: r.string('OTEL_SERVICE_NAME') ?? 'afterresume' },
  }
}

const OFFER = /^([a-z0-9][a-z0-9_-]{0,63}):(\d{1,9}):(price_[A-Za-z0-9_]{1,200})$/

function readOffers (r: Reader, name: 'BILLING_PACKS' | 'BILLING_PLANS'): CreditOffer[] {
  const offers: CreditOffer[] = []
  for (const item of r.list(name)) {
    const match = OFFER.exec(item)
    if (match === null || Number(match[2]) < 1) {
      r.problems.push(`${name}: "${item}" must look like id:credits:price_… (lower-case id, credits at least 1, a Stripe Price id).`)
      continue
    }
    if (offers.some((o) => o.id === match[1])) r.problems.push(`${name}: "${match[1]}" is listed twice.`)
    offers.push({ id: match[1]!, credits: Number(match[2]), price: match[3]! })
  }
  return offers
}

function readBilling (r: Reader): BillingSettings {
  const secretKey = r.string('STRIPE_SECRET_KEY')
  const webhookSecret = r.string('STRIPE_WEBHOOK_SECRET')
  const returnUrl = r.url('BILLING_RETURN_URL')
  const apiBase = r.url('STRIPE_API_BASE')
  // Unset is not false: a Stripe key alone turns billing on.
  const enabled = r.raw('BILLING_ENABLED') === undefined ? secretKey !== undefined : r.bool('BILLING_ENABLED')
  if (secretKey !== undefined) {
    // Without the webhook nothing bought would ever arrive; without a return URL Checkout cannot start.
    if (webhookSecret === undefined) r.problems.push('STRIPE_SECRET_KEY is set, so STRIPE_WEBHOOK_SECRET is required too (the signing secret of the /api/billing/webhook/ endpoint, whsec_…).')
    if (returnUrl === undefined) r.problems.push('STRIPE_SECRET_KEY is set, so BILLING_RETURN_URL is required too (where Checkout and the portal send people back).')
  }
  const text = r.string('CREDITS_PER_1K_TOKENS')
  const perThousandTokens = text === undefined ? undefined : Number(text)
  if (perThousandTokens !== undefined && !(Number.isFinite(perThousandTokens) && perThousandTokens > 0)) {
    r.problems.push(`CREDITS_PER_1K_TOKENS must be a positive number (got "${text ?? ''}").`)
  }
  const perUsd = r.int('CREDITS_PER_USD')
  if (perUsd < 1) r.problems.push('CREDITS_PER_USD must be at least 1.')
  const minPerJob = r.int('CREDITS_MIN_PER_JOB')
  if (minPerJob < 1) r.problems.push('CREDITS_MIN_PER_JOB must be at least 1 (a tenant without credits must not run AI jobs).')
  return {
    enabled,
    stripe: secretKey === undefined
      ? undefined
      : { secretKey, publishableKey: r.string('STRIPE_PUBLISHABLE_KEY'), webhookSecret: webhookSecret ?? '', apiBase, returnUrl: returnUrl ?? '' },
    packs: readOffers(r, 'BILLING_PACKS'),
    plans: readOffers(r, 'BILLING_PLANS'),
    pricing: { perThousandTokens, perUsd, minPerJob },
  }
}

function readImports (r: Reader): Config['imports'] {
  const root = r.string('GIT_IMPORT_ROOT')
  if (root !== undefined && !isAbsolute(root)) r.problems.push(`GIT_IMPORT_ROOT must be an absolute folder (got "${root}").`)
  return { gitImportRoot: root, githubApiBase: r.url('GITHUB_API_BASE') ?? 'https://api.github.com' }
}

function readHttpTimeouts (r: Reader): Config['http']['timeouts'] {
  const timeouts = {
    headersMs: r.int('HTTP_HEADERS_TIMEOUT_MS'),
    bodyMs: r.int('HTTP_BODY_TIMEOUT_MS'),
    bodyMinBytesPerSecond: r.int('HTTP_BODY_MIN_BYTES_PER_SECOND'),
    requestMs: r.int('HTTP_REQUEST_TIMEOUT_MS'),
    keepAliveMs: r.int('HTTP_KEEP_ALIVE_TIMEOUT_MS'),
    connectionMs: r.int('HTTP_CONNECTION_TIMEOUT_MS'),
  }
  if (timeouts.headersMs < 1) r.problems.push('HTTP_HEADERS_TIMEOUT_MS must be at least 1 (a client may not take forever to send its headers).')
  // Node refuses a server whose headers may take longer than the whole request.
  if (timeouts.requestMs > 0 && timeouts.headersMs > timeouts.requestMs) r.problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS.')
  if (timeouts.keepAliveMs < 1) r.problems.push('HTTP_KEEP_ALIVE_TIMEOUT_MS must be at least 1.')
  return timeouts
}

function readStorage (r: Reader, dataDir: string): Config['storage'] {
  const endpoint = r.string('MINIO_ENDPOINT')
  if (endpoint === undefined) return { kind: 'local', root: join(dataDir, 'files') }
  const accessKey = r.string('MINIO_ACCESS_KEY')
  const secretKey = r.string('MINIO_SECRET_KEY')
  if (accessKey === undefined || secretKey === undefined) {
    r.problems.push('MINIO_ENDPOINT is set, so MINIO_ACCESS_KEY and MINIO_SECRET_KEY are required too.')
  }
  return {
    kind: 'minio',
    endpoint,
    accessKey: accessKey ?? '',
    secretKey: secretKey ?? '',
    secure: r.bool('MINIO_SECURE'),
    bucket: r.string('MINIO_BUCKET') ?? 'afterresume',
  }
}

/** A development secret survives restarts (tokens stay valid) without anyone having to set one. */
function developmentSecret (dataDir: string): string {
  const file = join(dataDir, 'secret_key')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, secret + '\n', { mode: 0o600 })
  return secret
}

export function maskUrl (url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]*)@/, '//$1:****@')
}

/** The effective configuration, one line a variable, secrets masked: for `validate-env --print-status`. */
export function describeConfig (env: Env = process.env): string[] {
  return (Object.entries(SETTINGS) as Array<[SettingName, Setting]>).map(([name, setting]) => {
    const given = env[name]
    const value = given !== undefined && given !== '' ? given : setting.default
    let shown: string
    if (value === undefined || value === '') shown = '(unset)'
    else if (setting.secret) shown = setting.kind === 'url' ? maskUrl(value) : '****'
    else shown = value
    const source = given !== undefined && given !== '' ? 'env' : 'default'
    return `${name.padEnd(28)} ${shown}${shown === '(unset)' ? '' : `  [${source}]`}`
  })
}
