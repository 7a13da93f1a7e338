-- The job platform: our system of record for asynchronous work. pg-boss (schema
-- "pgboss") delivers the work; these tables say what was asked, what happened and why,
-- and they outlive pg-boss's retention. A job row and its pg-boss message share one id.

CREATE TABLE schedule (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid,
  user_id       uuid,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  job_type      text NOT NULL,
  cron          text NOT NULL,
  timezone      text NOT NULL DEFAULT 'UTC',
  payload       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
  enabled       boolean NOT NULL DEFAULT true,
  last_run_at   timestamptz,
  next_run_at   timestamptz,
  last_job_id   uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT schedule_name_unique UNIQUE NULLS NOT DISTINCT (tenant_id, name)
);

COMMENT ON TABLE schedule IS 'Durable cron schedules. Each row is mirrored into pg-boss (queue afterresume.schedule_fire, key = id); when it fires, a normal job of job_type is enqueued with trigger = ''schedule''.';
COMMENT ON COLUMN schedule.cron IS '5-field cron (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @every_minute; evaluated in timezone.';
COMMENT ON COLUMN schedule.timezone IS 'IANA time zone the cron expression is read in, e.g. Europe/Berlin.';
COMMENT ON COLUMN schedule.payload IS 'Payload of every job the schedule enqueues.';
COMMENT ON COLUMN schedule.last_run_at IS 'When the schedule last fired (set by the fire handler).';
COMMENT ON COLUMN schedule.next_run_at IS 'Next firing time computed from cron and timezone.';
COMMENT ON COLUMN schedule.last_job_id IS 'The job the last firing enqueued.';

CREATE TABLE job (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid,
  user_id          uuid,
  type             text NOT NULL,
  status           text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'success', 'failed', 'cancelled')),
  trigger          text NOT NULL DEFAULT 'api'
                   CHECK (trigger IN ('api', 'schedule', 'retry', 'system')),
  payload          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
  result           jsonb,
  error            text,
  retry_count      integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
  max_retries      integer NOT NULL DEFAULT 3 CHECK (max_retries BETWEEN 0 AND 50),
  attempt          integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  scheduled_for    timestamptz,
  parent_job_id    uuid REFERENCES job (id) ON DELETE SET NULL,
  schedule_id      uuid REFERENCES schedule (id) ON DELETE SET NULL,
  trace_id         uuid NOT NULL,
  idempotency_key  text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Idempotency lives here, not in pg-boss: pg-boss forgets a singleton key once its row
-- is archived, while a client retrying a request a day later must still get its job back.
CREATE UNIQUE INDEX job_idempotency_key_unique ON job (tenant_id, idempotency_key) NULLS NOT DISTINCT
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX job_status_type_idx ON job (status, type);
CREATE INDEX job_tenant_created_idx ON job (tenant_id, created_at DESC);
CREATE INDEX job_parent_idx ON job (parent_job_id) WHERE parent_job_id IS NOT NULL;
CREATE INDEX job_created_idx ON job (created_at);

ALTER TABLE schedule ADD CONSTRAINT schedule_last_job_fk FOREIGN KEY (last_job_id) REFERENCES job (id) ON DELETE SET NULL;

COMMENT ON TABLE job IS 'One row per unit of asynchronous work (system of record). id is also the pg-boss job id in schema pgboss.';
COMMENT ON COLUMN job.type IS 'Registered workflow name, e.g. worklog.analyze; also the pg-boss queue name.';
COMMENT ON COLUMN job.status IS 'queued → running → success | failed | cancelled; a failed attempt with retries left goes back to queued.';
COMMENT ON COLUMN job.trigger IS 'Who asked: api (a request), schedule (cron), retry (operator re-run of a failed job), system (internal, e.g. a chained child).';
COMMENT ON COLUMN job.payload IS 'Workflow input (JSON object).';
COMMENT ON COLUMN job.result IS 'Workflow output on success.';
COMMENT ON COLUMN job.error IS 'Last error message (kept after a later success for history; see event rows).';
COMMENT ON COLUMN job.retry_count IS 'Failed attempts so far that were followed by a retry.';
COMMENT ON COLUMN job.max_retries IS 'Retries allowed after the first attempt (so max_retries + 1 attempts at most).';
COMMENT ON COLUMN job.attempt IS 'Attempts started so far (1 while the first attempt runs).';
COMMENT ON COLUMN job.scheduled_for IS 'Not before this time: a delayed job, or the backoff time of the next retry.';
COMMENT ON COLUMN job.parent_job_id IS 'The job whose workflow enqueued this one (chaining), or the failed job a retry re-runs.';
COMMENT ON COLUMN job.trace_id IS 'Correlation id: the X-Correlation-ID of the request that caused it, inherited by child jobs.';
COMMENT ON COLUMN job.idempotency_key IS 'Client-chosen key; a repeated enqueue with the same (tenant_id, key) returns the existing job.';

CREATE TABLE event (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id     uuid REFERENCES job (id) ON DELETE CASCADE,
  tenant_id  uuid,
  trace_id   uuid,
  timestamp  timestamptz NOT NULL DEFAULT clock_timestamp(),
  level      text NOT NULL DEFAULT 'info' CHECK (level IN ('debug', 'info', 'warning', 'error')),
  source     text NOT NULL CHECK (source ~ '^(system|worker|scheduler|workflow|agent|llm|api)(\.[a-z_]+)*$'),
  message    text NOT NULL,
  data       jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX event_job_idx ON event (job_id, id);
CREATE INDEX event_timestamp_idx ON event (timestamp);

COMMENT ON TABLE event IS 'Append-only timeline: every job lifecycle step, workflow step, agent call and LLM call.';
COMMENT ON COLUMN event.timestamp IS 'clock_timestamp() so events written in one transaction keep their real order.';
COMMENT ON COLUMN event.source IS 'system, worker, scheduler, workflow, agent, llm or api, optionally refined (workflow.reward).';
COMMENT ON COLUMN event.data IS 'Structured details (attempt, delay, model, tokens, error stack, …).';
