// Who is acting: the tenant whose rows may be touched and the user who owns new rows.
export interface Actor {
  readonly tenantId: string
  readonly userId: string
}
