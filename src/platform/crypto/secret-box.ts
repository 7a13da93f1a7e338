// Secrets we must be able to read back (a GitHub token the import job sends on the
// user's behalf) are kept sealed: AES-256-GCM under a key derived from SECRET_KEY with
// HKDF-SHA256, one key per purpose, so a key for one kind of secret opens no other.
// The associated data binds a sealed value to the row it belongs to: copied into another
// row (another user's connection), it no longer opens.
//
// Layout of a sealed value: 12-byte nonce | 16-byte tag | ciphertext. A random nonce per
// seal; with 96-bit nonces the collision bound is far beyond the number of tokens a
// deployment will ever store under one key.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const NONCE_BYTES = 12
const TAG_BYTES = 16
/** Fixed salt: the input key material (SECRET_KEY) is the secret; the salt only separates this use of HKDF. */
const SALT = 'afterresume/secret-box'

export class SecretBoxError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'SecretBoxError'
  }
}

export interface SecretBox {
  seal(plaintext: string, associatedData: string): Buffer
  /** Throws SecretBoxError when the value was sealed under another key or for other data. */
  open(sealed: Buffer, associatedData: string): string
}

/** A box for one purpose (e.g. 'github-token v1'); a new purpose string is a new key. */
export function secretBox (secretKey: string, purpose: string): SecretBox {
  if (secretKey === '') throw new Error('secretBox needs a non-empty SECRET_KEY')
  const key = Buffer.from(hkdfSync('sha256', secretKey, SALT, purpose, 32))
  return {
    seal (plaintext, associatedData) {
      const nonce = randomBytes(NONCE_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, nonce)
      cipher.setAAD(Buffer.from(associatedData, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return Buffer.concat([nonce, cipher.getAuthTag(), ciphertext])
    },
    open (sealed, associatedData) {
      if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError('The sealed value is too short to be one.')
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES))
      decipher.setAAD(Buffer.from(associatedData, 'utf8'))
      decipher.setAuthTag(sealed.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES))
      try {
        return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
      } catch {
        throw new SecretBoxError('The sealed value does not open: it was sealed under another SECRET_KEY or belongs to another record.')
      }
    },
  }
}
