import t from 'tap'
import { signUp } from '../../../helpers/auth.ts'
import { client, hierarchy, setup } from '../fixtures.ts'

t.test('organisation resources: create, list, retrieve, PUT vs PATCH, rules and archive', async (t) => {
  const { app, services, user, call } = await setup(t)
  const ids = await hierarchy(call)

  const project = await call('GET', `/api/projects/${ids.project}`)
  t.equal(project.status, 200)
  t.equal(project.body.client_id, ids.client)
  t.equal(project.body.user_id, user.id)
  t.equal((await call('GET', `/api/projects/${ids.project}/`)).status, 200, 'trailing slash tolerated')

  t.test('unique names under a parent are a 409 naming the field', async (t) => {
    const again = await call('POST', '/api/clients/', { name: 'Acme' })
    t.equal(again.status, 409)
    t.equal(again.body.field, 'name')
    const sameProject = await call('POST', '/api/projects/', { name: 'Acme web', client_id: ids.client })
    t.equal(sameProject.status, 409)
    t.equal(sameProject.body.field, 'name')
    for (const [url, payload] of [
      ['/api/epics/', { name: 'Checkout', project_id: ids.project }],
      ['/api/features/', { name: 'Payments', epic_id: ids.epic }],
      ['/api/stories/', { name: 'Pay by card', feature_id: ids.feature }],
      ['/api/tasks/', { name: 'Stripe webhook', story_id: ids.story }],
      ['/api/sprints/', { name: 'Sprint 1', project_id: ids.project }],
    ] as const) {
      const reply = await call('POST', url, payload)
      t.equal(reply.status, 409, `${url} duplicate`)
      t.equal(reply.body.field, 'name')
    }
    const otherClient = await call('POST', '/api/clients/', { name: 'Globex' })
    t.equal((await call('POST', '/api/projects/', { name: 'Acme web', client_id: otherClient.body.id })).status, 201, 'the same name under another client is fine')
  })

  t.test('dates: ended_on >= started_on, end_date >= start_date (400 naming the field)', async (t) => {
    const bad = await call('POST', '/api/projects/', { name: 'Backwards', client_id: ids.client, started_on: '2025-03-01', ended_on: '2025-02-01' })
    t.equal(bad.status, 400)
    t.equal(bad.body.field, 'ended_on')
    const badSprint = await call('PATCH', `/api/sprints/${ids.sprint}`, { end_date: '2025-01-01' })
    t.equal(badSprint.status, 400, 'PATCH checks against the stored start_date')
    t.equal(badSprint.body.field, 'end_date')
    const okSprint = await call('PATCH', `/api/sprints/${ids.sprint}`, { end_date: '2025-01-06' })
    t.equal(okSprint.status, 200)
    t.equal(okSprint.body.end_date, '2025-01-06', 'dates come back as YYYY-MM-DD')
  })

  t.test('PUT replaces, PATCH changes only what is given', async (t) => {
    const created = await call('POST', '/api/clients/', { name: 'Initech', website: 'https://initech.example', notes: 'TPS reports' })
    const patched = await call('PATCH', `/api/clients/${created.body.id}/`, { notes: 'less TPS' })
    t.equal(patched.status, 200)
    t.equal(patched.body.website, 'https://initech.example', 'PATCH keeps other fields')
    t.equal(patched.body.notes, 'less TPS')
    const put = await call('PUT', `/api/clients/${created.body.id}/`, { name: 'Initech Inc' })
    t.equal(put.status, 200)
    t.equal(put.body.website, '', 'PUT resets omitted fields')
    const putMissing = await call('PUT', `/api/clients/${created.body.id}/`, { website: 'x' })
    t.equal(putMissing.status, 400)
    t.equal(putMissing.body.field, 'body.name', 'PUT requires the required fields')
    const move = await call('PATCH', `/api/projects/${ids.project}/`, { client_id: created.body.id })
    t.equal(move.status, 400)
    t.equal(move.body.field, 'client_id')
  })

  t.test('mass assignment and unknown fields are refused', async (t) => {
    for (const extra of ['tenant_id', 'user_id', 'id', 'colour']) {
      const reply = await call('POST', '/api/clients/', { name: `X ${extra}`, [extra]: user.tenantId })
      t.equal(reply.status, 400, extra)
      t.equal(reply.body.field, `body.${extra}`)
    }
  })

  t.test('a parent from another tenant is a 404, like one that does not exist', async (t) => {
    const stranger = await signUp(app, services)
    const theirs = client(app, stranger)
    const foreign = await theirs('POST', '/api/clients/', { name: 'Theirs' })
    t.equal(foreign.status, 201)
    const reply = await call('POST', '/api/projects/', { name: 'Sneaky', client_id: foreign.body.id })
    t.equal(reply.status, 404)
    t.equal(reply.body.field, 'client_id')
    t.equal((await call('GET', `/api/clients/${foreign.body.id}/`)).status, 404)
    t.equal((await call('PATCH', `/api/clients/${foreign.body.id}/`, { notes: 'x' })).status, 404)
    t.equal((await call('DELETE', `/api/clients/${foreign.body.id}/`)).status, 404)
    t.equal((await theirs('GET', `/api/projects/${ids.project}`)).status, 404)
    const list = await theirs('GET', '/api/clients/')
    t.same(list.body.results.map((c: { name: string }) => c.name), ['Theirs'], 'lists show the own tenant only')
  })

  t.test('list: filters by parent and activity, paginates', async (t) => {
    // A project of its own, so the counts do not depend on what sibling tests created.
    const own = await call('POST', '/api/projects/', { name: 'Listing', client_id: ids.client })
    t.equal(own.status, 201)
    for (let i = 0; i < 5; i++) await call('POST', '/api/epics/', { name: `Epic ${i}`, project_id: own.body.id })
    await call('POST', '/api/epics/', { name: 'Refund flow', project_id: own.body.id })
    const page1 = await call('GET', `/api/epics/?project_id=${own.body.id}&page_size=4`)
    t.equal(page1.status, 200)
    t.equal(page1.body.count, 6)
    t.equal(page1.body.results.length, 4)
    t.match(page1.body.next, /page=2/)
    t.equal(page1.body.previous, null)
    const page2 = await call('GET', page1.body.next)
    t.equal(page2.body.results.length, 2)
    t.equal(page2.body.next, null)
    t.match(page2.body.previous, /page=1/)
    const search = await call('GET', `/api/epics/?project_id=${own.body.id}&search=refund`)
    t.same(search.body.results.map((e: { name: string }) => e.name), ['Refund flow'])
  })

  t.test('delete: unreferenced rows go, referenced rows are archived', async (t) => {
    const lonely = await call('POST', '/api/epics/', { name: 'Lonely', project_id: ids.project })
    const gone = await call('DELETE', `/api/epics/${lonely.body.id}/`)
    t.equal(gone.status, 204)
    t.equal((await call('GET', `/api/epics/${lonely.body.id}/`)).status, 404)
    const kept = await call('DELETE', `/api/clients/${ids.client}/`)
    t.equal(kept.status, 200, 'a client with projects is archived')
    t.equal(kept.body.is_active, false)
    t.equal((await call('GET', `/api/clients/${ids.client}/`)).body.is_active, false)
    const active = await call('GET', '/api/clients/?is_active=true')
    t.notOk(active.body.results.some((c: { id: string }) => c.id === ids.client))
  })

  t.test('read_only members may read but not write (403)', async (t) => {
    const reader = await signUp(app, services, { tenantId: user.tenantId, role: 'read_only' })
    const asReader = client(app, reader)
    t.equal((await asReader('GET', '/api/clients/', undefined, { 'x-tenant-id': user.tenantId })).status, 200)
    t.equal((await asReader('POST', '/api/clients/', { name: 'Nope' }, { 'x-tenant-id': user.tenantId })).status, 403)
    t.equal((await asReader('PATCH', `/api/projects/${ids.project}/`, { role: 'x' }, { 'x-tenant-id': user.tenantId })).status, 403)
    t.equal((await asReader('DELETE', `/api/tasks/${ids.task}/`, undefined, { 'x-tenant-id': user.tenantId })).status, 403)
  })
})
