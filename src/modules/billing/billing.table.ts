// Row types of the credits ledger and Stripe events (migrations/0010_billing.sql).
import type { ColumnType, Generated, Selectable } from 'kysely'
import type { JsonObject } from '../../platform/db/json.ts'

/** Every kind of ledger entry; what each does to the balance is in the migration. */
export const CREDIT_ENTRY_KINDS = ['grant', 'purchase', 'reserve', 'capture', 'release', 'refund', 'adjustment'] as const
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number]

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>
/** Written by the database alone (generated columns, the ledger trigger). */
type Derived<T> = ColumnType<T, never, never>

export interface CreditBalanceTable {
  tenant_id: string
  available: Derived<number>
  reserved: Derived<number>
  updated_at: Derived<Date>
}

export interface CreditEntryTable {
  tenant_id: string
  id: Generated<number>
  kind: CreditEntryKind
  amount: number
  available_delta: Derived<number>
  reserved_delta: Derived<number>
  reason: string
  idempotency_key: string
  job_id: string | null
  stripe_object: string | null
  stripe_event_id: string | null
  payment_intent: string | null
  staff_user_id: string | null
  created_at: CreatedAt
}

export interface CreditReservationTable {
  tenant_id: string
  job_id: string
  job_type: string
  amount: number
  captured: number | null
  reserved_at: CreatedAt
  settled_at: Timestamp | null
}

export interface StripeEventTable {
  id: string
  type: string
  tenant_id: string | null
  livemode: boolean
  payload: ColumnType<JsonObject, string, never>
  created_at: ColumnType<Date, Date, never>
  received_at: CreatedAt
  processed_at: Timestamp | null
  outcome: string
}

export interface BillingTables {
  credit_balance: CreditBalanceTable
  credit_entry: CreditEntryTable
  credit_reservation: CreditReservationTable
  stripe_event: StripeEventTable
}

export type CreditEntry = Selectable<CreditEntryTable>
export type CreditReservation = Selectable<CreditReservationTable>
