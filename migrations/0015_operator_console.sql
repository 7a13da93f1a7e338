-- Issue 10, the operator console: pausing a job type, worker heartbeats, console sessions.

-- A paused job type is not fetched by any worker: its jobs stay `queued` (their pg-boss
-- messages wait as `created`) until it is resumed. Workers LISTEN on
-- afterresume_job_pause and re-read this table; the runner also reads it before it
-- starts a batch, so a worker that missed the notification still runs nothing paused.
CREATE TABLE job_type_pause (
  job_type   text PRIMARY KEY,
  paused_at  timestamptz NOT NULL DEFAULT now(),
  paused_by  uuid REFERENCES app_user (id) ON DELETE SET NULL,
  reason     text NOT NULL DEFAULT ''
);
COMMENT ON TABLE job_type_pause IS 'Job types no worker fetches while a row exists; their jobs wait as queued.';

-- Each worker process stamps its row every sweep interval and deletes it when it stops
-- gracefully. A row not stamped for three intervals belongs to a worker that died; the
-- sweep deletes rows a day old.
CREATE TABLE worker_heartbeat (
  worker                  text PRIMARY KEY,
  started_at              timestamptz NOT NULL DEFAULT now(),
  last_seen_at            timestamptz NOT NULL DEFAULT now(),
  beat_interval_seconds   integer NOT NULL CHECK (beat_interval_seconds > 0),
  concurrency             integer NOT NULL,
  job_types               text[] NOT NULL
);
COMMENT ON TABLE worker_heartbeat IS 'Worker processes (host:pid) and when each last said it was alive.';
COMMENT ON COLUMN worker_heartbeat.beat_interval_seconds IS 'How often this worker stamps last_seen_at; three missed stamps mean it is gone.';

-- Console sign-ins are sessions of their own kind (shorter-lived, cookie-only).
ALTER TABLE auth_session DROP CONSTRAINT auth_session_client_check;
ALTER TABLE auth_session ADD CONSTRAINT auth_session_client_check CHECK (client IN ('browser', 'script', 'console'));
