-- Gamification (seed 000 "Reward Evaluation", seed 001 "Gamification System"): streaks,
-- XP with its immutable ledger, badges, weekly challenges, versioned reward rules and the
-- user's quiet mode. The rules themselves live in src/modules/gamification/rules/ (pure
-- code); these tables hold their state and, above all, the unique keys that make every
-- award idempotent: a retried job or two racing evaluations insert the same keys with
-- ON CONFLICT DO NOTHING, and totals move only by the rows actually inserted.
--
-- Tenancy as in 0002/0003: tenant_id on every row, leading every key, RLS forced.
-- Catalogues (reward rules, badges, challenge templates) are per tenant so a workspace can
-- tune them; every tenant gets the seed's defaults when it is created (trigger below).

CREATE TABLE reward_config (
  tenant_id   uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  version     integer NOT NULL CHECK (version >= 1),
  rules       jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'object'),
  created_by  uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, version)
);
COMMENT ON TABLE reward_config IS 'Reward rules (seed RewardConfig), versioned: a change is a new row, never an edit. The highest version is in force; version 1 holds the seed defaults.';
COMMENT ON COLUMN reward_config.rules IS 'The RewardConfig object (src/modules/gamification/rules/reward-config.ts), validated when read.';

CREATE TABLE badge_definition (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  code         text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  category     text NOT NULL CHECK (category IN ('milestone', 'quality', 'level')),
  trigger      text NOT NULL CHECK (trigger IN ('entry_count', 'current_streak', 'attachment_count', 'level')),
  threshold    integer NOT NULL CHECK (threshold >= 1),
  sort_order   integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, code)
);
COMMENT ON TABLE badge_definition IS 'Badges a user can earn: awarded when the statistic named by trigger reaches threshold.';
COMMENT ON COLUMN badge_definition.trigger IS 'entry_count (rewarded entries), current_streak, attachment_count (on rewarded entries) or level.';

CREATE TABLE challenge_template (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  code         text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,63}$'),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  target       integer NOT NULL CHECK (target >= 1),
  reward_xp    integer NOT NULL CHECK (reward_xp >= 0),
  is_active    boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant_id, code)
);
COMMENT ON TABLE challenge_template IS 'Weekly challenges (Monday–Sunday in the user''s time zone); each active template becomes a user_challenge the first time a user logs in a week.';
COMMENT ON COLUMN challenge_template.code IS 'log_days (distinct days), attach_evidence (entries with attachments), write_outcomes (entries with an outcome or impact).';

CREATE TABLE user_streak (
  tenant_id          uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  user_id            uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  current            integer NOT NULL DEFAULT 0 CHECK (current >= 0),
  longest            integer NOT NULL DEFAULT 0 CHECK (longest >= current),
  last_entry_date    date,
  freezes_remaining  integer NOT NULL CHECK (freezes_remaining >= 0),
  freezes_used       integer NOT NULL DEFAULT 0 CHECK (freezes_used >= 0),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
COMMENT ON TABLE user_streak IS 'Consecutive local days with a meaningful entry. Also the per-user lock row of reward evaluation (SELECT … FOR UPDATE).';
COMMENT ON COLUMN user_streak.last_entry_date IS 'Last activity day counted (user''s local date). Days come from the entry (occurred_on within the backfill grace, else its creation day), never from when the job ran: a queue outage cannot break a streak.';
COMMENT ON COLUMN user_streak.freezes_remaining IS 'Freezes left (max 3): one covers exactly one missed day; one is earned back every 7 streak days.';

CREATE TABLE user_xp (
  tenant_id      uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  user_id        uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  total_xp       integer NOT NULL DEFAULT 0 CHECK (total_xp >= 0),
  level          integer NOT NULL DEFAULT 1 CHECK (level >= 1),
  daily_xp       integer NOT NULL DEFAULT 0 CHECK (daily_xp >= 0),
  daily_xp_date  date,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
COMMENT ON TABLE user_xp IS 'XP totals, kept equal to the sum of the user''s xp_event rows (moved only by rows actually inserted).';
COMMENT ON COLUMN user_xp.daily_xp IS 'XP booked on daily_xp_date (the latest XP day seen); the daily cap itself is always checked against the ledger.';

-- The ledger. worklog_id has NO foreign key on purpose: XP earned stays earned when its
-- entry is later deleted, and the ledger must outlive it (audits, totals = sum of rows).
CREATE TABLE xp_event (
  tenant_id        uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  user_id          uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  worklog_id       uuid,
  local_day        date NOT NULL,
  amount           integer NOT NULL CHECK (amount >= 0),
  source           text NOT NULL CHECK (source IN ('entry', 'challenge', 'admin')),
  reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  breakdown        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(breakdown) = 'object'),
  provenance       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(provenance) = 'object'),
  idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT xp_event_idempotency_unique UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX xp_event_user_day_idx ON xp_event (tenant_id, user_id, local_day);
CREATE INDEX xp_event_worklog_idx ON xp_event (tenant_id, worklog_id) WHERE worklog_id IS NOT NULL;
CREATE INDEX xp_event_day_idx ON xp_event (tenant_id, local_day);
COMMENT ON TABLE xp_event IS 'Immutable XP ledger: one row per unit of XP (entry base, each attachment, each tag, each bonus, challenge reward, admin grant) or admin action. Rows are never updated or deleted.';
COMMENT ON COLUMN xp_event.worklog_id IS 'The entry that earned it, by id only (no foreign key): the ledger outlives deleted entries.';
COMMENT ON COLUMN xp_event.local_day IS 'The user''s local day the XP counts on for the daily cap (the entry''s creation day).';
COMMENT ON COLUMN xp_event.reason IS 'entry, attachment:N, tag:N, length, outcome, metrics, agile, challenge:<code>, admin:grant, admin:revoke_badge:<code>.';
COMMENT ON COLUMN xp_event.provenance IS 'Who/what wrote it: {job_id, source, capped} for jobs, {by, note} for admin actions.';
COMMENT ON COLUMN xp_event.idempotency_key IS 'Seed format xp:{user_id}:{entry_id}:{date}:{reason_hash}; unique, so a retry or a race inserts nothing twice.';

CREATE FUNCTION xp_event_immutable() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  -- Deletes cascading from a removed tenant or account are allowed; nothing else.
  IF TG_OP = 'DELETE' AND (NOT EXISTS (SELECT 1 FROM tenant WHERE id = OLD.tenant_id)
                           OR NOT EXISTS (SELECT 1 FROM app_user WHERE id = OLD.user_id)) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'xp_event is an immutable ledger: % is not allowed (write a new row instead)', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER xp_event_immutable BEFORE UPDATE OR DELETE ON xp_event
  FOR EACH ROW EXECUTE FUNCTION xp_event_immutable();

CREATE TABLE user_badge (
  tenant_id        uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  user_id          uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  badge_code       text NOT NULL,
  idempotency_key  text NOT NULL,
  provenance       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(provenance) = 'object'),
  awarded_at       timestamptz NOT NULL DEFAULT now(),
  revoked_at       timestamptz,
  revoked_by       uuid REFERENCES app_user (id) ON DELETE SET NULL,
  revoke_reason    text CHECK (length(revoke_reason) <= 500),
  PRIMARY KEY (tenant_id, user_id, badge_code),
  CONSTRAINT user_badge_idempotency_unique UNIQUE (tenant_id, idempotency_key),
  FOREIGN KEY (tenant_id, badge_code) REFERENCES badge_definition (tenant_id, code)
);
CREATE INDEX user_badge_code_idx ON user_badge (tenant_id, badge_code);
COMMENT ON TABLE user_badge IS 'Badges earned, at most one row per user and badge. A revoked badge keeps its row (revoked_at) so evaluation does not award it again.';
COMMENT ON COLUMN user_badge.provenance IS '{job_id, trigger, threshold} of the evaluation that awarded it.';
COMMENT ON COLUMN user_badge.idempotency_key IS 'Seed format badge:{user_id}:{badge_code}.';

CREATE TABLE user_challenge (
  tenant_id     uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  week_start    date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
  code          text NOT NULL,
  target        integer NOT NULL CHECK (target >= 1),
  progress      integer NOT NULL DEFAULT 0 CHECK (progress >= 0),
  reward_xp     integer NOT NULL CHECK (reward_xp >= 0),
  completed_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, week_start, code),
  FOREIGN KEY (tenant_id, code) REFERENCES challenge_template (tenant_id, code)
);
COMMENT ON TABLE user_challenge IS 'A user''s weekly challenge (Monday–Sunday, user''s time zone). target and reward_xp are copied from the template when the week starts.';
COMMENT ON COLUMN user_challenge.week_start IS 'Monday of the week (user''s local date).';
COMMENT ON COLUMN user_challenge.progress IS 'Count of user_challenge_progress rows; moved only when such a row is inserted.';

CREATE TABLE user_challenge_progress (
  tenant_id         uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  idempotency_key   text NOT NULL,
  user_id           uuid NOT NULL,
  week_start        date NOT NULL,
  code              text NOT NULL,
  contribution_key  text NOT NULL,
  worklog_id        uuid,
  job_id            uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, idempotency_key),
  CONSTRAINT user_challenge_progress_unique UNIQUE (tenant_id, user_id, week_start, code, contribution_key),
  FOREIGN KEY (tenant_id, user_id, week_start, code) REFERENCES user_challenge (tenant_id, user_id, week_start, code) ON DELETE CASCADE
);
COMMENT ON TABLE user_challenge_progress IS 'What counted toward a weekly challenge (day:<date> or entry:<id>); unique, so re-evaluating an entry never counts it twice.';
COMMENT ON COLUMN user_challenge_progress.worklog_id IS 'The entry that brought it, by id only (no foreign key), like the XP ledger.';

CREATE TABLE gamification_settings (
  tenant_id   uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  quiet_mode  boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
COMMENT ON TABLE gamification_settings IS 'Per-user preferences. No row means the defaults.';
COMMENT ON COLUMN gamification_settings.quiet_mode IS 'Hide gamification: rewards still accrue, but summaries push nothing (no celebrations, no challenge nudges).';

-- Initial data: the seed's defaults for a tenant. Kept equal to DEFAULT_REWARD_CONFIG,
-- BADGE_DEFINITIONS and CHALLENGE_TEMPLATES in the rules module (a test compares them).
CREATE FUNCTION gamification_seed_tenant(p_tenant uuid) RETURNS void
  LANGUAGE sql
  AS $$
  INSERT INTO reward_config (tenant_id, version, rules) VALUES (p_tenant, 1, '{
    "min_entry_length": 20, "max_entries_per_hour": 10, "duplicate_threshold_seconds": 60,
    "max_daily_xp": 200, "xp_per_level": 100,
    "xp_rules": {"base_entry": 10, "per_attachment": 5, "max_attachments": 3, "per_tag": 3, "max_tags": 5,
                 "length_bonus_threshold": 200, "length_bonus": 10, "outcome_bonus": 15,
                 "metrics_bonus": 10, "agile_field_bonus": 5},
    "max_freezes": 3, "freeze_earned_every_streak_days": 7, "backfill_grace_days": 1}')
  ON CONFLICT DO NOTHING;
  INSERT INTO badge_definition (tenant_id, code, name, description, category, trigger, threshold, sort_order) VALUES
    (p_tenant, 'first_entry', 'First Entry', 'Logged your first meaningful entry.', 'milestone', 'entry_count', 1, 1),
    (p_tenant, 'streak_7', 'Week Streak', 'Logged work 7 days in a row.', 'milestone', 'current_streak', 7, 2),
    (p_tenant, 'streak_30', 'Month Streak', 'Logged work 30 days in a row.', 'milestone', 'current_streak', 30, 3),
    (p_tenant, 'streak_100', '100-Day Streak', 'Logged work 100 days in a row.', 'milestone', 'current_streak', 100, 4),
    (p_tenant, 'total_entries_10', '10 Entries', 'Logged 10 meaningful entries.', 'milestone', 'entry_count', 10, 5),
    (p_tenant, 'total_entries_50', '50 Entries', 'Logged 50 meaningful entries.', 'milestone', 'entry_count', 50, 6),
    (p_tenant, 'total_entries_100', '100 Entries', 'Logged 100 meaningful entries.', 'milestone', 'entry_count', 100, 7),
    (p_tenant, 'first_attachment', 'Evidence Attached', 'Attached evidence to an entry for the first time.', 'quality', 'attachment_count', 1, 8),
    (p_tenant, 'level_5', 'Level 5', 'Reached level 5.', 'level', 'level', 5, 9),
    (p_tenant, 'level_10', 'Level 10', 'Reached level 10.', 'level', 'level', 10, 10)
  ON CONFLICT DO NOTHING;
  INSERT INTO challenge_template (tenant_id, code, name, description, target, reward_xp) VALUES
    (p_tenant, 'log_days', 'Show up', 'Log work on 5 different days this week.', 5, 50),
    (p_tenant, 'attach_evidence', 'Bring receipts', 'Log 3 entries with evidence attached this week.', 3, 30),
    (p_tenant, 'write_outcomes', 'Say what changed', 'Log 3 entries that state an outcome or impact this week.', 3, 30)
  ON CONFLICT DO NOTHING;
$$;
COMMENT ON FUNCTION gamification_seed_tenant(uuid) IS 'Gives a tenant the seed''s reward config (version 1), ten badges and three weekly challenge templates.';

CREATE FUNCTION gamification_seed_new_tenant() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM gamification_seed_tenant(NEW.id);
  RETURN NULL;
END
$$;
-- The inserting transaction may insert rows of its new tenant (same RLS condition as the
-- tenant row itself), so no elevated rights are needed.
CREATE TRIGGER tenant_gamification_seed AFTER INSERT ON tenant
  FOR EACH ROW EXECUTE FUNCTION gamification_seed_new_tenant();

SELECT gamification_seed_tenant(id) FROM tenant;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reward_config', 'badge_definition', 'challenge_template', 'user_streak', 'user_xp', 'xp_event',
                           'user_badge', 'user_challenge', 'user_challenge_progress', 'gamification_settings']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) '
                   'WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()))', t);
  END LOOP;
END
$$;
