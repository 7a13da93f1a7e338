-- Operator views over the job platform. Rebuilt on every `afterresume migrate`.

CREATE VIEW ops.queue_depth AS
SELECT type,
       status,
       count(*)                                   AS jobs,
       min(created_at)                            AS oldest_created_at,
       max(created_at)                            AS newest_created_at,
       count(*) FILTER (WHERE scheduled_for > now()) AS delayed
FROM job
WHERE finished_at IS NULL
GROUP BY type, status;
COMMENT ON VIEW ops.queue_depth IS 'Jobs waiting or running, per type and status.';

CREATE VIEW ops.failed_jobs AS
SELECT j.id,
       j.type,
       j.tenant_id,
       j.trigger,
       j.attempt                  AS attempts,
       j.retry_count,
       j.max_retries,
       j.error                    AS last_error,
       j.created_at,
       j.finished_at,
       (SELECT e.data FROM event e
         WHERE e.job_id = j.id AND e.level = 'error'
         ORDER BY e.id DESC LIMIT 1) AS last_error_event
FROM job j
WHERE j.status = 'failed'
ORDER BY j.finished_at DESC;
COMMENT ON VIEW ops.failed_jobs IS 'Permanently failed jobs, newest first, with their last error and attempts.';

CREATE VIEW ops.job_latency AS
WITH windows(name, since) AS (
  VALUES ('last_hour', now() - interval '1 hour'), ('last_day', now() - interval '1 day')
)
SELECT w.name AS time_window,
       j.type,
       count(*)                                                                            AS finished,
       count(*) FILTER (WHERE j.status = 'failed')                                         AS failed,
       round((percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM j.started_at - j.created_at)) * 1000)::numeric, 1) AS wait_p50_ms,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM j.started_at - j.created_at)) * 1000)::numeric, 1) AS wait_p95_ms,
       round((percentile_cont(0.5)  WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.started_at)) * 1000)::numeric, 1) AS run_p50_ms,
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.started_at)) * 1000)::numeric, 1) AS run_p95_ms
FROM windows w
JOIN job j ON j.finished_at >= w.since
WHERE j.status IN ('success', 'failed') AND j.started_at IS NOT NULL
GROUP BY w.name, j.type;
COMMENT ON VIEW ops.job_latency IS 'Queue wait (created → started, includes retries and delays) and run time percentiles per type, over the last hour and day.';

CREATE VIEW ops.schedules AS
SELECT s.id,
       s.name,
       s.job_type,
       s.cron,
       s.timezone,
       s.enabled,
       s.tenant_id,
       s.last_run_at,
       s.next_run_at,
       lj.status AS last_job_status,
       (b.name IS NOT NULL) AS registered_in_pgboss
FROM schedule s
LEFT JOIN job lj ON lj.id = s.last_job_id
LEFT JOIN pgboss.schedule b ON b.name = 'afterresume.schedule_fire' AND b.key = s.id::text;
COMMENT ON VIEW ops.schedules IS 'Schedules with their last run, next run, last job status and whether pg-boss holds them.';

CREATE VIEW ops.recent_events AS
SELECT e.id, e.timestamp, e.job_id, j.type AS job_type, e.level, e.source, e.message, e.data
FROM event e
LEFT JOIN job j ON j.id = e.job_id
WHERE e.timestamp > now() - interval '1 day'
ORDER BY e.id DESC;
COMMENT ON VIEW ops.recent_events IS 'Events of the last day, newest first.';
