-- The OpenTelemetry trace context a job was enqueued in (issue 10): the W3C traceparent of
-- the span that enqueued it — a request, or a step of its parent job. The worker that runs
-- the job, usually another process, reads it from the row and continues that trace, so a
-- request, the jobs it caused and their LLM calls are one trace.
--
-- NULL when tracing was off at enqueue (the default): nothing is stored, and a worker with
-- tracing on starts a trace of its own for the job. trace_id (the correlation id) is kept
-- as it is: it ties log lines and events together with or without tracing.
ALTER TABLE job ADD COLUMN trace_parent text;

-- NOT VALID: the check holds for rows written from now on without a scan of the existing
-- ones under this migration's lock (they are all NULL, which passes anyway).
ALTER TABLE job ADD CONSTRAINT job_trace_parent_format
  CHECK (trace_parent ~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$') NOT VALID;

COMMENT ON COLUMN job.trace_parent IS 'W3C traceparent of the span that enqueued the job (NULL: tracing was off); its run continues that OpenTelemetry trace.';
