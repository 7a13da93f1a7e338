// Request and response shapes of /api/billing/* and the staff routes under /system/billing/.
import { Type, type Static } from 'typebox'
import { PageOf, PageParams } from '../worklog/pagination.ts'
import { CREDIT_ENTRY_KINDS } from './billing.table.ts'

const OfferId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'An id from BILLING_PACKS or BILLING_PLANS (GET /api/billing/ lists them).' })
const Reason = Type.String({ minLength: 1, maxLength: 500 })
/** Credits in one staff action: far beyond any real grant, well inside a bigint. */
const MAX_CREDITS = 1_000_000_000

export const CreditEntryOut = Type.Object({
  id: Type.Integer(),
  kind: Type.Enum(CREDIT_ENTRY_KINDS),
  amount: Type.Integer({ description: 'Credits moved; only an adjustment may be negative.' }),
  available_delta: Type.Integer(),
  reserved_delta: Type.Integer(),
  reason: Type.String(),
  job_id: Type.Union([Type.String(), Type.Null()]),
  stripe_object: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
})
export type CreditEntryOut = Static<typeof CreditEntryOut>

const OfferOut = Type.Object({ id: Type.String(), credits: Type.Integer() })

export const BillingOut = Type.Object({
  enabled: Type.Boolean({ description: 'False: AI jobs are free on this server and nothing is reserved.' }),
  payments: Type.Boolean({ description: 'Stripe is configured: owners can buy credits.' }),
  publishable_key: Type.Union([Type.String(), Type.Null()]),
  available: Type.Integer(),
  reserved: Type.Integer({ description: 'Held for AI jobs that are queued or running.' }),
  plan: Type.Union([Type.String(), Type.Null()]),
  has_billing_account: Type.Boolean({ description: 'A Stripe customer pays for this workspace (the portal opens for it).' }),
  packs: Type.Array(OfferOut),
  plans: Type.Array(OfferOut),
  recent: Type.Array(CreditEntryOut, { description: 'The last 10 ledger entries, newest first.' }),
})
export type BillingOut = Static<typeof BillingOut>

export const LedgerQuery = Type.Object({
  ...PageParams,
  kind: Type.Optional(Type.Enum(CREDIT_ENTRY_KINDS)),
}, { additionalProperties: false })
export type LedgerQuery = Static<typeof LedgerQuery>

export const LedgerPage = PageOf(CreditEntryOut)

export const CheckoutBody = Type.Object({
  pack: Type.Optional(OfferId),
  plan: Type.Optional(OfferId),
}, { additionalProperties: false, description: 'Exactly one of pack (a one-time purchase) or plan (a subscription).' })
export type CheckoutBody = Static<typeof CheckoutBody>

export const CheckoutOut = Type.Object({
  id: Type.String({ description: 'The Checkout Session id (cs_…).' }),
  url: Type.String({ description: 'Send the person here to pay.' }),
  mode: Type.Union([Type.Literal('payment'), Type.Literal('subscription')]),
  credits: Type.Integer(),
})

export const PortalOut = Type.Object({ url: Type.String({ description: 'The Stripe billing portal for this workspace\'s customer.' }) })

export const WebhookOut = Type.Object({
  received: Type.Boolean(),
  duplicate: Type.Boolean({ description: 'The event id was seen before; nothing changed.' }),
  outcome: Type.String(),
})

export const StaffGrantBody = Type.Object({
  tenant_id: Type.String({ format: 'uuid' }),
  credits: Type.Integer({ minimum: 1, maximum: MAX_CREDITS }),
  reason: Reason,
}, { additionalProperties: false })
export type StaffGrantBody = Static<typeof StaffGrantBody>

export const StaffAdjustBody = Type.Object({
  tenant_id: Type.String({ format: 'uuid' }),
  credits: Type.Integer({ minimum: -MAX_CREDITS, maximum: MAX_CREDITS, description: 'Credits to add (positive) or take away (negative); not 0.' }),
  reason: Reason,
}, { additionalProperties: false })
export type StaffAdjustBody = Static<typeof StaffAdjustBody>

export const CreditChangeOut = Type.Object({
  created: Type.Boolean({ description: 'False: the Idempotency-Key was used before; this is that entry, and nothing changed.' }),
  entry: CreditEntryOut,
  available: Type.Integer(),
  reserved: Type.Integer(),
})
