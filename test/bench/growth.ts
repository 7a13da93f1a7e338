// Data that a busy installation has accumulated, for the benchmarks' growth runs
// (BENCH_API_WORKLOGS, BENCH_BACKGROUND_JOBS): rows written straight into the tables with
// generate_series, as the migration owner, then ANALYZEd, so a run measures the same
// routes over 10× or 100× the rows without spending minutes in the API to create them.
import pg from 'pg'

async function withOwner<T> (url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/**
 * `count` work logs for `userId` in `tenantId`, spread over the last three years, and as
 * many again in `otherTenants` tenants of their own beside it (each with one user), so
 * the page reads one tenant's rows out of a table that holds others' too.
 */
export async function growWorklogs (url: string, tenant: { tenantId: string; userId: string }, count: number, otherTenants = 10): Promise<void> {
  if (count <= 0) return
  await withOwner(url, async (client) => {
    const insert = `
      INSERT INTO worklog (tenant_id, user_id, occurred_on, title, content, outcome, work_type, status, tags, effort_minutes)
      SELECT $1, $2, current_date - (n % 1095),
             'Grown entry ' || n,
             'Worked on item ' || n || ': reviewed the pipeline, fixed a flaky test and wrote notes for the team.',
             'Item ' || n || ' shipped',
             (ARRAY['delivery', 'planning', 'incident', 'support', 'learning', 'other'])[1 + n % 6],
             (ARRAY['draft', 'ready', 'final'])[1 + n % 3],
             jsonb_build_array('tag' || (n % 20)),
             15 + n % 240
      FROM generate_series(1, $3::int) AS n`
    await client.query(insert, [tenant.tenantId, tenant.userId, count])
    for (let i = 0; i < otherTenants; i++) {
      const { rows: [other] } = await client.query<{ tenant_id: string; user_id: string }>(`
        WITH t AS (INSERT INTO tenant (name) VALUES ('Grown tenant ' || $1::int) RETURNING id),
             u AS (INSERT INTO app_user (email, password_hash) VALUES ('grown' || $1::int || '@example.com', 'x') RETURNING id),
             m AS (INSERT INTO tenant_membership (tenant_id, user_id, role) SELECT t.id, u.id, 'owner' FROM t, u)
        SELECT t.id AS tenant_id, u.id AS user_id FROM t, u`, [i])
      if (other === undefined) throw new Error('could not create a grown tenant')
      await client.query(insert, [other.tenant_id, other.user_id, Math.ceil(count / otherTenants)])
    }
    // As autovacuum would have by then: statistics, and a visibility map for index-only scans.
    await client.query('VACUUM ANALYZE')
  })
}

/**
 * `count` finished jobs with their three lifecycle events each (queued, started,
 * completed), as a year of history would leave them, in chunks of 100,000 per statement.
 */
export async function growJobs (url: string, count: number): Promise<void> {
  if (count <= 0) return
  await withOwner(url, async (client) => {
    const chunk = 100_000
    for (let offset = 0; offset < count; offset += chunk) {
      await client.query(`
        WITH made AS (
          INSERT INTO job (type, status, trigger, payload, result, attempt, trace_id, created_at, started_at, finished_at, updated_at)
          SELECT 'system.echo', CASE WHEN n % 50 = 0 THEN 'failed' ELSE 'success' END, 'api', jsonb_build_object('n', n), jsonb_build_object('n', n), 1,
                 gen_random_uuid(), at, at + interval '5 ms', at + interval '20 ms', at + interval '20 ms'
          FROM generate_series($1::int, $2::int) AS n, LATERAL (SELECT now() - (n % 365) * interval '1 day' - (n % 86400) * interval '1 second' AS at) AS moment
          RETURNING id, trace_id, created_at, started_at, finished_at
        )
        INSERT INTO event (job_id, trace_id, timestamp, level, source, message, data)
        SELECT id, trace_id, stamp, 'info', source, message, '{}'
        FROM made, LATERAL (VALUES (created_at, 'api', 'job queued'), (started_at, 'worker', 'job started'), (finished_at, 'worker', 'job completed')) AS e(stamp, source, message)`,
      [offset + 1, Math.min(count, offset + chunk)])
    }
    await client.query('VACUUM ANALYZE job')
    await client.query('VACUUM ANALYZE event')
  })
}
