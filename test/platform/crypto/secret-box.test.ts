import t from 'tap'
import { secretBox, SecretBoxError } from '../../../src/platform/crypto/secret-box.ts'

const KEY = 'a-secret-key-that-is-long-enough-for-production-use'

t.test('a sealed value opens with the same key, purpose and associated data, and with nothing else', async (t) => {
  const box = secretBox(KEY, 'github_connection.token v1')
  const sealed = box.seal('ghp_example_token_123', 'row:1')
  t.equal(box.open(sealed, 'row:1'), 'ghp_example_token_123')
  t.equal(sealed.length, 12 + 16 + 'ghp_example_token_123'.length, 'nonce, tag, then as many bytes as the text')
  t.equal(sealed.includes(Buffer.from('ghp_example_token_123')), false, 'the token is not in the sealed bytes')
  t.not(box.seal('ghp_example_token_123', 'row:1').toString('hex'), sealed.toString('hex'), 'a fresh nonce each time')

  t.throws(() => box.open(sealed, 'row:2'), SecretBoxError, 'moved to another row, it does not open')
  t.throws(() => secretBox(`${KEY}x`, 'github_connection.token v1').open(sealed, 'row:1'), SecretBoxError, 'another SECRET_KEY does not open it')
  t.throws(() => secretBox(KEY, 'another purpose').open(sealed, 'row:1'), SecretBoxError, 'another purpose is another key')
  const tampered = Buffer.from(sealed)
  tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1
  t.throws(() => box.open(tampered, 'row:1'), SecretBoxError, 'a changed byte is detected')
  t.throws(() => box.open(Buffer.alloc(10), 'row:1'), { name: 'SecretBoxError', message: 'The sealed value is too short to be one.' })
})
