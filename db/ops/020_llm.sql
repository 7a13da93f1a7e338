-- Operator views over LLM usage. Rebuilt on every `afterresume migrate`.

CREATE VIEW ops.llm_usage_daily AS
SELECT date_trunc('day', c.created_at)::date           AS day,
       c.tenant_id,
       t.name                                            AS tenant,
       c.provider,
       c.model,
       count(*)                                          AS calls,
       count(*) FILTER (WHERE c.outcome <> 'ok')         AS failed_calls,
       sum(c.prompt_tokens)                              AS prompt_tokens,
       sum(c.completion_tokens)                          AS completion_tokens,
       round(avg(c.latency_ms))                          AS avg_latency_ms,
       sum(c.cost_usd)                                   AS cost_usd
FROM llm_call c
LEFT JOIN tenant t ON t.id = c.tenant_id
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1 DESC, 2, 4, 5;
COMMENT ON VIEW ops.llm_usage_daily IS 'LLM calls, tokens, failures, latency and estimated cost per day, tenant, provider and model.';

CREATE VIEW ops.tenant_activity AS
SELECT t.id AS tenant_id,
       t.name,
       (SELECT count(*) FROM tenant_membership m WHERE m.tenant_id = t.id AND m.is_active) AS members,
       (SELECT count(*) FROM job j WHERE j.tenant_id = t.id AND j.created_at > now() - interval '7 days') AS jobs_7d,
       (SELECT count(*) FROM job j WHERE j.tenant_id = t.id AND j.status = 'failed' AND j.created_at > now() - interval '7 days') AS failed_jobs_7d,
       (SELECT coalesce(sum(c.prompt_tokens + c.completion_tokens), 0) FROM llm_call c
         WHERE c.tenant_id = t.id AND c.created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS llm_tokens_this_month,
       t.llm_monthly_token_budget,
       (SELECT max(e.occurred_at) FROM auth_event e WHERE e.tenant_id = t.id AND e.kind = 'login' AND e.outcome = 'success') AS last_login_at
FROM tenant t
ORDER BY jobs_7d DESC;
COMMENT ON VIEW ops.tenant_activity IS 'Per tenant: members, jobs and failures in the last 7 days, LLM tokens this month against the budget, last sign-in.';
