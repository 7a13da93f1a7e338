// What `npm run test:mutation` mutates, and the focused tests each file is run against.
// Stryker's command runner has no per-test coverage: every mutant runs the group's whole
// command, so a group lists only the tests that exist to guard its file — that is what
// keeps a run in minutes. The quickest, most exact test comes first: the command stops at
// the first failing file, so most mutants are killed before the slow tests start.
// Order: smallest first, so a short run still says something.
export interface MutationGroup {
  /** The file Stryker mutates. */
  readonly file: string
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
    tests: ['test/modules/identity/auth.test.ts', 'test/modules/identity/refresh.test.ts'],
  },
  enqueue: {
    file: 'src/platform/jobs/enqueue.ts',
    tests: ['test/platform/jobs/enqueue.test.ts', 'test/platform/jobs/idempotency.test.ts', 'test/platform/jobs/chaining.test.ts', 'test/modules/billing/paid-jobs.test.ts'],
  },
  runner: {
    file: 'src/platform/jobs/runner.ts',
    tests: ['test/platform/jobs/lifecycle.test.ts', 'test/platform/jobs/retries.test.ts', 'test/platform/jobs/cancel.test.ts', 'test/platform/jobs/permissions.test.ts', 'test/modules/billing/paid-jobs.test.ts'],
  },
  'xp-ledger': {
    file: 'src/modules/gamification/gamification.repository.ts',
    tests: ['test/modules/gamification/rewards.test.ts', 'test/modules/gamification/ledger.property.test.ts'],
  },
  credits: {
    file: 'src/modules/billing/job-credits.ts',
    tests: ['test/modules/billing/job-credits.test.ts', 'test/modules/billing/paid-jobs.test.ts', 'test/modules/billing/ledger.property.test.ts'],
  },
  'stripe-webhook': {
    file: 'src/modules/billing/webhook.service.ts',
    tests: ['test/modules/billing/billing.routes.test.ts', 'test/modules/billing/ledger.property.test.ts'],
  },
}
