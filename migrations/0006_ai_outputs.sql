-- What the AI pipeline produces: skills with evidence (skills.extract), reports
-- (report.generate writes worklog_report), resumes (resume.refresh) and share links.

CREATE TABLE skill (
  tenant_id       uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  normalized      text NOT NULL CHECK (length(normalized) BETWEEN 1 AND 200),
  kind            text NOT NULL DEFAULT 'tool',
  level           text NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced', 'expert')),
  confidence      double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  evidence_count  integer NOT NULL DEFAULT 0,
  worklog_count   integer NOT NULL DEFAULT 0,
  first_seen_on   date,
  last_seen_on    date,
  metadata        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  -- Re-running skills.extract updates these rows instead of adding duplicates.
  CONSTRAINT skill_user_normalized_unique UNIQUE (tenant_id, user_id, normalized)
);
CREATE INDEX skill_user_confidence_idx ON skill (tenant_id, user_id, confidence DESC);
COMMENT ON TABLE skill IS 'A person''s skills, merged from work-log skill signals by skills.extract.';
COMMENT ON COLUMN skill.normalized IS 'Lower-case canonical name; aliases collapse (JS, javascript → javascript).';
COMMENT ON COLUMN skill.level IS 'From frequency, recency and depth of evidence (see src/agents/skill.agent.ts).';

CREATE TABLE skill_evidence (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  skill_id     uuid NOT NULL,
  source_type  text NOT NULL DEFAULT 'worklog' CHECK (source_type IN ('worklog', 'project', 'certification')),
  source_id    uuid NOT NULL,
  excerpt      text NOT NULL DEFAULT '',
  occurred_on  date,
  confidence   double precision NOT NULL DEFAULT 1 CHECK (confidence BETWEEN 0 AND 1),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, skill_id) REFERENCES skill (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT skill_evidence_source_unique UNIQUE (tenant_id, skill_id, source_type, source_id)
);
COMMENT ON TABLE skill_evidence IS 'Where a skill was shown: the work log (source_id) and the sentence that shows it.';

ALTER TABLE worklog_report ADD COLUMN job_id uuid;
CREATE UNIQUE INDEX worklog_report_job_unique ON worklog_report (tenant_id, job_id) WHERE job_id IS NOT NULL;
COMMENT ON COLUMN worklog_report.job_id IS 'The report.generate job that wrote it; unique, so a retried job never writes a second report.';

CREATE TABLE resume (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  job_id       uuid,
  json_resume  jsonb NOT NULL CHECK (jsonb_typeof(json_resume) = 'object'),
  markdown     text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX resume_job_unique ON resume (tenant_id, job_id) WHERE job_id IS NOT NULL;
CREATE INDEX resume_user_created_idx ON resume (tenant_id, user_id, created_at DESC);
COMMENT ON TABLE resume IS 'Resumes built by resume.refresh: JSON Resume (validated against the schema) and Markdown; the newest is the current one.';

CREATE TABLE share_link (
  tenant_id         uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  created_by        uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  token_hash        text NOT NULL UNIQUE,
  target_kind       text NOT NULL CHECK (target_kind IN ('report', 'resume')),
  target_id         uuid NOT NULL,
  expires_at        timestamptz NOT NULL,
  revoked_at        timestamptz,
  last_accessed_at  timestamptz,
  access_count      integer NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE share_link IS 'Public, expiring, revocable links to a report or resume. Only the SHA-256 of the token is stored.';

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['skill', 'skill_evidence', 'resume', 'share_link'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()))', t);
  END LOOP;
END $$;
