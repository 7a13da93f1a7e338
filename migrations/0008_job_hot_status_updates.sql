-- Issue 11 (job throughput). Every job moves queued → running → success, and each move
-- was a non-HOT update: `status` sat in job_status_type_idx and in the predicate of
-- job_tenant_active_idx, so PostgreSQL wrote a new entry into every index of `job` (five
-- per job at start, four at the end) and the start statement found its 500 rows by
-- scanning every queued job through the status index. What needs "the jobs not yet
-- finished" (the sweeper, tenant quotas, ops.queue_depth) now finds them through
-- finished_at, which the start does not touch: queued → running changes no indexed
-- column and, with room left on the page, is a HOT update.

-- finished_at is set exactly when a job settles (success, failed, cancelled) and never
-- cleared, so "not finished" and "queued or running" are the same rows. The constraint
-- makes that a fact the queries may rely on; rows written before it are brought in line.
UPDATE job SET finished_at = updated_at WHERE finished_at IS NULL AND status NOT IN ('queued', 'running');
UPDATE job SET finished_at = NULL WHERE finished_at IS NOT NULL AND status IN ('queued', 'running');
ALTER TABLE job ADD CONSTRAINT job_finished_when_settled CHECK ((finished_at IS NULL) = (status IN ('queued', 'running')));

DROP INDEX job_status_type_idx;
DROP INDEX job_tenant_active_idx;
CREATE INDEX job_unfinished_idx ON job (tenant_id) WHERE finished_at IS NULL;
COMMENT ON INDEX job_unfinished_idx IS 'Queued and running jobs (finished_at IS NULL), for the sweeper, quotas and ops.queue_depth. Keyed on nothing the start of a job changes, so queued → running stays a HOT update.';

-- Room on each page for the running version of every row written there: a HOT update
-- needs free space on the row's own page. Applies to pages written from now on.
ALTER TABLE job SET (fillfactor = 50);

-- event is append-only and timestamp follows insertion order, so a BRIN index answers
-- the time-range reads (ops.recent_events, retention) at a fraction of a B-tree's cost
-- per inserted event — three of them per job.
DROP INDEX event_timestamp_idx;
CREATE INDEX event_timestamp_brin ON event USING brin (timestamp);
