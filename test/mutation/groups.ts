// What `npm run test:mutation` mutates, and the focused tests each file is run against.
// Stryker's command runner has no per-test coverage: every mutant runs the group's whole
// command, so a group lists only the tests that exist to guard its file — that is what
// keeps a run in minutes. The quickest, most exact test comes first: the command stops at
// the first failing file, so most mutants are killed before the slow tests start.
// Order: smallest first, so a short run still says something.
/**
 * Part of a large file: from the line containing `from` up to the line before the next one
 * containing `to` (the end of the file without it). Text, not line numbers, so the region
 * follows the code when lines move; stryker.config.mjs fails when a marker is gone.
 */
export interface MutationRegion { readonly from: string; readonly to?: string }

export interface MutationGroup {
  /** The file Stryker mutates. */
  readonly file: string
  /** Only these parts of it (the rest is guarded by other groups or is not the core). */
  readonly regions?: readonly MutationRegion[]
  /** The tests whose failure must kill its mutants. */
  readonly tests: readonly string[]
}

export const MUTATION_GROUPS: Readonly<Record<string, MutationGroup>> = {
  permissions: {
    file: 'src/modules/identity/permissions.ts',
    tests: ['test/modules/identity/permissions.test.ts'],
  },
  'service-token': {
    file: 'src/modules/identity/service-token.ts',
    tests: ['test/modules/identity/service-token.test.ts'],
  },
  counters: {
    file: 'src/platform/db/counters.ts',
    tests: ['test/platform/db/counters.test.ts'],
  },
  xp: {
    file: 'src/modules/gamification/rules/xp.ts',
    tests: ['test/modules/gamification/rules/xp.test.ts'],
  },
  'rate-limit': {
    file: 'src/platform/http/rate-limit.ts',
    tests: ['test/platform/http/rate-limit.rules.test.ts', 'test/platform/http/rate-limit.test.ts'],
  },
  'access-control': {
    file: 'src/modules/identity/access-control.ts',
    tests: ['test/modules/identity/access-control.test.ts', 'test/modules/identity/tokens.test.ts', 'test/modules/identity/service-token.test.ts'],
  },
  auth: {
    file: 'src/modules/identity/auth.service.ts',
    tests: ['test/modules/identity/auth.service.test.ts', 'test/modules/identity/refresh.test.ts', 'test/modules/identity/auth.test.ts'],
  },
  enqueue: {
    file: 'src/platform/jobs/enqueue.ts',
    tests: ['test/platform/jobs/enqueue.test.ts', 'test/platform/jobs/idempotency.test.ts', 'test/platform/jobs/chaining.test.ts', 'test/modules/billing/paid-jobs.test.ts'],
  },
  // The runner's settlement and idempotency: starting a delivery (a finished or cancelled
  // row is skipped), recording outcomes with pg-boss's settle in one transaction, credits.
  runner: {
    file: 'src/platform/jobs/runner.ts',
    regions: [
      { from: 'async #markStarted (', to: 'async #execute (' },
      { from: 'async #settleCredits (', to: '#context (' },
      { from: 'async #recordSuccesses (', to: 'class SettleQueue' },
    ],
    tests: ['test/platform/jobs/runner.test.ts', 'test/platform/jobs/lifecycle.test.ts', 'test/platform/jobs/cancel.test.ts', 'test/platform/jobs/permissions.test.ts', 'test/platform/jobs/retries.test.ts', 'test/modules/billing/paid-jobs.test.ts'],
  },
  // The XP ledger's writes: the locked user state, XP events and the persisted plan/streak.
  'xp-ledger': {
    file: 'src/modules/gamification/gamification.repository.ts',
    regions: [
      { from: 'export async function lockUserState', to: 'export async function loadRewardConfig' },
      { from: 'export interface LedgerRow' },
    ],
    tests: ['test/modules/gamification/gamification.repository.test.ts', 'test/modules/gamification/rewards.test.ts', 'test/modules/gamification/ledger.property.test.ts'],
  },
  credits: {
    file: 'src/modules/billing/job-credits.ts',
    tests: ['test/modules/billing/job-credits.test.ts', 'test/modules/billing/paid-jobs.test.ts', 'test/modules/billing/ledger.property.test.ts'],
  },
  'stripe-webhook': {
    file: 'src/modules/billing/webhook.service.ts',
    tests: ['test/modules/billing/webhook.service.test.ts', 'test/modules/billing/billing.routes.test.ts', 'test/modules/billing/ledger.property.test.ts'],
  },
}
