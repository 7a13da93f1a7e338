// One connection to DATABASE_URL before anything else uses it, so that a wrong URL or a
// server that is down stops startup with a sentence saying which, instead of the first
// query's driver error somewhere deep in migrate or pg-boss.
import pg from 'pg'
import { StartupError } from '../startup-error.ts'

export async function checkDatabaseUrl (url: string, setting = 'DATABASE_URL', timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (error) {
    throw explain(error, url, setting, timeoutMs)
  } finally {
    await client.end().catch(() => {})
  }
}

function explain (error: unknown, url: string, setting: string, timeoutMs: number): StartupError {
  const { hostname, port, username, pathname } = new URL(url)
  const where = `PostgreSQL at ${setting} (${hostname}:${port === '' ? '5432' : port})`
  const { code, message } = error as { code?: string; message?: string }
  const database = decodeURIComponent(pathname.slice(1)) || decodeURIComponent(username)
  const reasons: Record<string, string> = {
    ECONNREFUSED: `Cannot connect to ${where}: connection refused, nothing listens there. Start PostgreSQL, or set ${setting} to a running server (unset DATABASE_URL to use the embedded PostgreSQL).`,
    ENOTFOUND: `Cannot connect to ${where}: the host name is not known. Fix the host in ${setting}.`,
    EAI_AGAIN: `Cannot connect to ${where}: the host name could not be looked up (DNS). Check the network, or fix the host in ${setting}.`,
    EHOSTUNREACH: `Cannot connect to ${where}: the host is unreachable. Check the network, or fix the host in ${setting}.`,
    ETIMEDOUT: `Cannot connect to ${where}: no answer. Check the host, port and firewall in ${setting}.`,
    '28P01': `${where} refused the login of user "${decodeURIComponent(username)}": wrong password. Fix the user and password in ${setting}.`,
    28000: `${where} refused the login of user "${decodeURIComponent(username)}" (no such role, or pg_hba.conf does not allow it). Fix the user in ${setting} or the server's pg_hba.conf.`,
    '3D000': `${where} has no database "${database}". Create it (createdb ${database}) or name an existing one in ${setting}.`,
  }
  const reason = code === undefined ? undefined : reasons[code]
  if (reason !== undefined) return new StartupError(reason, { cause: error })
  if (message?.includes('timeout') === true) {
    return new StartupError(`Cannot connect to ${where}: no answer within ${timeoutMs / 1000} s. Check the host, port and firewall in ${setting}.`, { cause: error })
  }
  return new StartupError(`Cannot connect to ${where}: ${message ?? String(error)}. Check ${setting}.`, { cause: error })
}
