// The anchor of `npm run bench:api`: the worklog page the service serves at
// GET /api/worklogs/?page_size=50, served by a bare Fastify route over a pg pool with one
// hand-written statement that builds the whole JSON body in SQL. No auth, no tenant
// transaction, no rate-limit counter, no schema validation or serialization in Node:
// what one page could cost on this machine, so the service's figure has something in
// the same run to be compared with. Run by api.bench.ts in a process of its own.
//   ANCHOR_DATABASE_URL, ANCHOR_TENANT_ID, ANCHOR_PORT, ANCHOR_POOL_MAX
import Fastify from 'fastify'
import pg from 'pg'

const url = process.env.ANCHOR_DATABASE_URL
const tenantId = process.env.ANCHOR_TENANT_ID
if (url === undefined || tenantId === undefined) throw new Error('ANCHOR_DATABASE_URL and ANCHOR_TENANT_ID are required')
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.ANCHOR_POOL_MAX ?? 10) })
pool.on('error', () => {})

// Same rows, order, relations and total as the service's list query (worklog.repository.ts).
const PAGE = `
  WITH page AS (
    SELECT w.*, count(*) OVER () AS total_count,
           c.name AS client_name, p.name AS project_name, e.name AS epic_name, f.name AS feature_name,
           s.name AS story_name, t.name AS task_name, sp.name AS sprint_name
    FROM worklog w
    LEFT JOIN client c ON c.tenant_id = w.tenant_id AND c.id = w.client_id
    LEFT JOIN project p ON p.tenant_id = w.tenant_id AND p.id = w.project_id
    LEFT JOIN epic e ON e.tenant_id = w.tenant_id AND e.id = w.epic_id
    LEFT JOIN feature f ON f.tenant_id = w.tenant_id AND f.id = w.feature_id
    LEFT JOIN story s ON s.tenant_id = w.tenant_id AND s.id = w.story_id
    LEFT JOIN task t ON t.tenant_id = w.tenant_id AND t.id = w.task_id
    LEFT JOIN sprint sp ON sp.tenant_id = w.tenant_id AND sp.id = w.sprint_id
    WHERE w.tenant_id = $1
    ORDER BY w.occurred_on DESC NULLS LAST, w.created_at DESC, w.id
    LIMIT $2
  )
  SELECT json_build_object(
    'count', coalesce(max(total_count), 0),
    'next', NULL,
    'previous', NULL,
    'results', coalesce(json_agg(
      (to_jsonb(page) - 'search_vector' - 'tenant_id' - 'total_count'
        - 'client_name' - 'project_name' - 'epic_name' - 'feature_name' - 'story_name' - 'task_name' - 'sprint_name')
      || jsonb_build_object(
        'client', CASE WHEN client_id IS NULL THEN NULL ELSE jsonb_build_object('id', client_id, 'name', client_name) END,
        'project', CASE WHEN project_id IS NULL THEN NULL ELSE jsonb_build_object('id', project_id, 'name', project_name) END,
        'epic', CASE WHEN epic_id IS NULL THEN NULL ELSE jsonb_build_object('id', epic_id, 'name', epic_name) END,
        'feature', CASE WHEN feature_id IS NULL THEN NULL ELSE jsonb_build_object('id', feature_id, 'name', feature_name) END,
        'story', CASE WHEN story_id IS NULL THEN NULL ELSE jsonb_build_object('id', story_id, 'name', story_name) END,
        'task', CASE WHEN task_id IS NULL THEN NULL ELSE jsonb_build_object('id', task_id, 'name', task_name) END,
        'sprint', CASE WHEN sprint_id IS NULL THEN NULL ELSE jsonb_build_object('id', sprint_id, 'name', sprint_name) END,
        'hours', round(effort_minutes / 60.0, 2))
      ORDER BY occurred_on DESC NULLS LAST, created_at DESC, id), '[]'::json)
  )::text AS body
  FROM page`

const app = Fastify({ logger: false })
app.get('/anchor/worklogs', async (request, reply) => {
  const size = Math.min(100, Math.max(1, Number((request.query as { page_size?: string }).page_size ?? 50)))
  const { rows } = await pool.query<{ body: string }>({ name: 'anchor-page', text: PAGE, values: [tenantId, size] })
  return reply.type('application/json; charset=utf-8').send(rows[0]?.body ?? '{}')
})

const close = (): void => { void app.close().then(() => pool.end()).then(() => process.exit(0)) }
process.once('SIGTERM', close)
process.once('SIGINT', close)
await app.listen({ host: '127.0.0.1', port: Number(process.env.ANCHOR_PORT ?? 0) })
process.stdout.write(`anchor listening on ${JSON.stringify(app.server.address())}\n`)
