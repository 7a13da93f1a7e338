-- Identity and tenancy: accounts, tenants, memberships, sessions, invitations, audit,
-- and row-level security as the second wall behind every tenant filter.
--
-- RLS model. The service connects as a role that is neither superuser nor owner
-- (afterresume migrate creates it), so the policies below always apply to it:
--   * app_tenant()   the tenant of the current transaction, set with
--                    set_config('app.tenant_id', <uuid>, true) by withTenant();
--   * app_platform() true on the job platform's own connections (workers, scheduler,
--                    sign-in flows that run before a tenant is chosen), which open with
--                    the startup option -c app.platform=on.
-- A request handler's query that forgets its tenant filter still sees one tenant only.
-- Policies call the functions as scalar subqueries, (SELECT app_tenant()): PostgreSQL
-- then evaluates them once per statement instead of once per row.

CREATE FUNCTION app_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
COMMENT ON FUNCTION app_tenant() IS 'Tenant of the current transaction (set_config(''app.tenant_id'', …, true)); NULL when none.';

CREATE FUNCTION app_platform() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(current_setting('app.platform', true), '') = 'on' $$;
COMMENT ON FUNCTION app_platform() IS 'True on platform connections (workers, scheduler, sign-in), which may touch every tenant.';

CREATE TABLE tenant (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  is_active             boolean NOT NULL DEFAULT true,
  max_concurrent_jobs   integer NOT NULL DEFAULT 20 CHECK (max_concurrent_jobs > 0),
  max_jobs_per_day      integer NOT NULL DEFAULT 2000 CHECK (max_jobs_per_day > 0),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tenant IS 'A workspace. Every tenant-owned row carries tenant_id; each user gets one at signup and may be invited into others.';
COMMENT ON COLUMN tenant.max_concurrent_jobs IS 'Quota: jobs of this tenant queued or running at once; more are refused with 429.';
COMMENT ON COLUMN tenant.max_jobs_per_day IS 'Quota: jobs this tenant may enqueue per UTC day; more are refused with 429.';

-- "user" is a reserved word in PostgreSQL (SELECT * FROM user returns current_user), so
-- the table is app_user: psql users can query it without quoting.
CREATE TABLE app_user (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
  password_hash  text NOT NULL,
  is_staff       boolean NOT NULL DEFAULT false,
  is_active      boolean NOT NULL DEFAULT true,
  last_login_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email_unique ON app_user (lower(email));
COMMENT ON TABLE app_user IS 'Accounts (the seed''s User). Email is unique case-insensitively.';
COMMENT ON COLUMN app_user.password_hash IS 'argon2id PHC string ($argon2id$v=19$m=19456,t=2,p=1$…).';

CREATE TABLE user_profile (
  user_id       uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
  headline      text NOT NULL DEFAULT '' CHECK (length(headline) <= 300),
  location      text NOT NULL DEFAULT '' CHECK (length(location) <= 200),
  time_zone     text NOT NULL DEFAULT 'UTC',
  summary       text NOT NULL DEFAULT '' CHECK (length(summary) <= 5000),
  links         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(links) = 'array'),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE user_profile IS 'What the resume says about a person; time_zone decides their local days (streaks, schedules).';

CREATE TABLE tenant_membership (
  tenant_id   uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'read_only')),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX tenant_membership_user_idx ON tenant_membership (user_id);
COMMENT ON TABLE tenant_membership IS 'Who belongs to a tenant and with which role (owner, admin, member, read_only).';

-- A session is one sign-in: the family of refresh tokens rotated from it. Access tokens
-- carry its id (sid) and are refused once it is revoked, so logout takes effect at once.
CREATE TABLE auth_session (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  tenant_id       uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  client          text NOT NULL CHECK (client IN ('browser', 'script')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  revoked_reason  text,
  ip              text,
  user_agent      text
);
CREATE INDEX auth_session_user_idx ON auth_session (user_id) WHERE revoked_at IS NULL;
COMMENT ON TABLE auth_session IS 'One sign-in (a refresh-token family). Revoking it ends the refresh tokens and the access tokens issued under it.';

CREATE TABLE refresh_token (
  token_hash   text PRIMARY KEY,
  session_id   uuid NOT NULL REFERENCES auth_session (id) ON DELETE CASCADE,
  issued_at    timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);
CREATE INDEX refresh_token_session_idx ON refresh_token (session_id);
COMMENT ON TABLE refresh_token IS 'Refresh tokens, stored as SHA-256 hashes. Each is single-use: using one marks it used and issues the next; presenting a used one again revokes the whole session (RFC 9700 reuse detection).';

CREATE TABLE invite (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  passkey_hash   text NOT NULL UNIQUE,
  email          text,
  tenant_id      uuid REFERENCES tenant (id) ON DELETE CASCADE,
  role           text CHECK (role IN ('owner', 'admin', 'member', 'read_only')),
  created_by     uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  redeemed_at    timestamptz,
  redeemed_by    uuid REFERENCES app_user (id) ON DELETE SET NULL,
  CHECK ((tenant_id IS NULL) = (role IS NULL))
);
COMMENT ON TABLE invite IS 'Single-use signup passkeys (stored hashed). With tenant_id and role the new account joins that tenant; without, it gets a tenant of its own.';

CREATE TABLE auth_event (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  kind            text NOT NULL,
  outcome         text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure', 'denied')),
  user_id         uuid,
  tenant_id       uuid,
  email           text,
  ip              text,
  user_agent      text,
  correlation_id  uuid,
  detail          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX auth_event_user_idx ON auth_event (user_id, occurred_at DESC);
CREATE INDEX auth_event_tenant_idx ON auth_event (tenant_id, occurred_at DESC);
CREATE INDEX auth_event_time_idx ON auth_event (occurred_at);
COMMENT ON TABLE auth_event IS 'Audit log: signups, logins, refreshes, reuse detection, logouts, password changes, permission denials, invites. Never holds a token or password.';

-- Shared across instances so limits hold however many API processes run.
CREATE UNLOGGED TABLE rate_limit_counter (
  bucket        text NOT NULL,
  window_start  timestamptz NOT NULL,
  hits          integer NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, window_start)
);
COMMENT ON TABLE rate_limit_counter IS 'Fixed-window request counters per (route group, client) bucket; unlogged because losing them on a crash only resets limits.';

-- Jobs, events and schedules become tenant-owned rows: RLS on them too. System jobs
-- (tenant_id NULL) are visible only on platform connections.
ALTER TABLE job ADD CONSTRAINT job_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenant (id) ON DELETE CASCADE;
ALTER TABLE job ADD CONSTRAINT job_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE SET NULL;
ALTER TABLE schedule ADD CONSTRAINT schedule_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenant (id) ON DELETE CASCADE;
ALTER TABLE schedule ADD CONSTRAINT schedule_user_fk FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE;
CREATE INDEX job_tenant_active_idx ON job (tenant_id) WHERE status IN ('queued', 'running');

ALTER TABLE tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant USING (id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (id = (SELECT app_tenant()) OR (SELECT app_platform()));

ALTER TABLE tenant_membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_membership FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_membership USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()));

ALTER TABLE job ENABLE ROW LEVEL SECURITY;
ALTER TABLE job FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()));

ALTER TABLE event ENABLE ROW LEVEL SECURITY;
ALTER TABLE event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()));

ALTER TABLE schedule ENABLE ROW LEVEL SECURITY;
ALTER TABLE schedule FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON schedule USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()));

ALTER TABLE invite ENABLE ROW LEVEL SECURITY;
ALTER TABLE invite FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invite USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()));

ALTER TABLE auth_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON auth_event USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR tenant_id IS NULL OR (SELECT app_platform()));
