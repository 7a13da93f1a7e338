-- Operator views over the credits ledger. Rebuilt on every `afterresume migrate`.

CREATE VIEW ops.billing_balances AS
SELECT t.id                                                     AS tenant_id,
       t.name                                                   AS tenant,
       t.billing_plan                                           AS plan,
       t.stripe_customer_id,
       coalesce(b.available, 0)                                 AS available,
       coalesce(b.reserved, 0)                                  AS reserved,
       (SELECT coalesce(sum(e.available_delta), 0) FROM credit_entry e WHERE e.tenant_id = t.id) AS ledger_available,
       (SELECT coalesce(sum(e.reserved_delta), 0) FROM credit_entry e WHERE e.tenant_id = t.id)  AS ledger_reserved,
       (SELECT count(*) FROM credit_reservation r WHERE r.tenant_id = t.id AND r.settled_at IS NULL) AS open_reservations,
       (SELECT min(r.reserved_at) FROM credit_reservation r WHERE r.tenant_id = t.id AND r.settled_at IS NULL) AS oldest_open_reservation,
       (SELECT coalesce(sum(e.amount), 0) FROM credit_entry e
         WHERE e.tenant_id = t.id AND e.kind = 'purchase' AND e.created_at > now() - interval '30 days') AS purchased_30d,
       (SELECT coalesce(sum(e.amount), 0) FROM credit_entry e
         WHERE e.tenant_id = t.id AND e.kind = 'capture' AND e.created_at > now() - interval '30 days') AS used_30d,
       b.updated_at                                             AS last_change_at
FROM tenant t
LEFT JOIN credit_balance b ON b.tenant_id = t.id
ORDER BY available DESC, t.name;
COMMENT ON VIEW ops.billing_balances IS 'Per tenant: credits available and reserved beside the ledger sums they must equal, open reservations (the oldest shows a stuck one), purchases and use over 30 days, plan and Stripe customer.';

CREATE VIEW ops.credit_ledger_daily AS
SELECT date_trunc('day', e.created_at)::date  AS day,
       e.tenant_id,
       t.name                                  AS tenant,
       e.kind,
       count(*)                                AS entries,
       sum(e.amount)                           AS credits,
       sum(e.available_delta)                  AS available_change,
       sum(e.reserved_delta)                   AS reserved_change
FROM credit_entry e
LEFT JOIN tenant t ON t.id = e.tenant_id
GROUP BY 1, 2, 3, 4
ORDER BY 1 DESC, 3, 4;
COMMENT ON VIEW ops.credit_ledger_daily IS 'Credits ledger per day, tenant and kind: entries, credits moved, and what they did to available and reserved.';
