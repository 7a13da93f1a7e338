// Invite-only signup (seed 001 "invitations"). A passkey is 128 bits of randomness shown
// once and stored as a SHA-256 hash. It may be bound to an e-mail, and to a tenant and
// role (joining an existing workspace) — otherwise the new account gets its own tenant.
// Redemption locks the invite row, so of N concurrent redemptions exactly one succeeds.
import { sql } from 'kysely'
import type { Db } from '../../platform/db/database.ts'
import { AppError, ConflictError, ValidationError } from '../../platform/errors.ts'
import { recordAuthEvent, type RequestMeta } from './audit.ts'
import { createAccount } from './accounts.ts'
import { hashToken, newSecretToken, normalizeEmail, type AuthService, type IssuedTokens } from './auth.service.ts'
import type { Invite, Role } from './identity.table.ts'

export const DEFAULT_INVITE_SECONDS = 7 * 86_400
const MAX_INVITE_SECONDS = 90 * 86_400

export interface CreateInviteInput {
  createdBy: string | null
  email?: string
  tenantId?: string
  role?: Role
  expiresInSeconds?: number
}

export interface CreatedInvite {
  invite: Invite
  /** Shown once; only its hash is stored. */
  passkey: string
}

export async function createInvite (db: Db, input: CreateInviteInput, meta: RequestMeta): Promise<CreatedInvite> {
  const seconds = input.expiresInSeconds ?? DEFAULT_INVITE_SECONDS
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > MAX_INVITE_SECONDS) {
    throw new ValidationError('Invites expire between 1 minute and 90 days from now.', 'expires_in')
  }
  if ((input.tenantId === undefined) !== (input.role === undefined)) {
    throw new ValidationError('An invite into a tenant needs both the tenant and the role.', input.tenantId === undefined ? 'tenant_id' : 'role')
  }
  // 16 bytes = 128 bits of entropy, base64url: 22 characters.
  const passkey = newSecretToken(16)
  const invite = await db.insertInto('invite').values({
    passkey_hash: hashToken(passkey),
    email: input.email === undefined ? null : normalizeEmail(input.email),
    tenant_id: input.tenantId ?? null,
    role: input.role ?? null,
    created_by: input.createdBy,
    expires_at: new Date(Date.now() + seconds * 1000),
  }).returningAll().executeTakeFirstOrThrow()
  await recordAuthEvent(db, meta, {
    kind: 'invite_created',
    userId: input.createdBy,
    tenantId: input.tenantId ?? null,
    email: input.email ?? null,
    detail: { invite_id: invite.id, role: input.role ?? null, expires_at: invite.expires_at.toISOString() },
  })
  return { invite, passkey }
}

/**
 * Signup: check the passkey, create the account, spend the invite, start a session — one
 * transaction.
 *
 * An e-mail that already has an account is answered 409 (sign in instead). Answering as
 * for a fresh address is not possible here: a successful signup returns a session at once,
 * and there is no mail sender to tell the address's owner instead. So the leak is bounded
 * rather than hidden: an open invite (no e-mail) is spent by such an attempt, so one
 * passkey learns about one address — no more than a successful signup tells — instead of
 * probing any number of them. An invite made out to an e-mail only ever asks about that
 * address, which its creator chose, so it is left unspent. Either way the attempt is
 * audited against the existing user.
 */
export async function redeemInvite (db: Db, auth: AuthService, input: { email: string; password: string; passkey: string; displayName?: string }, meta: RequestMeta): Promise<IssuedTokens> {
  const email = normalizeEmail(input.email)
  const result = await db.transaction().execute(async (trx) => {
    const invite = await trx.selectFrom('invite').selectAll().where('passkey_hash', '=', hashToken(input.passkey)).forUpdate().executeTakeFirst()
    // One message for every way a passkey can be wrong: it must not reveal which.
    if (invite === undefined || invite.redeemed_at !== null || invite.expires_at <= new Date() || (invite.email !== null && invite.email !== email)) {
      return { ok: false as const, reason: 'invalid_passkey' as const, inviteId: invite?.id ?? null }
    }
    const existing = await trx.selectFrom('app_user').select('id').where(sql`lower(email)`, '=', email).executeTakeFirst()
    if (existing !== undefined) {
      if (invite.email === null) await trx.updateTable('invite').set({ redeemed_at: new Date() }).where('id', '=', invite.id).execute()
      return { ok: false as const, reason: 'email_registered' as const, inviteId: invite.id, registeredUserId: existing.id, spent: invite.email === null }
    }
    const account = await createAccount(trx, {
      email,
      password: input.password,
      ...(input.displayName !== undefined && { displayName: input.displayName }),
      ...(invite.tenant_id !== null && invite.role !== null && { tenantId: invite.tenant_id, role: invite.role }),
    })
    await trx.updateTable('invite').set({ redeemed_at: new Date(), redeemed_by: account.user.id }).where('id', '=', invite.id).execute()
    const tokens = await auth.startSession(trx, account.user, account.tenantId, account.role, 'browser', meta)
    return { ok: true as const, inviteId: invite.id, tokens, account }
  })
  if (!result.ok && result.reason === 'email_registered') {
    await recordAuthEvent(db, meta, { kind: 'signup', outcome: 'failure', email, userId: result.registeredUserId, detail: { reason: 'email_registered', invite_id: result.inviteId, invite_spent: result.spent } })
    throw new ConflictError(`An account with this e-mail already exists: sign in instead.${result.spent ? ' This invite is used up; ask for a new one to sign up with another address.' : ''}`, 'email')
  }
  if (!result.ok) {
    await recordAuthEvent(db, meta, { kind: 'signup', outcome: 'failure', email, detail: { reason: 'invalid_passkey', invite_id: result.inviteId } })
    throw new AppError(400, 'invalid_passkey', 'The invite passkey is invalid, expired, already used, or meant for another e-mail.', { field: 'passkey' })
  }
  await recordAuthEvent(db, meta, { kind: 'signup', userId: result.account.user.id, tenantId: result.account.tenantId, email })
  await recordAuthEvent(db, meta, { kind: 'invite_redeemed', userId: result.account.user.id, tenantId: result.account.tenantId, detail: { invite_id: result.inviteId } })
  return result.tokens
}
