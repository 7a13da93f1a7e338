-- A failed job's error for two audiences: `error` keeps the full text (database errors
-- included) for staff, psql and logs; `error_code` says what kind of failure it was, and
-- decides what the tenant API shows (src/platform/jobs/failure.ts).

ALTER TABLE job ADD COLUMN error_code text;
COMMENT ON COLUMN job.error_code IS 'Kind of the last failure: an AppError or LLM error code, permanent_failure, or internal_error (then tenant users see a generic message, not job.error).';
