// Password hashing and policy. argon2id at the OWASP ASVS 5 floor (m = 19 MiB, t = 2,
// p = 1), written out rather than left to library defaults so a dependency upgrade can't
// weaken it silently. Unknown e-mails are verified against a dummy hash so a login takes
// the same time whether or not the account exists.
import { hash, verify } from '@node-rs/argon2'
import { ValidationError } from '../../platform/errors.ts'
import { COMMON_PASSWORDS } from './common-passwords.ts'

// `algorithm: 2` is Algorithm.Argon2id; the package declares it as a const enum, which
// type stripping cannot inline, so the number is written here (and asserted in tests).
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const MIN_PASSWORD_LENGTH = 10
export const MAX_PASSWORD_LENGTH = 256

export function hashPassword (password: string): Promise<string> {
  return hash(password, ARGON2ID)
}

let dummyHash: Promise<string> | undefined

/** Constant-work check: always runs one argon2 verification (argon2's compare is constant-time). */
export async function verifyPassword (storedHash: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= hashPassword('afterresume-timing-equaliser')
  const target = storedHash ?? await dummyHash
  const ok = await verify(target, password).catch(() => false)
  return storedHash !== undefined && ok
}

/** Throws a ValidationError naming `field` when the password is too weak. */
export function assertPasswordPolicy (password: string, context: { email?: string; field?: string } = {}): void {
  const field = context.field ?? 'password'
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters.`, field)
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError(`Password must be at most ${MAX_PASSWORD_LENGTH} characters.`, field)
  }
  const lowered = password.toLowerCase()
  if (COMMON_PASSWORDS.has(lowered) || /^(.)\1+$/.test(password)) {
    throw new ValidationError('This password is too common; choose one that is not on breached-password lists.', field)
  }
  const local = context.email?.split('@')[0]?.toLowerCase()
  if (local !== undefined && local.length >= 4 && lowered.includes(local)) {
    throw new ValidationError('Password must not contain your e-mail name.', field)
  }
}
