import t from 'tap'
import { signUp } from '../../../helpers/auth.ts'
import { client, hierarchy, setup } from '../fixtures.ts'

t.test('work logs: validation rules, backfill, tenancy, PUT vs PATCH', async (t) => {
  const { app, services, call } = await setup(t)
  const ids = await hierarchy(call)
  const other = await hierarchy(call, 'Globex')

  t.test('create with only a task backfills story, feature, epic, project and client', async (t) => {
    const reply = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'Wired the Stripe webhook', task_id: ids.task, effort_minutes: 90 })
    t.equal(reply.status, 201, reply.text)
    const log = reply.body
    t.same(
      [log.client_id, log.project_id, log.epic_id, log.feature_id, log.story_id, log.task_id],
      [ids.client, ids.project, ids.epic, ids.feature, ids.story, ids.task]
    )
    t.same(log.client, { id: ids.client, name: 'Acme' }, 'related names come along')
    t.equal(log.hours, 1.5, 'hours computed from effort_minutes')
    t.equal(log.occurred_on, '2025-01-08')
    t.equal(log.source, 'manual')
    t.equal(log.status, 'draft')
    t.equal(log.enrichment_status, 'pending')
    const bySprint = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'Planning', sprint_id: ids.sprint })
    t.equal(bySprint.body.project_id, ids.project, 'a sprint fills its project')
    t.equal(bySprint.body.client_id, ids.client, '… and the client')
  })

  t.test('hierarchy consistency: a child with a parent it does not belong to is a 400 naming both', async (t) => {
    const reply = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'x', task_id: ids.task, project_id: other.project })
    t.equal(reply.status, 400)
    t.equal(reply.body.field, 'project_id')
    t.same(reply.body.errors.map((e: { field: string }) => e.field).sort(), ['project_id', 'task_id'])
    const clientMismatch = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'x', project_id: ids.project, client_id: other.client })
    t.equal(clientMismatch.status, 400)
    t.same(clientMismatch.body.errors.map((e: { field: string }) => e.field).sort(), ['client_id', 'project_id'])
    const sprintMismatch = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'x', story_id: ids.story, sprint_id: other.sprint })
    t.equal(sprintMismatch.status, 400)
    t.same(sprintMismatch.body.errors.map((e: { field: string }) => e.field).sort(), ['project_id', 'sprint_id'])
    const consistent = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'x', story_id: ids.story, project_id: ids.project, client_id: ids.client, sprint_id: ids.sprint })
    t.equal(consistent.status, 201, 'a consistent set of ids is accepted')
    t.equal(consistent.body.epic_id, ids.epic)
  })

  t.test('schema rules: required fields, enumerations, ranges, mass assignment (400 naming the field)', async (t) => {
    const cases: Array<[object, string]> = [
      [{ content: 'x' }, 'body.occurred_on'],
      [{ occurred_on: '2025-01-08' }, 'body.content'],
      [{ occurred_on: '2025-01-08', content: '' }, 'body.content'],
      [{ occurred_on: '8 Jan 2025', content: 'x' }, 'body.occurred_on'],
      [{ occurred_on: '2025-01-08', content: 'x', work_type: 'coding' }, 'body.work_type'],
      [{ occurred_on: '2025-01-08', content: 'x', status: 'done' }, 'body.status'],
      [{ occurred_on: '2025-01-08', content: 'x', enrichment_status: 'maybe' }, 'body.enrichment_status'],
      [{ occurred_on: '2025-01-08', content: 'x', effort_minutes: -5 }, 'body.effort_minutes'],
      [{ occurred_on: '2025-01-08', content: 'x', tags: [{ name: 'go' }] }, 'body.tags.0'],
      [{ occurred_on: '2025-01-08', content: 'x', task_id: 'not-a-uuid' }, 'body.task_id'],
      [{ occurred_on: '2025-01-08', content: 'x', source: 'import' }, 'body.source'],
      [{ occurred_on: '2025-01-08', content: 'x', tenant_id: ids.client }, 'body.tenant_id'],
      [{ occurred_on: '2025-01-08', content: 'x', user_id: ids.client }, 'body.user_id'],
      [{ occurred_on: '2025-01-08', content: 'x', ai_summary: 'I wrote it myself' }, 'body.ai_summary'],
    ]
    for (const [payload, field] of cases) {
      const reply = await call('POST', '/api/worklogs/', payload)
      t.equal(reply.status, 400, JSON.stringify(payload))
      t.equal(reply.body.field, field)
    }
  })

  t.test('another tenant\'s ids are 404s naming the field, never 400s', async (t) => {
    const stranger = await signUp(app, services)
    const theirs = client(app, stranger)
    const foreign = await hierarchy(theirs, 'Theirs')
    for (const field of ['client_id', 'project_id', 'epic_id', 'feature_id', 'story_id', 'task_id', 'sprint_id'] as const) {
      const key = field.replace(/_id$/, '') as keyof typeof foreign
      const reply = await call('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'x', project_id: ids.project, [field]: foreign[key] })
      t.equal(reply.status, 404, field)
      t.equal(reply.body.field, field)
    }
    const theirLog = await theirs('POST', '/api/worklogs/', { occurred_on: '2025-01-08', content: 'secret' })
    t.equal((await call('GET', `/api/worklogs/${theirLog.body.id}/`)).status, 404)
    t.equal((await call('PATCH', `/api/worklogs/${theirLog.body.id}/`, { title: 'mine now' })).status, 404)
    t.equal((await call('DELETE', `/api/worklogs/${theirLog.body.id}/`)).status, 404)
    t.equal((await call('POST', `/api/worklogs/${theirLog.body.id}/links/`, { url: 'https://x.example' })).status, 404)
  })

  t.test('PUT replaces the entry; PATCH changes only what is given', async (t) => {
    const created = await call('POST', '/api/worklogs/', {
      occurred_on: '2025-01-09', title: 'Webhook', content: 'Retry logic', outcome: 'No lost payments', tags: ['stripe', 'go'], task_id: ids.task, is_billable: true,
    })
    const id = created.body.id
    const patched = await call('PATCH', `/api/worklogs/${id}/`, { status: 'ready' })
    t.equal(patched.status, 200)
    t.equal(patched.body.status, 'ready')
    t.same(patched.body.tags, ['stripe', 'go'], 'PATCH keeps tags')
    t.equal(patched.body.task_id, ids.task, 'PATCH keeps the placement')
    t.equal(patched.body.outcome, 'No lost payments')

    const moved = await call('PATCH', `/api/worklogs/${id}/`, { project_id: other.project })
    t.equal(moved.status, 200, 'PATCHing the placement re-derives it from what is given')
    t.equal(moved.body.task_id, null)
    t.equal(moved.body.client_id, other.client)

    const putMissing = await call('PUT', `/api/worklogs/${id}/`, { occurred_on: '2025-01-09' })
    t.equal(putMissing.status, 400)
    t.equal(putMissing.body.field, 'body.content')
    const put = await call('PUT', `/api/worklogs/${id}/`, { occurred_on: '2025-01-10', content: 'Rewritten' })
    t.equal(put.status, 200)
    t.equal(put.body.content, 'Rewritten')
    t.same(put.body.tags, [], 'PUT resets tags')
    t.equal(put.body.outcome, '')
    t.equal(put.body.is_billable, false)
    t.equal(put.body.project_id, null, 'PUT resets the placement')
    t.equal(put.body.status, 'draft')

    const badPatch = await call('PATCH', `/api/worklogs/${id}/`, { task_id: ids.task, client_id: other.client })
    t.equal(badPatch.status, 400)
    t.equal(badPatch.body.field, 'client_id')
    t.equal((await call('GET', `/api/worklogs/${id}/`)).body.content, 'Rewritten', 'a refused PATCH changes nothing')

    t.equal((await call('DELETE', `/api/worklogs/${id}/`)).status, 204)
    t.equal((await call('GET', `/api/worklogs/${id}/`)).status, 404)
  })

  t.test('a referenced client or task is archived, not deleted', async (t) => {
    const reply = await call('DELETE', `/api/tasks/${ids.task}/`)
    t.equal(reply.status, 200)
    t.equal(reply.body.is_active, false)
  })
})
