// The operator console in a real browser: Debian's chromium driven by playwright-core,
// against the real app on a real port with a real worker. One browser for the file; each
// subtest opens its own page. Skipped (with the reason) only where no chromium exists.
import t from 'tap'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { JobRegistry } from '../../../src/platform/jobs/registry.ts'
import type { Job } from '../../../src/platform/jobs/job.table.ts'
import { registerWorkflows } from '../../../src/workflows/index.ts'
import { createStaff, type Account } from '../../helpers/console.ts'
import { buildTestApp, eventually, startTestServices } from '../../helpers/services.ts'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
/** How long the browser waits for anything to show; the live paths take milliseconds. */
const WAIT_MS = 10_000

type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

if (!existsSync(CHROMIUM)) {
  t.plan(0, `no browser at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium) to run the console's browser tests`)
} else {
  await run()
}

/** The ids of the jobs the list shows, top to bottom. */
async function listedJobs (page: Page): Promise<Array<string | null>> {
  return Promise.all((await page.locator('#job-results tr[data-job]').all()).map((row) => row.getAttribute('data-job')))
}

/** Gates a test.gated job waits at, opened by the test. */
const gates = new Map<string, () => void>()
const gateOpened = new Map<string, Promise<void>>()
function gate (name: string): Promise<void> {
  let opened = gateOpened.get(name)
  if (opened === undefined) {
    opened = new Promise<void>((resolve) => gates.set(name, resolve))
    gateOpened.set(name, opened)
  }
  return opened
}
function open (name: string): void {
  void gate(name)
  gates.get(name)!()
}

/** While true, test.flaky fails: its jobs fail, and retries made after the fix succeed. */
const flaky = { broken: true }

function registry (): JobRegistry {
  return registerWorkflows(new JobRegistry())
    .register('test.gated', async (ctx, payload) => {
      const key = String(payload.key)
      await ctx.log('step one')
      await gate(`${key}:one`)
      await ctx.log('step two')
      await gate(`${key}:two`)
      return { done: key }
    }, { retryLimit: 0 })
    .register('test.flaky', async () => {
      if (flaky.broken) throw new Error('the flaky dependency is down')
      return { ok: true }
    }, { retryLimit: 0 })
    .register('test.pausable', async (_ctx, payload) => payload, { retryLimit: 0 })
}

async function run (): Promise<void> {
  const services = await startTestServices(t, { worker: true, registry: registry() })
  const app = await buildTestApp(t, services)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const base = `http://127.0.0.1:${address.port}`
  const db = services.database.db

  const profile = mkdtempSync(join(tmpdir(), 'afterresume-chromium-'))
  const browser: BrowserContext = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 900 } })
  t.teardown(async () => {
    await browser.close()
    rmSync(profile, { recursive: true, force: true })
  })
  browser.setDefaultTimeout(WAIT_MS)
  // Anything the page's Content-Security-Policy refused, in any page of the file.
  const violations: string[] = []
  browser.on('console', (message) => { if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text()) })

  const staff = await createStaff(services)
  const signIn = async (t: Tap, page: Page, account: Account): Promise<number> => {
    await page.goto(`${base}/system/console/`)
    // Not signed in: the console sends the browser to its sign-in form, keeping where it was going.
    t.equal(new URL(page.url()).pathname, '/system/console/login')
    await page.fill('input[name=email]', account.email)
    await page.fill('input[name=password]', account.password)
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/system/console/login') && r.request().method() === 'POST'), page.click('button[type=submit]')])
    await page.waitForLoadState()
    return response.status()
  }
  const jobStatus = async (id: string): Promise<Job['status'] | undefined> => (await db.selectFrom('job').select('status').where('id', '=', id).executeTakeFirst())?.status

  t.test('a user who is not staff is refused, and the refusal is audited', async (t) => {
    const owner = await createStaff(services, { isStaff: false })
    const page = await browser.newPage()
    t.teardown(() => page.close())
    t.equal(await signIn(t, page, owner), 403)
    t.equal((await page.textContent('.error'))?.trim(), 'This console is for staff only. Your account is not a staff account.')
    t.same((await browser.cookies()).filter((c) => c.name === 'afterresume_console'), [], 'no console cookie was set')
    const audit = await db.selectFrom('auth_event').select(['outcome', 'detail']).where('kind', '=', 'permission_denied').where('user_id', '=', owner.id).execute()
    t.same(audit, [{ outcome: 'denied', detail: { path: '/system/console/login', reason: 'not_staff' } }])
    const sessions = await db.selectFrom('auth_session').select(['client', 'revoked_reason']).where('user_id', '=', owner.id).execute()
    t.same(sessions, [{ client: 'console', revoked_reason: 'logout' }], 'the session the password opened was ended at once')
  })

  t.test('staff sign in and see the overview with its charts', async (t) => {
    const page = await browser.newPage()
    t.teardown(() => page.close())
    t.equal(await signIn(t, page, staff), 303)
    t.equal(new URL(page.url()).pathname, '/system/console/')
    t.equal(await page.textContent('h1'), 'Overview')
    const cookie = (await browser.cookies()).find((c) => c.name === 'afterresume_console')
    t.match(cookie, { path: '/system/console/', httpOnly: true, sameSite: 'Strict' }, 'the session cookie is HttpOnly, SameSite=Strict and scoped to the console')
    // uPlot drew both charts (a canvas each) from the page's data block.
    await page.waitForSelector('[data-chart="day"] canvas')
    t.equal(await page.locator('[data-chart] canvas').count(), 2)
    t.equal(await page.locator('#jobs-now tr[data-type="test.gated"]').count(), 1)
    await page.waitForSelector('#live[data-state="on"]')
  })

  t.test('a running job\'s timeline grows live', async (t) => {
    const { job } = await services.jobs.enqueue(db, { type: 'test.gated', payload: { key: 'timeline' } })
    const page = await browser.newPage()
    t.teardown(() => page.close())
    await eventually(async () => (await db.selectFrom('event').select('id').where('job_id', '=', job.id).where('message', '=', 'step one').executeTakeFirst()) ?? undefined, WAIT_MS, 'step one')
    await page.goto(`${base}/system/console/jobs/${job.id}`)
    t.same(await page.locator('#timeline .message').allTextContents(), ['job queued', 'job started', 'step one'])
    t.equal(await page.textContent('#job-status'), 'running')
    // Marks this document: a reload would lose it.
    await page.evaluate('window.marker = 42')
    await page.waitForSelector('#live[data-state="on"]')
    open('timeline:one')
    await page.waitForSelector('#timeline li:has-text("step two")')
    open('timeline:two')
    await page.waitForSelector('#timeline li:has-text("job completed")')
    await page.waitForSelector('#job-status.success')
    t.same(await page.locator('#timeline .message').allTextContents(), ['job queued', 'job started', 'step one', 'step two', 'job completed'])
    t.equal(await page.evaluate('window.marker'), 42, 'the page was never reloaded')
  })

  t.test('the jobs list filters, searches and shows new jobs live', async (t) => {
    const a = await services.jobs.enqueue(db, { type: 'test.pausable', payload: { order: 'alpha-123' } })
    const b = await services.jobs.enqueue(db, { type: 'test.pausable', payload: { order: 'beta-456' } })
    await eventually(async () => (await jobStatus(b.job.id)) === 'success' && (await jobStatus(a.job.id)) === 'success' ? true : undefined, WAIT_MS, 'both jobs done')
    const page = await browser.newPage()
    t.teardown(() => page.close())
    await page.goto(`${base}/system/console/jobs`)
    await page.selectOption('select[name=type]', 'test.pausable')
    await page.fill('input[name=q]', 'beta-456')
    await Promise.all([page.waitForURL(/q=beta-456/), page.click('.filters button[type=submit]')])
    t.same(await listedJobs(page), [b.job.id], 'type and text search leave the one job')
    await page.fill('input[name=q]', '')
    await Promise.all([page.waitForURL((url) => !url.search.includes('q=beta')), page.click('.filters button[type=submit]')])
    t.same(await listedJobs(page), [b.job.id, a.job.id], 'newest first')
    await page.waitForSelector('#live[data-state="on"]')
    const c = await services.jobs.enqueue(db, { type: 'test.pausable', payload: { order: 'gamma-789' } })
    await page.waitForSelector(`#job-results tr[data-job="${c.job.id}"][data-status="success"]`)
    t.same(await listedJobs(page), [c.job.id, b.job.id, a.job.id], 'the new job appeared without a reload')
  })

  t.test('bulk retry of failed jobs, confirmed by count, and the retries succeed', async (t) => {
    flaky.broken = true
    const failed = await Promise.all([1, 2, 3].map(async (n) => (await services.jobs.enqueue(db, { type: 'test.flaky', payload: { n } })).job.id))
    await eventually(async () => (await Promise.all(failed.map(jobStatus))).every((s) => s === 'failed') ? true : undefined, WAIT_MS, 'three failures')
    flaky.broken = false
    const page = await browser.newPage()
    t.teardown(() => page.close())
    await page.goto(`${base}/system/console/jobs?type=test.flaky&status=failed`)
    t.equal(await page.locator('#job-results tr[data-job]').count(), 3)
    await Promise.all([page.waitForURL(/\/jobs\/bulk$/), page.click('button[data-bulk="retry"]')])
    t.equal(await page.textContent('h1'), 'Retry 3 jobs?')
    t.equal(await page.textContent('#bulk-total'), '3')
    await Promise.all([page.waitForURL(/trigger=retry/), page.click('#bulk-confirm')])
    t.equal((await page.textContent('.notice'))?.trim(), '3 jobs retried as new jobs (trigger "retry"), listed below.')
    await page.locator('#job-results tr[data-status="success"]').nth(2).waitFor()
    t.equal(await page.locator('#job-results tr[data-job]').count(), 3, 'the three retries, succeeded')
    const retries = await db.selectFrom('job').select(['parent_job_id', 'status', 'trigger']).where('parent_job_id', 'in', failed).orderBy('created_at').execute()
    t.same(retries.map((r) => [r.status, r.trigger]), [['success', 'retry'], ['success', 'retry'], ['success', 'retry']])
    t.same(new Set(retries.map((r) => r.parent_job_id)), new Set(failed), 'one retry for each failed job')
    const audit = await db.selectFrom('auth_event').select('detail').where('kind', '=', 'staff_action').where('user_id', '=', staff.id).execute()
    t.match(audit.map((a) => a.detail), [{ action: 'jobs.bulk_retry', confirmed: 3, done: 3, skipped: 0, filter: { type: 'test.flaky', status: 'failed' } }])
  })

  t.test('a paused type\'s new job waits as queued, and runs once the type is resumed', async (t) => {
    const page = await browser.newPage()
    t.teardown(() => page.close())
    await page.goto(`${base}/system/console/`)
    await Promise.all([page.waitForURL(/notice=paused/), page.click('#jobs-now tr[data-type="test.pausable"] button:has-text("Pause")')])
    t.equal((await page.textContent('.notice'))?.trim(), 'Job type paused: its jobs wait as queued until it is resumed.')
    // The worker stops fetching the type as soon as it hears of the pause.
    await eventually(async () => services.worker!.runner.pausedTypes.has('test.pausable') ? true : undefined, WAIT_MS, 'the worker hears of the pause')
    const { job } = await services.jobs.enqueue(db, { type: 'test.pausable', payload: { order: 'waits' } })
    await page.goto(`${base}/system/console/jobs?type=test.pausable&status=queued`)
    t.same(await page.locator(`tr[data-job="${job.id}"] .status`).allTextContents(), ['queued', 'paused'])
    // Still waiting, untouched, up to the moment of the resume.
    t.same(await db.selectFrom('event').select('message').where('job_id', '=', job.id).execute(), [{ message: 'job queued' }])
    t.equal(await jobStatus(job.id), 'queued')
    await page.goto(`${base}/system/console/`)
    await Promise.all([page.waitForURL(/notice=resumed/), page.click('#jobs-now tr[data-type="test.pausable"] button:has-text("Resume")')])
    await page.goto(`${base}/system/console/jobs/${job.id}`)
    await page.waitForSelector('#job-status.success')
    const started = await db.selectFrom('job').select(['started_at', 'attempt']).where('id', '=', job.id).executeTakeFirstOrThrow()
    t.not(started.started_at, null)
    t.equal(started.attempt, 1, 'its one and only attempt')
  })

  t.test('no page broke the Content-Security-Policy', async (t) => {
    t.same(violations, [])
  })
}
