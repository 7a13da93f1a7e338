import t from 'tap'
import { setup } from '../fixtures.ts'

// Each organisational level, route by route: create, list by parent, retrieve, PUT
// (resets what it omits), PATCH (keeps what it omits), then delete bottom-up (each row
// unreferenced by then, so it goes: 204, then 404). hierarchy.test.ts covers the rules.
t.test('every level answers its five routes', async (t) => {
  const { call } = await setup(t)
  const client = await call('POST', '/api/clients/', { name: 'Acme' })
  t.equal(client.status, 201, client.text)

  const project = await call('POST', '/api/projects/', { name: 'Shop', client_id: client.body.id, role: 'Lead' })
  t.equal(project.status, 201, project.text)
  const projects = await call('GET', `/api/projects/?client_id=${client.body.id}`)
  t.match(projects, { status: 200, body: { count: 1, next: null, previous: null } })
  t.same(projects.body.results.map((p: { name: string }) => p.name), ['Shop'])
  t.match(await call('GET', `/api/projects/${project.body.id}/`), { status: 200, body: { name: 'Shop', role: 'Lead', client_id: client.body.id } })
  t.match(await call('PUT', `/api/projects/${project.body.id}/`, { name: 'Shop 2', client_id: client.body.id }), { status: 200, body: { name: 'Shop 2', role: '' } })
  t.match(await call('PATCH', `/api/projects/${project.body.id}/`, { role: 'Architect' }), { status: 200, body: { name: 'Shop 2', role: 'Architect' } })

  const epic = await call('POST', '/api/epics/', { name: 'Checkout', project_id: project.body.id, description: 'Pay and go' })
  t.equal(epic.status, 201, epic.text)
  t.match(await call('PUT', `/api/epics/${epic.body.id}/`, { name: 'Checkout v2', project_id: project.body.id }), { status: 200, body: { name: 'Checkout v2', description: '' } })
  t.match(await call('PATCH', `/api/epics/${epic.body.id}/`, { description: 'Faster' }), { status: 200, body: { name: 'Checkout v2', description: 'Faster' } })

  const feature = await call('POST', '/api/features/', { name: 'Payments', epic_id: epic.body.id, description: 'Cards' })
  t.equal(feature.status, 201, feature.text)
  const features = await call('GET', `/api/features/?epic_id=${epic.body.id}`)
  t.match(features, { status: 200, body: { count: 1 } })
  t.same(features.body.results.map((f: { id: string }) => f.id), [feature.body.id])
  t.match(await call('GET', `/api/features/${feature.body.id}/`), { status: 200, body: { name: 'Payments', epic_id: epic.body.id } })
  t.match(await call('PUT', `/api/features/${feature.body.id}/`, { name: 'Payments v2', epic_id: epic.body.id }), { status: 200, body: { name: 'Payments v2', description: '' } })
  t.match(await call('PATCH', `/api/features/${feature.body.id}/`, { description: 'Wallets' }), { status: 200, body: { name: 'Payments v2', description: 'Wallets' } })

  const story = await call('POST', '/api/stories/', { name: 'Pay by card', feature_id: feature.body.id, description: 'Visa' })
  t.equal(story.status, 201, story.text)
  const stories = await call('GET', `/api/stories/?feature_id=${feature.body.id}`)
  t.match(stories, { status: 200, body: { count: 1 } })
  t.same(stories.body.results.map((s: { id: string }) => s.id), [story.body.id])
  t.match(await call('GET', `/api/stories/${story.body.id}/`), { status: 200, body: { name: 'Pay by card', feature_id: feature.body.id } })
  t.match(await call('PUT', `/api/stories/${story.body.id}/`, { name: 'Pay by card v2', feature_id: feature.body.id }), { status: 200, body: { name: 'Pay by card v2', description: '' } })
  t.match(await call('PATCH', `/api/stories/${story.body.id}/`, { is_active: false }), { status: 200, body: { name: 'Pay by card v2', is_active: false } })

  const task = await call('POST', '/api/tasks/', { name: 'Webhook', story_id: story.body.id, description: 'Stripe' })
  t.equal(task.status, 201, task.text)
  const tasks = await call('GET', `/api/tasks/?story_id=${story.body.id}`)
  t.match(tasks, { status: 200, body: { count: 1 } })
  t.same(tasks.body.results.map((s: { id: string }) => s.id), [task.body.id])
  t.match(await call('GET', `/api/tasks/${task.body.id}/`), { status: 200, body: { name: 'Webhook', story_id: story.body.id } })
  t.match(await call('PUT', `/api/tasks/${task.body.id}/`, { name: 'Webhook v2', story_id: story.body.id }), { status: 200, body: { name: 'Webhook v2', description: '' } })
  t.match(await call('PATCH', `/api/tasks/${task.body.id}/`, { description: 'Retries' }), { status: 200, body: { name: 'Webhook v2', description: 'Retries' } })

  const sprint = await call('POST', '/api/sprints/', { name: 'Sprint 1', project_id: project.body.id, goal: 'Ship', start_date: '2025-01-06', end_date: '2025-01-17' })
  t.equal(sprint.status, 201, sprint.text)
  const sprints = await call('GET', `/api/sprints/?project_id=${project.body.id}`)
  t.match(sprints, { status: 200, body: { count: 1 } })
  t.same(sprints.body.results.map((s: { id: string }) => s.id), [sprint.body.id])
  t.match(await call('GET', `/api/sprints/${sprint.body.id}/`), { status: 200, body: { name: 'Sprint 1', goal: 'Ship', start_date: '2025-01-06', end_date: '2025-01-17' } })
  t.match(await call('PUT', `/api/sprints/${sprint.body.id}/`, { name: 'Sprint 1b', project_id: project.body.id }), { status: 200, body: { name: 'Sprint 1b', goal: '', start_date: null, end_date: null } })

  t.equal((await call('DELETE', `/api/tasks/${task.body.id}/`)).status, 204)
  t.equal((await call('GET', `/api/tasks/${task.body.id}/`)).status, 404)
  t.equal((await call('DELETE', `/api/stories/${story.body.id}/`)).status, 204)
  t.equal((await call('GET', `/api/stories/${story.body.id}/`)).status, 404)
  t.equal((await call('DELETE', `/api/features/${feature.body.id}/`)).status, 204)
  t.equal((await call('GET', `/api/features/${feature.body.id}/`)).status, 404)
  t.equal((await call('DELETE', `/api/epics/${epic.body.id}/`)).status, 204)
  t.equal((await call('DELETE', `/api/sprints/${sprint.body.id}/`)).status, 204)
  t.equal((await call('GET', `/api/sprints/${sprint.body.id}/`)).status, 404)
  t.equal((await call('DELETE', `/api/projects/${project.body.id}/`)).status, 204)
  t.equal((await call('GET', `/api/projects/${project.body.id}/`)).status, 404)
})
