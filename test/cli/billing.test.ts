// `afterresume billing grant|adjust|show` as an operator runs it: the real program in a
// child process, what it prints and exits with, the ledger rows and the audit rows.
import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { queryOnce, createTestDatabase } from '../helpers/database.ts'
import { runCli, type CommandOutcome } from '../helpers/service-process.ts'
import { TEST_SECRET_KEY } from '../helpers/services.ts'

function json<T> (t: Test, outcome: CommandOutcome, what: string): T {
  t.equal(outcome.code, 0, `${what} exits 0${outcome.code === 0 ? '' : `: ${outcome.stderr}`}`)
  return JSON.parse(outcome.stdout) as T
}

interface Change { created: boolean; entry: { kind: string; amount: number; reason: string }; available: number; reserved: number }

t.test('billing grant, adjust and show: ledgered, audited as the CLI, never below zero', async (t) => {
  const url = await createTestDatabase(t)
  const dataDir = mkdtempSync(join(tmpdir(), 'afterresume-cli-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = { NODE_ENV: 'test', DATABASE_URL: url, SECRET_KEY: TEST_SECRET_KEY, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }
  const tenant = (await queryOnce<{ id: string }>(url, 'INSERT INTO tenant (name) VALUES ($1) RETURNING id', ['Acme']))[0]!.id

  const granted = json<Change>(t, await runCli(['billing', 'grant', '--tenant', tenant, '--credits', '250', '--reason', 'Pilot customer', '--idempotency-key', 'pilot'], env), 'billing grant')
  t.match(granted, { created: true, entry: { kind: 'grant', amount: 250, reason: 'Pilot customer' }, available: 250, reserved: 0 })
  const repeated = json<Change>(t, await runCli(['billing', 'grant', '--tenant', tenant, '--credits', '250', '--reason', 'Pilot customer', '--idempotency-key', 'pilot'], env), 'the same grant again')
  t.match(repeated, { created: false, available: 250 }, 'a repeated command with its key grants nothing more')
  const adjusted = json<Change>(t, await runCli(['billing', 'adjust', '--tenant', tenant, '--credits=-50', '--reason', 'Double-counted week'], env), 'billing adjust')
  t.match(adjusted, { created: true, entry: { kind: 'adjustment', amount: -50 }, available: 200 })

  const [overdraw, noReason, negativeGrant, badTenant, unknown] = await Promise.all([
    runCli(['billing', 'adjust', '--tenant', tenant, '--credits=-201', '--reason', 'Too much'], env),
    runCli(['billing', 'grant', '--tenant', tenant, '--credits', '5'], env),
    runCli(['billing', 'grant', '--tenant', tenant, '--credits=-5', '--reason', 'x'], env),
    runCli(['billing', 'show', '--tenant', 'acme'], env),
    runCli(['billing', 'refund', '--tenant', tenant], env),
  ])
  t.same([overdraw.code, overdraw.stderr], [1, 'afterresume: Taking 201 credits would leave the balance negative: 200 are available (credits held for running jobs cannot be taken).\n'])
  t.same([noReason.code, noReason.stderr], [2, 'afterresume: billing grant needs --reason (it is kept in the ledger and the audit log).\n'])
  t.same([negativeGrant.code, negativeGrant.stderr], [2, 'afterresume: --credits must be a whole number above 0.\n'])
  t.same([badTenant.code, badTenant.stderr], [2, 'afterresume: billing show needs --tenant with a tenant id (UUID).\n'])
  t.same([unknown.code, unknown.stderr], [2, 'afterresume: billing needs one of: grant, adjust, show.\n'])

  const shown = json<{ name: string; plan: string | null; available: number; reserved: number; entries: Array<{ kind: string; amount: number }> }>(t, await runCli(['billing', 'show', '--tenant', tenant], env), 'billing show')
  t.same({ name: shown.name, plan: shown.plan, available: shown.available, reserved: shown.reserved, entries: shown.entries.map((e) => [e.kind, e.amount]) },
    { name: 'Acme', plan: null, available: 200, reserved: 0, entries: [['adjustment', -50], ['grant', 250]] })
  const audit = await queryOnce<{ kind: string; by: string; credits: number; user_id: string | null }>(url,
    'SELECT kind, detail->>\'by\' AS by, (detail->>\'credits\')::int AS credits, user_id FROM auth_event WHERE tenant_id = $1 ORDER BY id', [tenant])
  t.same(audit, [
    { kind: 'billing_credits_granted', by: 'cli', credits: 250, user_id: null },
    { kind: 'billing_credits_adjusted', by: 'cli', credits: -50, user_id: null },
  ], 'each change audited once, as done from the CLI')
})
