import t from 'tap'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, describeConfig, loadConfig } from '../src/config.ts'

const dataDir = () => mkdtempSync(join(tmpdir(), 'afterresume-config-'))

t.test('defaults give a working development configuration with a kept secret', async (t) => {
  const dir = dataDir()
  const config = loadConfig({ DATA_DIR: dir })
  t.equal(config.port, 8000)
  t.equal(config.databaseUrl, undefined, 'no DATABASE_URL means embedded PostgreSQL')
  t.same(config.storage, { kind: 'local', root: join(dir, 'files') })
  t.equal(config.llm.provider, 'local')
  t.equal(config.secretKey.length, 64)
  t.equal(readFileSync(join(dir, 'secret_key'), 'utf8').trim(), config.secretKey)
  t.equal(loadConfig({ DATA_DIR: dir }).secretKey, config.secretKey, 'the generated secret survives restarts')
})

t.test('production refuses a missing SECRET_KEY and every other problem at once', async (t) => {
  const error = t.throws(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), PORT: 'eighty', LLM_PROVIDER: 'vllm', MINIO_ENDPOINT: 'minio:9000' })) as ConfigError
  t.ok(error instanceof ConfigError)
  t.ok(error.problems.some((p) => p.includes('SECRET_KEY is required in production')))
  t.ok(error.problems.some((p) => p.includes('PORT must be a non-negative integer')))
  t.ok(error.problems.some((p) => p.includes('LLM_PROVIDER=vllm needs LLM_VLLM_ENDPOINT')))
  t.ok(error.problems.some((p) => p.includes('MINIO_ACCESS_KEY and MINIO_SECRET_KEY are required')))
})

t.test('--print-status masks secrets', async (t) => {
  const lines = describeConfig({ DATABASE_URL: 'postgres://app:hunter2@db:5432/afterresume', SECRET_KEY: 'very-secret', MINIO_SECRET_KEY: 'minio-secret' })
  const text = lines.join('\n')
  t.notMatch(text, /hunter2|very-secret|minio-secret/)
  t.match(text, /DATABASE_URL\s+postgres:\/\/app:\*\*\*\*@db:5432\/afterresume/)
  t.match(text, /PORT\s+8000\s+\[default\]/)
})

t.test('HTTP timeouts: documented defaults, and combinations Node would refuse are refused here', async (t) => {
  t.same(loadConfig({ DATA_DIR: dataDir() }).http.timeouts, { headersMs: 20_000, bodyMs: 30_000, bodyMinBytesPerSecond: 1024, requestMs: 600_000, keepAliveMs: 72_000, connectionMs: 120_000 })
  const error = t.throws(() => loadConfig({ DATA_DIR: dataDir(), HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' })) as ConfigError
  t.ok(error.problems.some((p) => p.includes('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS')))
  t.equal(loadConfig({ DATA_DIR: dataDir(), HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '0' }).http.timeouts.requestMs, 0, '0 turns the request ceiling off')
})

t.test('TRUST_PROXY: true, false, a hop count or proxy addresses; rate limits at least 1', async (t) => {
  const trust = (value: string) => loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: value }).http.trustProxy
  t.equal(trust('true'), true)
  t.equal(trust('false'), false)
  t.equal(trust('0'), false, 'zero hops trusts no one')
  t.equal(trust('1'), 1, 'a number is a hop count, no longer "true"')
  t.same(trust('10.0.0.1, 10.0.0.0/8,loopback, ::1'), ['10.0.0.1', '10.0.0.0/8', 'loopback', '::1'])
  const error = t.throws(() => loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: 'proxy.internal', RATE_LIMIT_PER_MINUTE: '0' })) as ConfigError
  t.ok(error.problems.some((p) => p.startsWith('TRUST_PROXY must be true, false, a hop count or a comma list')))
  t.ok(error.problems.some((p) => p.startsWith('RATE_LIMIT_PER_MINUTE must be at least 1')))
  const limits = loadConfig({ DATA_DIR: dataDir() }).http.rateLimits
  t.same(limits, { perMinute: 600, perUserPerMinute: 600, signInPerMinute: 10, signupPerMinute: 5, refreshPerMinute: 30, invitesPerHour: 20 }, 'the defaults are the limits as they were')
})

t.test('observability: off by default; a short METRICS_TOKEN, a bad port and bad OTLP headers are refused', async (t) => {
  t.same(loadConfig({ DATA_DIR: dataDir() }).observability, {
    metricsToken: undefined,
    workerMetricsPort: 0,
    tracing: { endpoint: undefined, headers: {}, serviceName: 'afterresume' },
  })
  t.same(loadConfig({
    DATA_DIR: dataDir(),
    METRICS_TOKEN: 'a-scrape-token-of-24-chs',
    WORKER_METRICS_PORT: '9464',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, x-team = core',
    OTEL_SERVICE_NAME: 'afterresume-eu',
  }).observability, {
    metricsToken: 'a-scrape-token-of-24-chs',
    workerMetricsPort: 9464,
    tracing: { endpoint: 'http://collector:4318', headers: { 'x-api-key': 'abc==', 'x-team': 'core' }, serviceName: 'afterresume-eu' },
  })
  const error = t.throws(() => loadConfig({ DATA_DIR: dataDir(), METRICS_TOKEN: 'short', WORKER_METRICS_PORT: '70000', OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' })) as ConfigError
  t.same(error.problems, [
    'METRICS_TOKEN must be at least 16 characters, e.g. `openssl rand -hex 24`.',
    'WORKER_METRICS_PORT must be a port number (got 70000).',
    'OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas.',
  ])
  t.match(describeConfig({ METRICS_TOKEN: 'a-scrape-token-of-24-chs', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc' }).join('\n'), /METRICS_TOKEN\s+\*\*\*\*[\s\S]*OTEL_EXPORTER_OTLP_HEADERS\s+\*\*\*\*/, 'both secrets masked')
})

t.test('billing: off unless asked for or paid through Stripe; Stripe needs its webhook secret and a return URL; offers and prices are checked', async (t) => {
  const billing = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir(), ...env }).billing
  t.same(billing({}), { enabled: false, stripe: undefined, packs: [], plans: [], pricing: { perThousandTokens: undefined, perUsd: 100, minPerJob: 1 } }, 'off by default, a credit is a cent')
  t.equal(billing({ BILLING_ENABLED: 'true' }).enabled, true, 'on without Stripe: credits from staff grants')
  const stripe = { STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', BILLING_RETURN_URL: 'https://app.example.test/billing' }
  t.same(billing({ ...stripe, BILLING_PACKS: 'starter:500:price_1, big:5000:price_2', BILLING_PLANS: 'team:2000:price_3', CREDITS_PER_1K_TOKENS: '0.5' }), {
    enabled: true,
    stripe: { secretKey: 'sk_test_x', publishableKey: undefined, webhookSecret: 'whsec_x', apiBase: undefined, returnUrl: 'https://app.example.test/billing' },
    packs: [{ id: 'starter', credits: 500, price: 'price_1' }, { id: 'big', credits: 5000, price: 'price_2' }],
    plans: [{ id: 'team', credits: 2000, price: 'price_3' }],
    pricing: { perThousandTokens: 0.5, perUsd: 100, minPerJob: 1 },
  }, 'a Stripe key alone turns billing on')
  t.equal(billing({ ...stripe, BILLING_ENABLED: 'false' }).enabled, false, 'BILLING_ENABLED=false wins over the key')
  const error = t.throws(() => loadConfig({
    DATA_DIR: dataDir(),
    STRIPE_SECRET_KEY: 'sk_test_x',
    BILLING_PACKS: 'starter:0:price_1,Big:5:price_2,starter:5:price_3,x:5:prod_1',
    CREDITS_PER_1K_TOKENS: 'lots',
    CREDITS_MIN_PER_JOB: '0',
  })) as ConfigError
  t.same(error.problems, [
    'STRIPE_SECRET_KEY is set, so STRIPE_WEBHOOK_SECRET is required too (the signing secret of the /api/billing/webhook/ endpoint, whsec_…).',
    'STRIPE_SECRET_KEY is set, so BILLING_RETURN_URL is required too (where Checkout and the portal send people back).',
    'CREDITS_PER_1K_TOKENS must be a positive number (got "lots").',
    'CREDITS_MIN_PER_JOB must be at least 1 (a tenant without credits must not run AI jobs).',
    'BILLING_PACKS: "starter:0:price_1" must look like id:credits:price_… (lower-case id, credits at least 1, a Stripe Price id).',
    'BILLING_PACKS: "Big:5:price_2" must look like id:credits:price_… (lower-case id, credits at least 1, a Stripe Price id).',
    'BILLING_PACKS: "x:5:prod_1" must look like id:credits:price_… (lower-case id, credits at least 1, a Stripe Price id).',
  ], 'every problem at once, naming the setting')
  t.notMatch(describeConfig({ STRIPE_SECRET_KEY: 'sk_live_secret', STRIPE_WEBHOOK_SECRET: 'whsec_secret' }).join('\n'), /sk_live_secret|whsec_secret/, 'Stripe secrets are masked')
})
