import t from 'tap'
import { buildTestApp, startTestServices } from '../../helpers/services.ts'
import { serviceHeader, signUp } from '../../helpers/auth.ts'
import { manualClock } from '../../helpers/clock.ts'
import { evaluate, insertEntry, ledger, prose } from './db-fixtures.ts'

t.test('the user\'s views, quiet mode, tenant isolation and audited admin actions', async (t) => {
  const services = await startTestServices(t)
  // The app stands at noon (UTC, the users' zone) of today: "today" for the streak and the
  // daily XP is the entry's day whatever the hour the test runs at, midnight included.
  const clock = manualClock(new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`))
  const app = await buildTestApp(t, services, services, { clock })
  const { db, tenantDb } = services.database
  const owner = await signUp(app, services, { clock })
  const member = await signUp(app, services, { tenantId: owner.tenantId, role: 'member', clock })
  const outsider = await signUp(app, services, { clock })
  const now = clock.now()
  const entry = await insertEntry(db, owner.tenantId, member.id, { createdAt: now, occurredOn: now.toISOString().slice(0, 10), content: prose(230), attachments: 1, tags: ['go'], outcome: 'Shipped it' })
  const evaluated = await evaluate(tenantDb, owner.tenantId, entry)
  t.equal(evaluated.result.xp_awarded, 10 + 5 + 3 + 10 + 15)

  const summary = await app.inject({ method: 'GET', url: '/api/gamification/summary/', headers: member.headers })
  t.equal(summary.statusCode, 200, summary.body)
  t.match(summary.json(), {
    quiet_mode: false,
    streak: { current: 1, longest: 1, logged_today: true, freezes_remaining: 3 },
    xp: { total: 43, level: 1, xp_into_level: 43, xp_to_next_level: 57, today: 43, daily_cap: 200 },
  })
  t.same(summary.json().recent_badges.map((b: { code: string }) => b.code).sort(), ['first_attachment', 'first_entry'])
  t.equal(summary.json().active_challenges.length, 3)

  const badges = (await app.inject({ method: 'GET', url: '/api/gamification/badges/', headers: member.headers })).json()
  t.equal(badges.total, 10)
  t.equal(badges.earned_count, 2)
  t.same(badges.categories.map((c: { category: string }) => c.category), ['milestone', 'quality', 'level'])

  const challenges = (await app.inject({ method: 'GET', url: '/api/gamification/challenges/', headers: member.headers })).json()
  t.match(challenges.active.find((c: { code: string }) => c.code === 'log_days'), { progress: 1, target: 5 })
  t.same(challenges.history, [])

  const settings = await app.inject({ method: 'GET', url: '/api/gamification/settings/', headers: member.headers })
  t.equal(settings.statusCode, 200)
  t.same(settings.json(), { quiet_mode: false }, 'quiet mode is off until chosen')
  // Quiet mode: nothing pushed, rewards still accrue.
  const patched = await app.inject({ method: 'PATCH', url: '/api/gamification/settings/', headers: member.headers, payload: { quiet_mode: true } })
  t.same(patched.json(), { quiet_mode: true })
  t.same((await app.inject({ method: 'GET', url: '/api/gamification/settings/', headers: member.headers })).json(), { quiet_mode: true }, 'and stays chosen')
  const quiet = (await app.inject({ method: 'GET', url: '/api/gamification/summary/', headers: member.headers })).json()
  t.same([quiet.quiet_mode, quiet.active_challenges, quiet.recent_badges], [true, [], []])
  t.equal(quiet.xp.total, 43)
  t.equal((await app.inject({ method: 'PATCH', url: '/api/gamification/settings/', headers: member.headers, payload: { quiet_mode: true, tenant_id: 'x' } })).statusCode, 400)

  // Another tenant sees none of it.
  const theirs = (await app.inject({ method: 'GET', url: '/api/gamification/summary/', headers: outsider.headers })).json()
  t.match(theirs, { xp: { total: 0 }, streak: { current: 0 } })
  const theirMetrics = (await app.inject({ method: 'GET', url: '/api/admin/gamification/metrics/', headers: outsider.headers })).json()
  t.match(theirMetrics, { total_xp: 0, users_with_xp: 0, xp_per_day: [] })
  const crossGrant = await app.inject({ method: 'POST', url: '/api/admin/gamification/grant/', headers: outsider.headers, payload: { user_id: member.id, amount: 5, reason: 'sneaky' } })
  t.equal(crossGrant.statusCode, 404, 'cannot grant to a member of another tenant')

  // Members cannot administer.
  t.equal((await app.inject({ method: 'POST', url: '/api/admin/gamification/grant/', headers: member.headers, payload: { user_id: member.id, amount: 500, reason: 'me' } })).statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: '/api/admin/gamification/metrics/', headers: member.headers })).statusCode, 403)

  const metrics = (await app.inject({ method: 'GET', url: '/api/admin/gamification/metrics/', headers: owner.headers })).json()
  t.match(metrics, { active_streaks: 1, total_xp: 43, users_with_xp: 1 })
  t.same(metrics.badge_counts.filter((b: { count: number }) => b.count > 0).map((b: { code: string }) => b.code), ['first_entry', 'first_attachment'])

  const grant = await app.inject({ method: 'POST', url: '/api/admin/gamification/grant/', headers: owner.headers, payload: { user_id: member.id, amount: 60, reason: 'Great demo' } })
  t.equal(grant.statusCode, 201, grant.body)
  t.match(grant.json(), { amount: 60, total_xp: 103, level: 2 })
  const revoke = await app.inject({ method: 'POST', url: '/api/admin/gamification/revoke/', headers: owner.headers, payload: { user_id: member.id, badge_code: 'first_attachment', reason: 'Attachment was a blank file' } })
  t.equal(revoke.statusCode, 200, revoke.body)
  t.equal((await app.inject({ method: 'POST', url: '/api/admin/gamification/revoke/', headers: owner.headers, payload: { user_id: member.id, badge_code: 'first_attachment', reason: 'again' } })).statusCode, 404)

  const state = await ledger(db, owner.tenantId, member.id)
  t.same(state.rows.filter((r) => r.source === 'admin').map((r) => [r.reason, r.amount]), [['admin:grant', 60], ['admin:revoke_badge:first_attachment', 0]])
  t.equal(state.totalXp, state.sum)
  const audits = await db.selectFrom('auth_event').select(['kind', 'user_id', 'tenant_id', 'detail']).where('kind', 'like', 'gamification_%').orderBy('id').execute()
  t.match(audits, [
    { kind: 'gamification_xp_granted', user_id: owner.id, tenant_id: owner.tenantId, detail: { member: member.id, amount: 60, reason: 'Great demo', actor_role: 'owner' } },
    { kind: 'gamification_badge_revoked', user_id: owner.id, tenant_id: owner.tenantId, detail: { member: member.id, badge_code: 'first_attachment' } },
  ])
  // A revoked badge is not re-awarded by the next evaluation.
  const next = await insertEntry(db, owner.tenantId, member.id, { createdAt: new Date(now.getTime() + 120_000), content: prose(40, 'a second thing'), attachments: 1 })
  t.notOk((await evaluate(tenantDb, owner.tenantId, next)).result.badges_awarded.includes('first_attachment'))
  const after = (await app.inject({ method: 'GET', url: '/api/gamification/badges/', headers: member.headers })).json()
  t.equal(after.earned_count, 1)

  // Twelve hours later it is tomorrow for the user: nothing logged yet, no XP today.
  clock.advance(12 * 3_600_000)
  const tomorrow = (await app.inject({ method: 'GET', url: '/api/gamification/summary/', headers: { ...member.headers, ...serviceHeader(services, clock) } })).json()
  t.match(tomorrow, { streak: { logged_today: false }, xp: { today: 0 } })
})
