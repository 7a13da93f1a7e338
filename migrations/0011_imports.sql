-- Imports from where work happens (DESIGN "Imports from where work happens"): Git
-- repositories on the server's disk and GitHub, read by jobs (ingest.git, ingest.github)
-- that turn commits, merged pull requests and closed issues into draft work logs.
--
-- Idempotency lives in imported_item, not on worklog: one row per thing read from a
-- source, unique per user, claimed before its draft is written. Deleting a draft does not
-- delete its claim (the foreign key only forgets the work log), so dismissing a draft is
-- final and a re-run of the import does not bring it back.
--
-- Drafts earn nothing until their person confirms them (status draft → ready):
-- worklog.confirmed_at records that moment, and reward evaluation counts the entry from
-- it (src/modules/gamification/evaluation.service.ts).

ALTER TABLE worklog ADD COLUMN confirmed_at timestamptz;
COMMENT ON COLUMN worklog.confirmed_at IS 'When an imported draft was confirmed (its status first left draft). Rewards count an imported entry from this instant, not from when the import wrote it; NULL for entries typed in and for unconfirmed drafts.';
COMMENT ON COLUMN worklog.source IS 'manual (typed in), import (CSV/JSON bulk import, or the Git/GitHub connectors: see imported_item), api (scripts).';
COMMENT ON COLUMN worklog.source_ref IS 'Identifier in the source system: the imported file''s row, a Jira key, repository@first..last commit for a day of Git commits, github:owner/repo#number for a pull request or issue.';

CREATE TABLE imported_item (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  import_key   text NOT NULL CHECK (length(import_key) BETWEEN 1 AND 500),
  source       text NOT NULL CHECK (source IN ('git', 'github')),
  repository   text NOT NULL CHECK (length(repository) BETWEEN 1 AND 300),
  occurred_on  date NOT NULL,
  worklog_id   uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, import_key),
  -- Only worklog_id is cleared: tenant_id is part of the key and stays.
  FOREIGN KEY (tenant_id, worklog_id) REFERENCES worklog (tenant_id, id) ON DELETE SET NULL (worklog_id)
);
CREATE INDEX imported_item_repository_day_idx ON imported_item (tenant_id, user_id, source, repository, occurred_on);
CREATE INDEX imported_item_worklog_idx ON imported_item (tenant_id, worklog_id) WHERE worklog_id IS NOT NULL;
COMMENT ON TABLE imported_item IS 'One thing an import read for a person (a day of Git commits in a repository, a GitHub pull request or issue) and the work log it became. The key is claimed before the draft is written, so running an import again adds nothing.';
COMMENT ON COLUMN imported_item.import_key IS 'git:{root commit}:{author e-mail}:{day} for a day of commits; github:{owner/repo}#{number} for a pull request or issue.';
COMMENT ON COLUMN imported_item.source IS 'git (ingest.git, the CLI) or github (ingest.github).';
COMMENT ON COLUMN imported_item.repository IS 'owner/repo (lower case) when known from GitHub or a Git remote, else the repository folder''s name: how a pull request finds the day of commits it belongs to.';
COMMENT ON COLUMN imported_item.occurred_on IS 'The day the work happened: the commits'' author day, or the day a pull request was merged / an issue closed in the person''s time zone.';
COMMENT ON COLUMN imported_item.worklog_id IS 'The work log the item became or was linked to; NULL once that work log was deleted (the item stays claimed).';

CREATE TABLE github_connection (
  tenant_id         uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  login             text NOT NULL CHECK (length(login) BETWEEN 1 AND 100),
  token_ciphertext  bytea NOT NULL,
  schedule_id       uuid REFERENCES schedule (id) ON DELETE SET NULL,
  cursor            timestamptz NOT NULL,
  last_run_at       timestamptz,
  last_error        text CHECK (length(last_error) <= 2000),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT github_connection_user_unique UNIQUE (tenant_id, user_id)
);
CREATE INDEX github_connection_schedule_idx ON github_connection (schedule_id) WHERE schedule_id IS NOT NULL;
COMMENT ON TABLE github_connection IS 'A person''s link to GitHub: the access token (encrypted), whose pull requests and issues to import, and how far the import has read. One per person and tenant; DELETE /api/connections/github/ removes the row, token and schedule.';
COMMENT ON COLUMN github_connection.login IS 'The GitHub login the token belongs to (asked of GitHub when connecting): the author whose pull requests and issues are imported.';
COMMENT ON COLUMN github_connection.token_ciphertext IS 'AES-256-GCM: 12-byte nonce, 16-byte tag, ciphertext. Key derived from SECRET_KEY with HKDF-SHA256; the tenant, user and connection ids are the associated data, so a ciphertext moved to another row does not open. Never returned by the API.';
COMMENT ON COLUMN github_connection.schedule_id IS 'The schedule that runs ingest.github for this connection (daily in the person''s time zone unless they chose a cron).';
COMMENT ON COLUMN github_connection.cursor IS 'Items merged or closed from here on are read by the next run (which reads a day before it as well, for GitHub''s search index lag); moved to the start of each successful run.';
COMMENT ON COLUMN github_connection.last_run_at IS 'When the last run that finished began.';
COMMENT ON COLUMN github_connection.last_error IS 'Why the last run stopped (token refused, rate limited until …); NULL after a run that finished.';

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['imported_item', 'github_connection']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) '
                   'WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()))', t);
  END LOOP;
END
$$;
