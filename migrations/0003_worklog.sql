-- Work logs and the things they hang from (seed 004): clients, projects and the agile
-- breakdown (epic → feature → story → task, plus sprints), the log entries themselves,
-- and what jobs and people attach to them (skill signals, bullets, links, attachments),
-- presets for quick entry and generated reports.
--
-- Tenancy. Every table carries tenant_id, leads its primary key and indexes with it and
-- references its parents by (tenant_id, id): the database itself then refuses a row that
-- points into another tenant, and the data can later be distributed by tenant (Citus)
-- without a rewrite. Row-level security as in 0002.
--
-- Parents are never deleted from under their children or work logs (foreign keys are
-- NO ACTION); the API archives them (is_active = false) instead.

CREATE TABLE client (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  is_active    boolean NOT NULL DEFAULT true,
  website      text NOT NULL DEFAULT '' CHECK (length(website) <= 500),
  notes        text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT client_name_unique UNIQUE (tenant_id, user_id, name)
);
CREATE INDEX client_active_idx ON client (tenant_id, user_id, is_active);
COMMENT ON TABLE client IS 'Who the work is for (an employer, a customer, "personal"). Unique by name per user.';
COMMENT ON COLUMN client.is_active IS 'False once archived: kept because work logs or projects still point at it.';

CREATE TABLE project (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id),
  client_id    uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  is_active    boolean NOT NULL DEFAULT true,
  role         text NOT NULL DEFAULT '' CHECK (length(role) <= 200),
  started_on   date,
  ended_on     date,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
  CONSTRAINT project_name_unique UNIQUE (tenant_id, client_id, name),
  CONSTRAINT project_dates_ordered CHECK (ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX project_client_active_idx ON project (tenant_id, client_id, is_active);
COMMENT ON TABLE project IS 'A body of work for one client. Unique by name per client.';
COMMENT ON COLUMN project.role IS 'The user''s role on the project (e.g. "Tech lead"); feeds the resume.';

CREATE TABLE epic (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id),
  project_id   uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  is_active    boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES project (tenant_id, id),
  CONSTRAINT epic_name_unique UNIQUE (tenant_id, project_id, name)
);
CREATE INDEX epic_project_active_idx ON epic (tenant_id, project_id, is_active);
COMMENT ON TABLE epic IS 'Agile breakdown, level 1 (optional): a large goal within a project.';

CREATE TABLE feature (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id),
  epic_id      uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  is_active    boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, epic_id) REFERENCES epic (tenant_id, id),
  CONSTRAINT feature_name_unique UNIQUE (tenant_id, epic_id, name)
);
CREATE INDEX feature_epic_active_idx ON feature (tenant_id, epic_id, is_active);
COMMENT ON TABLE feature IS 'Agile breakdown, level 2 (optional): a feature of an epic.';

CREATE TABLE story (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id),
  feature_id   uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  is_active    boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, feature_id) REFERENCES feature (tenant_id, id),
  CONSTRAINT story_name_unique UNIQUE (tenant_id, feature_id, name)
);
CREATE INDEX story_feature_active_idx ON story (tenant_id, feature_id, is_active);
COMMENT ON TABLE story IS 'Agile breakdown, level 3 (optional): a user story of a feature.';

CREATE TABLE task (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id),
  story_id     uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  is_active    boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, story_id) REFERENCES story (tenant_id, id),
  CONSTRAINT task_name_unique UNIQUE (tenant_id, story_id, name)
);
CREATE INDEX task_story_active_idx ON task (tenant_id, story_id, is_active);
COMMENT ON TABLE task IS 'Agile breakdown, level 4 (optional): a task of a story. Logging against a task fills in story, feature, epic, project and client.';

CREATE TABLE sprint (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id),
  project_id   uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  goal         text NOT NULL DEFAULT '' CHECK (length(goal) <= 5000),
  start_date   date,
  end_date     date,
  is_active    boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES project (tenant_id, id),
  CONSTRAINT sprint_name_unique UNIQUE (tenant_id, project_id, name),
  CONSTRAINT sprint_dates_ordered CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX sprint_project_active_idx ON sprint (tenant_id, project_id, is_active);
COMMENT ON TABLE sprint IS 'A time-boxed iteration of a project.';

CREATE TABLE worklog (
  tenant_id               uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id                      uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id                 uuid NOT NULL REFERENCES app_user (id),
  occurred_on             date NOT NULL,
  title                   text NOT NULL DEFAULT '' CHECK (length(title) <= 300),
  client_id               uuid,
  project_id              uuid,
  epic_id                 uuid,
  feature_id              uuid,
  story_id                uuid,
  task_id                 uuid,
  sprint_id               uuid,
  work_type               text NOT NULL DEFAULT 'delivery'
                          CHECK (work_type IN ('delivery', 'planning', 'incident', 'support', 'learning', 'other')),
  status                  text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'ready', 'final', 'archived')),
  content                 text NOT NULL CHECK (length(content) BETWEEN 1 AND 50000),
  outcome                 text NOT NULL DEFAULT '' CHECK (length(outcome) <= 10000),
  impact                  text NOT NULL DEFAULT '' CHECK (length(impact) <= 10000),
  next_steps              text NOT NULL DEFAULT '' CHECK (length(next_steps) <= 10000),
  effort_minutes          integer CHECK (effort_minutes BETWEEN 0 AND 10080),
  is_billable             boolean NOT NULL DEFAULT false,
  tags                    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
  source                  text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'api')),
  source_ref              text NOT NULL DEFAULT '' CHECK (length(source_ref) <= 500),
  metadata                jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  enrichment_status       text NOT NULL DEFAULT 'pending'
                          CHECK (enrichment_status IN ('pending', 'enriched', 'reviewed', 'rejected', 'error')),
  enrichment_suggestions  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(enrichment_suggestions) = 'object'),
  ai_summary              text NOT NULL DEFAULT '',
  -- Weighted so a hit in the title ranks above one in the body, and the outcome/impact
  -- (what a resume is made of) above the running text.
  search_vector           tsvector GENERATED ALWAYS AS (
                            setweight(to_tsvector('english', title), 'A') ||
                            setweight(to_tsvector('english', outcome || ' ' || impact), 'B') ||
                            setweight(to_tsvector('english', content), 'C')
                          ) STORED,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES project (tenant_id, id),
  FOREIGN KEY (tenant_id, epic_id) REFERENCES epic (tenant_id, id),
  FOREIGN KEY (tenant_id, feature_id) REFERENCES feature (tenant_id, id),
  FOREIGN KEY (tenant_id, story_id) REFERENCES story (tenant_id, id),
  FOREIGN KEY (tenant_id, task_id) REFERENCES task (tenant_id, id),
  FOREIGN KEY (tenant_id, sprint_id) REFERENCES sprint (tenant_id, id)
);
CREATE INDEX worklog_user_day_idx ON worklog (tenant_id, user_id, occurred_on DESC);
CREATE INDEX worklog_day_idx ON worklog (tenant_id, occurred_on DESC, created_at DESC);
CREATE INDEX worklog_client_day_idx ON worklog (tenant_id, client_id, occurred_on DESC) WHERE client_id IS NOT NULL;
CREATE INDEX worklog_project_day_idx ON worklog (tenant_id, project_id, occurred_on DESC) WHERE project_id IS NOT NULL;
CREATE INDEX worklog_status_day_idx ON worklog (tenant_id, status, occurred_on DESC);
CREATE INDEX worklog_work_type_day_idx ON worklog (tenant_id, work_type, occurred_on DESC);
CREATE INDEX worklog_enrichment_idx ON worklog (tenant_id, enrichment_status);
-- The remaining parents: filters, and the foreign-key checks when one is deleted.
CREATE INDEX worklog_epic_idx ON worklog (tenant_id, epic_id) WHERE epic_id IS NOT NULL;
CREATE INDEX worklog_feature_idx ON worklog (tenant_id, feature_id) WHERE feature_id IS NOT NULL;
CREATE INDEX worklog_story_idx ON worklog (tenant_id, story_id) WHERE story_id IS NOT NULL;
CREATE INDEX worklog_task_idx ON worklog (tenant_id, task_id) WHERE task_id IS NOT NULL;
CREATE INDEX worklog_sprint_idx ON worklog (tenant_id, sprint_id) WHERE sprint_id IS NOT NULL;
-- GIN cannot lead with a uuid without btree_gin; the tenant filter is applied on top.
CREATE INDEX worklog_search_idx ON worklog USING gin (search_vector);
CREATE INDEX worklog_tags_idx ON worklog USING gin (tags jsonb_path_ops);
COMMENT ON TABLE worklog IS 'One entry of what someone did on a day: the raw material for skills, bullets and reports.';
COMMENT ON COLUMN worklog.occurred_on IS 'The day the work happened (the author''s local date).';
COMMENT ON COLUMN worklog.client_id IS 'Filled in automatically from project/epic/feature/story/task when only a child is given.';
COMMENT ON COLUMN worklog.effort_minutes IS 'Time spent; the API also shows it as hours (computed, not stored).';
COMMENT ON COLUMN worklog.tags IS 'JSON array of short strings.';
COMMENT ON COLUMN worklog.source IS 'manual (typed in), import (CSV/JSON bulk import), api (scripts).';
COMMENT ON COLUMN worklog.source_ref IS 'Identifier in the source system (e.g. the imported file''s row, a Jira key).';
COMMENT ON COLUMN worklog.enrichment_status IS 'pending → enriched (AI done) → reviewed | rejected by the user; error when analysis failed.';
COMMENT ON COLUMN worklog.enrichment_suggestions IS 'What the analysis job proposes (skills, bullets, metrics) until the user reviews it.';
COMMENT ON COLUMN worklog.search_vector IS 'Full-text index over title (A), outcome and impact (B) and content (C).';

CREATE TABLE attachment (
  tenant_id     uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES app_user (id),
  worklog_id    uuid NOT NULL,
  object_key    text NOT NULL CHECK (length(object_key) BETWEEN 1 AND 1024),
  filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type  text NOT NULL DEFAULT 'application/octet-stream',
  size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, worklog_id) REFERENCES worklog (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT attachment_object_key_unique UNIQUE (tenant_id, object_key)
);
CREATE INDEX attachment_worklog_idx ON attachment (tenant_id, worklog_id, created_at);
COMMENT ON TABLE attachment IS 'A file attached to a work log. The bytes live in object storage under object_key; this row is the metadata.';
COMMENT ON COLUMN attachment.sha256 IS 'Hex SHA-256 of the stored bytes.';

CREATE TABLE worklog_skill_signal (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  worklog_id   uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind         text NOT NULL DEFAULT '' CHECK (length(kind) <= 50),
  confidence   double precision NOT NULL DEFAULT 1 CHECK (confidence BETWEEN 0 AND 1),
  source       text NOT NULL DEFAULT 'manual' CHECK (length(source) BETWEEN 1 AND 50),
  status       text NOT NULL DEFAULT 'suggested' CHECK (status IN ('suggested', 'accepted', 'rejected')),
  evidence     text NOT NULL DEFAULT '' CHECK (length(evidence) <= 5000),
  metadata     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, worklog_id) REFERENCES worklog (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX worklog_skill_signal_worklog_idx ON worklog_skill_signal (tenant_id, worklog_id);
CREATE INDEX worklog_skill_signal_name_idx ON worklog_skill_signal (tenant_id, name);
CREATE INDEX worklog_skill_signal_kind_status_idx ON worklog_skill_signal (tenant_id, kind, status);
COMMENT ON TABLE worklog_skill_signal IS 'A skill seen in a work log (suggested by analysis or added by hand), with its evidence.';
COMMENT ON COLUMN worklog_skill_signal.kind IS 'Free-form category, e.g. language, framework, soft.';
COMMENT ON COLUMN worklog_skill_signal.source IS 'Who found it: manual, ai, or an agent name.';

CREATE TABLE worklog_bullet (
  tenant_id        uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id               uuid NOT NULL DEFAULT gen_random_uuid(),
  worklog_id       uuid NOT NULL,
  kind             text NOT NULL DEFAULT 'resume' CHECK (kind IN ('note', 'status', 'resume')),
  text             text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  is_ai_generated  boolean NOT NULL DEFAULT false,
  is_selected      boolean NOT NULL DEFAULT false,
  "order"          integer NOT NULL DEFAULT 0,
  metrics          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metrics) = 'object'),
  metadata         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, worklog_id) REFERENCES worklog (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX worklog_bullet_worklog_kind_idx ON worklog_bullet (tenant_id, worklog_id, kind);
CREATE INDEX worklog_bullet_kind_selected_idx ON worklog_bullet (tenant_id, kind, is_selected);
COMMENT ON TABLE worklog_bullet IS 'A formatted statement drawn from a work log: a note, a status line or a resume bullet.';
COMMENT ON COLUMN worklog_bullet."order" IS 'Position among the work log''s bullets (ascending).';
COMMENT ON COLUMN worklog_bullet.is_selected IS 'Chosen by the user for the resume/report.';

CREATE TABLE worklog_external_link (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  worklog_id   uuid NOT NULL,
  system       text NOT NULL DEFAULT '' CHECK (length(system) <= 50),
  key          text NOT NULL DEFAULT '' CHECK (length(key) <= 200),
  url          text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  title        text NOT NULL DEFAULT '' CHECK (length(title) <= 300),
  metadata     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, worklog_id) REFERENCES worklog (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX worklog_external_link_worklog_idx ON worklog_external_link (tenant_id, worklog_id);
COMMENT ON TABLE worklog_external_link IS 'A link from a work log to another system (system = jira, github, …; key = PROJ-123).';

CREATE TABLE worklog_preset (
  tenant_id          uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id            uuid NOT NULL REFERENCES app_user (id),
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description        text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
  client_id          uuid,
  project_id         uuid,
  default_work_type  text NOT NULL DEFAULT 'delivery'
                     CHECK (default_work_type IN ('delivery', 'planning', 'incident', 'support', 'learning', 'other')),
  default_tags       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(default_tags) = 'array'),
  intake_prompt      text NOT NULL DEFAULT '' CHECK (length(intake_prompt) <= 5000),
  is_active          boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES project (tenant_id, id),
  CONSTRAINT worklog_preset_name_unique UNIQUE (tenant_id, user_id, name)
);
CREATE INDEX worklog_preset_client_idx ON worklog_preset (tenant_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX worklog_preset_project_idx ON worklog_preset (tenant_id, project_id) WHERE project_id IS NOT NULL;
COMMENT ON TABLE worklog_preset IS 'A template for quick entry: default client, project, work type and tags, and a prompt shown to the user.';
COMMENT ON COLUMN worklog_preset.intake_prompt IS 'Question(s) shown when logging with this preset, e.g. "What did you ship? What broke?".';

CREATE TABLE worklog_report (
  tenant_id     uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id            uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES app_user (id),
  client_id     uuid,
  project_id    uuid,
  sprint_id     uuid,
  kind          text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
  created_via   text NOT NULL DEFAULT 'manual' CHECK (length(created_via) BETWEEN 1 AND 50),
  period_start  date,
  period_end    date,
  title         text NOT NULL DEFAULT '' CHECK (length(title) <= 300),
  content_md    text NOT NULL DEFAULT '',
  metadata      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
  FOREIGN KEY (tenant_id, project_id) REFERENCES project (tenant_id, id),
  FOREIGN KEY (tenant_id, sprint_id) REFERENCES sprint (tenant_id, id),
  CONSTRAINT worklog_report_period_ordered CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
);
CREATE INDEX worklog_report_user_idx ON worklog_report (tenant_id, user_id, created_at DESC);
COMMENT ON TABLE worklog_report IS 'A generated summary of work logs (weekly, monthly, sprint, standup, …) as Markdown.';
COMMENT ON COLUMN worklog_report.kind IS 'weekly, monthly, sprint, standup, status, …';
COMMENT ON COLUMN worklog_report.created_via IS 'manual, schedule or job: what produced the report.';

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['client', 'project', 'epic', 'feature', 'story', 'task', 'sprint', 'worklog', 'attachment',
                           'worklog_skill_signal', 'worklog_bullet', 'worklog_external_link', 'worklog_preset', 'worklog_report']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) '
                   'WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()))', t);
  END LOOP;
END
$$;
