-- LLM usage accounting (seed 001 "llm/: cost/usage accounting hooks"): one row per model
-- call, successful or not, and a monthly token budget per tenant that workflows check
-- before calling a model.

ALTER TABLE tenant ADD COLUMN llm_monthly_token_budget bigint DEFAULT 2000000 CHECK (llm_monthly_token_budget IS NULL OR llm_monthly_token_budget >= 0);
COMMENT ON COLUMN tenant.llm_monthly_token_budget IS 'Prompt + completion tokens this tenant may spend per calendar month (UTC); NULL means unlimited. A job that would exceed it fails without calling the model.';

CREATE TABLE llm_call (
  id                 bigint GENERATED ALWAYS AS IDENTITY,
  tenant_id          uuid REFERENCES tenant (id) ON DELETE CASCADE,
  user_id            uuid REFERENCES app_user (id) ON DELETE SET NULL,
  job_id             uuid REFERENCES job (id) ON DELETE SET NULL,
  purpose            text NOT NULL,
  provider           text NOT NULL,
  model              text NOT NULL,
  prompt_tokens      integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens  integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  latency_ms         integer NOT NULL DEFAULT 0,
  cost_usd           numeric(12, 6),
  outcome            text NOT NULL,
  error              text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
);
CREATE INDEX llm_call_tenant_month_idx ON llm_call (tenant_id, created_at);
CREATE INDEX llm_call_job_idx ON llm_call (job_id) WHERE job_id IS NOT NULL;
COMMENT ON TABLE llm_call IS 'Every LLM call: who, which job, which model, tokens, latency, estimated cost and outcome (ok or an llm_* error code).';
COMMENT ON COLUMN llm_call.purpose IS 'What the call was for, e.g. worklog.analyze, skills.merge, report.compose.';
COMMENT ON COLUMN llm_call.cost_usd IS 'Estimated from the configured price table; NULL for an unpriced hosted model, 0 for local/vLLM/Ollama.';
COMMENT ON COLUMN llm_call.outcome IS 'ok, or the error code: llm_timeout, llm_rate_limited, llm_http_error, llm_invalid_output, llm_aborted, llm_budget_exceeded, llm_config.';

ALTER TABLE llm_call ENABLE ROW LEVEL SECURITY;
ALTER TABLE llm_call FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON llm_call USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()));
