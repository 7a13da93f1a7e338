-- Billing (issue 12): reserve-based credits with the XP ledger's discipline. Credits move
-- only by rows of an append-only ledger, each with a unique idempotency key, so a retried
-- job, a replayed webhook or a repeated staff command inserts nothing twice. A trigger on
-- the ledger moves the tenant's balance row in the same statement, and CHECKs on that row
-- make a negative balance impossible: two jobs reserving the last credits at once, one of
-- them fails. Stripe events are kept once each, by their id.
--
-- Tenancy as everywhere: tenant_id leads every key, RLS forced. Job ids are plain ids (no
-- foreign key): retention prunes finished jobs, and the ledger outlives them.

ALTER TABLE tenant
  ADD COLUMN stripe_customer_id text UNIQUE CHECK (length(stripe_customer_id) BETWEEN 1 AND 255),
  ADD COLUMN billing_plan text CHECK (billing_plan ~ '^[a-z0-9][a-z0-9_-]{0,63}$');
COMMENT ON COLUMN tenant.stripe_customer_id IS 'The Stripe customer paying for this tenant (cus_…), kept from the first completed checkout; the billing portal opens for it.';
COMMENT ON COLUMN tenant.billing_plan IS 'The plan (BILLING_PLANS id) of the tenant''s Stripe subscription while it lasts; NULL: credit packs only.';

CREATE TABLE credit_balance (
  tenant_id   uuid PRIMARY KEY REFERENCES tenant (id) ON DELETE CASCADE,
  available   bigint NOT NULL DEFAULT 0 CHECK (available >= 0),
  reserved    bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE credit_balance IS 'A tenant''s credits: the sums of its credit_entry deltas, moved only by the ledger''s trigger in the same statement as the entry. No row: nothing ever happened (0 and 0).';
COMMENT ON COLUMN credit_balance.available IS 'Credits free to spend = sum(credit_entry.available_delta). Never negative: a reserve or refund that would overdraw fails.';
COMMENT ON COLUMN credit_balance.reserved IS 'Credits held for running AI jobs = sum(credit_entry.reserved_delta); each hold is one open credit_reservation.';
COMMENT ON COLUMN credit_balance.tenant_id IS 'The tenant whose credits these are (one row each).';
COMMENT ON COLUMN credit_balance.updated_at IS 'When the last ledger entry moved it.';

CREATE TABLE credit_entry (
  tenant_id          uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  id                 bigint GENERATED ALWAYS AS IDENTITY,
  kind               text NOT NULL CHECK (kind IN ('grant', 'purchase', 'reserve', 'capture', 'release', 'refund', 'adjustment')),
  amount             bigint NOT NULL,
  available_delta    bigint GENERATED ALWAYS AS (CASE
                       WHEN kind IN ('grant', 'purchase', 'adjustment', 'release') THEN amount
                       WHEN kind IN ('reserve', 'refund') THEN -amount
                       ELSE 0 END) STORED,
  reserved_delta     bigint GENERATED ALWAYS AS (CASE
                       WHEN kind = 'reserve' THEN amount
                       WHEN kind IN ('capture', 'release') THEN -amount
                       ELSE 0 END) STORED,
  reason             text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  idempotency_key    text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  job_id             uuid,
  stripe_object      text CHECK (length(stripe_object) BETWEEN 1 AND 255),
  stripe_event_id    text CHECK (length(stripe_event_id) BETWEEN 1 AND 255),
  payment_intent     text CHECK (length(payment_intent) BETWEEN 1 AND 255),
  staff_user_id      uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT credit_entry_idempotency_unique UNIQUE (tenant_id, idempotency_key),
  CONSTRAINT credit_entry_amount_sign CHECK (CASE WHEN kind = 'adjustment' THEN amount <> 0 ELSE amount > 0 END)
);
CREATE INDEX credit_entry_created_idx ON credit_entry (tenant_id, created_at DESC, id DESC);
CREATE INDEX credit_entry_payment_intent_idx ON credit_entry (payment_intent) WHERE payment_intent IS NOT NULL;
CREATE INDEX credit_entry_day_idx ON credit_entry USING brin (created_at);
COMMENT ON TABLE credit_entry IS 'Immutable credits ledger: every change of a tenant''s credits is one row here, never updated or deleted. credit_balance is its running sum.';
COMMENT ON COLUMN credit_entry.kind IS 'grant (staff), purchase (Stripe checkout or paid invoice), reserve (held for a job), capture (the job''s real use, out of its hold), release (the rest of a hold back), refund (a Stripe refund taking purchased credits back), adjustment (staff, either sign).';
COMMENT ON COLUMN credit_entry.amount IS 'Credits moved, positive; only an adjustment may be negative. What they do to the balance is in the two deltas.';
COMMENT ON COLUMN credit_entry.available_delta IS 'Change of credit_balance.available (derived from kind and amount).';
COMMENT ON COLUMN credit_entry.reserved_delta IS 'Change of credit_balance.reserved (derived from kind and amount).';
COMMENT ON COLUMN credit_entry.reason IS 'Why, in words: the staff member''s reason, the pack or plan bought, the job type and usage captured.';
COMMENT ON COLUMN credit_entry.idempotency_key IS 'Unique per tenant, so a retry inserts nothing twice: reserve:<job>, capture:<job>, release:<job>, purchase:<checkout session or invoice>, refund:<charge>:<amount refunded>, staff:<uuid or Idempotency-Key>.';
COMMENT ON COLUMN credit_entry.job_id IS 'The job a reserve, capture or release is for, by id only (no foreign key): retention prunes jobs, the ledger stays.';
COMMENT ON COLUMN credit_entry.stripe_object IS 'The Stripe object behind a purchase or refund (cs_… checkout session, in_… invoice, ch_… charge).';
COMMENT ON COLUMN credit_entry.stripe_event_id IS 'The Stripe event (evt_…) that brought the entry (stripe_event.id).';
COMMENT ON COLUMN credit_entry.payment_intent IS 'The PaymentIntent (pi_…) that paid a purchase, and that a refund''s charge belongs to: how a refund finds what it reverses.';
COMMENT ON COLUMN credit_entry.tenant_id IS 'The tenant whose credits moved.';
COMMENT ON COLUMN credit_entry.id IS 'Order of entry within the ledger.';
COMMENT ON COLUMN credit_entry.created_at IS 'When the entry was written (the transaction''s time).';
COMMENT ON INDEX credit_entry_created_idx IS 'A tenant''s ledger newest first (GET /api/billing/ledger/).';
COMMENT ON INDEX credit_entry_payment_intent_idx IS 'The purchase a refund reverses, and refunds already taken for it.';
COMMENT ON INDEX credit_entry_day_idx IS 'Time ranges over the whole ledger (ops.credit_ledger_daily) at a fraction of a B-tree''s size.';
COMMENT ON COLUMN credit_entry.staff_user_id IS 'The staff user behind a grant or adjustment, by id only (no foreign key, like job_id); NULL from the CLI.';

-- The only writer of credit_balance. pg_trigger_depth() tells this trigger's own writes
-- (depth 2 in credit_balance_guard) from anyone else's (depth 1).
CREATE FUNCTION credit_entry_apply() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  -- A zero row first, then the move: an upsert would check its proposed row (the bare
  -- deltas, negative for a reserve) against the CHECKs before finding the existing one.
  INSERT INTO credit_balance (tenant_id) VALUES (NEW.tenant_id) ON CONFLICT (tenant_id) DO NOTHING;
  UPDATE credit_balance
     SET available = available + NEW.available_delta,
         reserved = reserved + NEW.reserved_delta,
         updated_at = now()
   WHERE tenant_id = NEW.tenant_id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION credit_entry_apply() IS 'Moves credit_balance by a new credit_entry''s deltas in the same statement; a CHECK on the balance makes an overdraft fail the insert.';
CREATE TRIGGER credit_entry_apply AFTER INSERT ON credit_entry
  FOR EACH ROW EXECUTE FUNCTION credit_entry_apply();
COMMENT ON TRIGGER credit_entry_apply ON credit_entry IS 'Keeps credit_balance equal to the ledger''s sums.';

CREATE FUNCTION credit_balance_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'credit_balance moves only through credit_entry: insert a ledger row instead'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION credit_balance_guard() IS 'Refuses writes to credit_balance that do not come from the ledger trigger, so the balance always equals the ledger sum.';
CREATE TRIGGER credit_balance_guard BEFORE INSERT OR UPDATE ON credit_balance
  FOR EACH ROW EXECUTE FUNCTION credit_balance_guard();
COMMENT ON TRIGGER credit_balance_guard ON credit_balance IS 'Only credit_entry_apply writes balances.';

CREATE FUNCTION credit_entry_immutable() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  -- Deletes cascading from a removed tenant are allowed; nothing else.
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM tenant WHERE id = OLD.tenant_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'credit_entry is an immutable ledger: % is not allowed (write a new row instead)', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$;
COMMENT ON FUNCTION credit_entry_immutable() IS 'Refuses UPDATE and DELETE on credit_entry, except deletes cascading from a removed tenant.';
CREATE TRIGGER credit_entry_immutable BEFORE UPDATE OR DELETE ON credit_entry
  FOR EACH ROW EXECUTE FUNCTION credit_entry_immutable();
COMMENT ON TRIGGER credit_entry_immutable ON credit_entry IS 'The ledger is append-only.';

CREATE TABLE credit_reservation (
  tenant_id    uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  job_id       uuid NOT NULL,
  job_type     text NOT NULL,
  amount       bigint NOT NULL CHECK (amount > 0),
  captured     bigint CHECK (captured >= 0 AND captured <= amount),
  reserved_at  timestamptz NOT NULL DEFAULT now(),
  settled_at   timestamptz,
  PRIMARY KEY (tenant_id, job_id),
  CHECK ((settled_at IS NULL) = (captured IS NULL))
);
CREATE UNIQUE INDEX credit_reservation_job_idx ON credit_reservation (job_id);
CREATE INDEX credit_reservation_open_idx ON credit_reservation (reserved_at) WHERE settled_at IS NULL;
COMMENT ON TABLE credit_reservation IS 'One hold per paid job (keyed by the job, so a retry holds nothing more): open until the job ends, then settled by its capture and release entries. The sweep settles holds of jobs that ended without it or are gone.';
COMMENT ON COLUMN credit_reservation.tenant_id IS 'The tenant whose credits are held.';
COMMENT ON COLUMN credit_reservation.job_id IS 'The paid job, by id only (no foreign key): a hold outlives a pruned job until the sweep settles it.';
COMMENT ON COLUMN credit_reservation.job_type IS 'The job''s type, for the ledger''s reasons and for operators.';
COMMENT ON COLUMN credit_reservation.reserved_at IS 'When the job''s first attempt held the credits.';
COMMENT ON INDEX credit_reservation_job_idx IS 'One hold per job: a retry or a second delivery finds it.';
COMMENT ON INDEX credit_reservation_open_idx IS 'Open holds, for the sweep and ops.billing_balances.';
COMMENT ON COLUMN credit_reservation.amount IS 'Credits held: the estimate of the job type (CREDITS_PER_1K_TOKENS or the model''s price), at least CREDITS_MIN_PER_JOB.';
COMMENT ON COLUMN credit_reservation.captured IS 'Credits the job used, out of amount (the rest went back); 0 for a job that did not succeed. NULL while open.';
COMMENT ON COLUMN credit_reservation.settled_at IS 'When the hold was captured and released; NULL while the job may still run.';

CREATE TABLE stripe_event (
  id            text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
  type          text NOT NULL CHECK (length(type) BETWEEN 1 AND 200),
  tenant_id     uuid REFERENCES tenant (id) ON DELETE SET NULL,
  livemode      boolean NOT NULL,
  payload       jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at    timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  outcome       text NOT NULL CHECK (length(outcome) BETWEEN 1 AND 500)
);
CREATE INDEX stripe_event_pending_idx ON stripe_event ((payload #>> '{data,object,payment_intent}')) WHERE processed_at IS NULL;
COMMENT ON TABLE stripe_event IS 'Every verified Stripe webhook event, once (its id is the key): a replayed event finds its row and changes nothing. Unknown types are kept and acknowledged.';
COMMENT ON COLUMN stripe_event.id IS 'Stripe''s event id (evt_…): unique, so each event is recorded and acted on once.';
COMMENT ON COLUMN stripe_event.type IS 'Stripe''s event type, e.g. checkout.session.completed.';
COMMENT ON COLUMN stripe_event.livemode IS 'False for events from Stripe''s test mode.';
COMMENT ON COLUMN stripe_event.received_at IS 'When the webhook first received it.';
COMMENT ON INDEX stripe_event_pending_idx IS 'Refund events waiting for their purchase, by PaymentIntent.';
COMMENT ON COLUMN stripe_event.tenant_id IS 'The tenant the event concerned, once known (client_reference_id, subscription metadata or the purchase a refund reverses).';
COMMENT ON COLUMN stripe_event.payload IS 'The event as Stripe signed it.';
COMMENT ON COLUMN stripe_event.created_at IS 'When Stripe created the event (its `created`).';
COMMENT ON COLUMN stripe_event.processed_at IS 'When its effect was written; NULL while it waits (a refund whose purchase has not arrived yet is applied when it does).';
COMMENT ON COLUMN stripe_event.outcome IS 'What it did, in words: credits granted or reversed, plan set, waiting, or ignored and why.';

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['credit_balance', 'credit_entry', 'credit_reservation', 'stripe_event']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform())) '
                   'WITH CHECK (tenant_id = (SELECT app_tenant()) OR (SELECT app_platform()))', t);
  END LOOP;
END
$$;
