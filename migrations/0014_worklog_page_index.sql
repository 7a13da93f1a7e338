-- The default work-log page (newest day first, then newest entry, then id) read straight
-- from an index: its order is exactly the list's ORDER BY, so a page of 50 out of a
-- hundred thousand entries reads 50 index entries instead of sorting the tenant's rows.
-- It replaces worklog_day_idx, whose columns it starts with.
CREATE INDEX worklog_page_idx ON worklog (tenant_id, occurred_on DESC, created_at DESC, id);
DROP INDEX worklog_day_idx;

COMMENT ON INDEX worklog_page_idx IS 'The work-log list in its default order (-occurred_on, -created_at, id), per tenant; also serves date-range filters.';
