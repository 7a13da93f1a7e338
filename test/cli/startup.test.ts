// A startup failure, through the real CLI: exit code 1 and exactly one line on stderr
// that names the problem and the setting to change (no stack, no unhandled 'error').
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestDatabase } from '../helpers/database.ts'
import { TEST_SECRET_KEY } from '../helpers/services.ts'
import { freePort } from '../helpers/ports.ts'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

interface Outcome { code: number | null; stderr: string }

function serve (t: { teardown(fn: () => void): void }, env: Record<string, string>): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'afterresume-startup-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  return new Promise((resolve) => {
    // A hang instead of an exit fails the test through the timeout.
    execFile(process.execPath, [MAIN, 'serve'], {
      env: { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', ...env },
      timeout: 60_000,
    }, (error, _stdout, stderr) => resolve({ code: error === null ? 0 : (error as { code?: number }).code ?? null, stderr }))
  })
}

function lines (text: string): string[] {
  return text.split('\n').filter((line) => line !== '')
}

t.test('DATABASE_URL pointing at a closed port: one line naming DATABASE_URL and the refused connection', async (t) => {
  const closed = await freePort()
  const { code, stderr } = await serve(t, { DATABASE_URL: `postgres://someone:secret@127.0.0.1:${closed}/afterresume` })
  t.equal(code, 1)
  t.equal(lines(stderr).length, 1, `one line on stderr, got: ${stderr}`)
  t.match(stderr, new RegExp(`^afterresume: Cannot connect to PostgreSQL at DATABASE_URL \\(127\\.0\\.0\\.1:${closed}\\): connection refused.*set DATABASE_URL`))
  t.notMatch(stderr, /secret/, 'the password is not printed')
})

t.test('DATABASE_URL naming a database that does not exist: one line saying so', async (t) => {
  const url = new URL(await createTestDatabase(t))
  url.pathname = '/no_such_database'
  const { code, stderr } = await serve(t, { DATABASE_URL: url.toString() })
  t.equal(code, 1)
  t.equal(lines(stderr).length, 1, `one line on stderr, got: ${stderr}`)
  t.match(stderr, /has no database "no_such_database".*DATABASE_URL/)
})

t.test('the HTTP port already in use: one line naming the port and PORT, and the process exits', async (t) => {
  const url = await createTestDatabase(t)
  const port = await freePort()
  const squatter = createServer()
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
  t.teardown(() => { squatter.close() })
  const { code, stderr } = await serve(t, { DATABASE_URL: url, HOST: '127.0.0.1', PORT: String(port) })
  t.equal(code, 1)
  t.equal(lines(stderr).length, 1, `one line on stderr, got: ${stderr}`)
  t.match(stderr, new RegExp(`^afterresume: HTTP port ${port} on 127\\.0\\.0\\.1 is already in use.*set PORT`))
})
