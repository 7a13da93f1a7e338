-- Every event row is announced with NOTIFY, so live streams (Server-Sent Events) learn of
-- it without polling. A trigger rather than a call in the application: events are also
-- written in plain SQL (the runner's batch start), and a trigger cannot be forgotten.
--
-- One trigger run per INSERT statement, not per row: the runner writes a few hundred
-- events in one statement, and grouping them keeps the NOTIFY count (and the work of the
-- listeners) per statement. Each notification carries up to 64 lines of
-- "<event id> <job id or -> <tenant id or ->" (at most ~95 bytes a line, so ~6 KB, under
-- PostgreSQL's 8000-byte payload limit). Listeners read the rows themselves, after the
-- commit, so what they see (the job's status included) is what was committed.
-- Notifications are delivered on commit and dropped on rollback, like the rows.

CREATE FUNCTION event_announce() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  chunk text;
BEGIN
  FOR chunk IN
    SELECT string_agg(concat_ws(' ', id, coalesce(job_id::text, '-'), coalesce(tenant_id::text, '-')), E'\n' ORDER BY id)
    FROM (SELECT id, job_id, tenant_id, (row_number() OVER (ORDER BY id) - 1) / 64 AS part FROM announced) AS numbered
    GROUP BY part
  LOOP
    PERFORM pg_notify('afterresume_event', chunk);
  END LOOP;
  RETURN NULL;
END $$;

COMMENT ON FUNCTION event_announce() IS 'NOTIFY afterresume_event with "<event id> <job id> <tenant id>" lines for the rows an INSERT added (64 a notification).';

CREATE TRIGGER event_announce AFTER INSERT ON event
  REFERENCING NEW TABLE AS announced
  FOR EACH STATEMENT EXECUTE FUNCTION event_announce();
