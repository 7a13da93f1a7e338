// Staff signed in to the operator console through its own form, as a browser does: the
// session cookie to send back and the CSRF token its pages carry.
import { createAccount } from '../../src/modules/identity/accounts.ts'
import type { App } from '../../src/platform/http/app-instance.ts'
import type { Services } from '../../src/runtime.ts'

/** What app.inject's requests come from: its default Host is localhost:80. */
export const CONSOLE_ORIGIN = 'http://localhost:80'
export const FORM_TYPE = 'application/x-www-form-urlencoded'

export interface Account { id: string; tenantId: string; email: string; password: string }

export interface ConsoleSession {
  /** The Cookie header value. */
  cookie: string
  csrf: string
  /** Headers of a page load. */
  page: Record<string, string>
  /** Headers of a same-origin form post from a console page. */
  form: Record<string, string>
}

let counter = 0

export async function createStaff (services: Services, options: { isStaff?: boolean; password?: string } = {}): Promise<Account> {
  counter++
  const email = `staff${counter}-${process.pid}@example.test`
  const password = options.password ?? 'a long and unusual passphrase 42'
  const { user, tenantId } = await services.database.db.transaction().execute((trx) => createAccount(trx, { email, password, isStaff: options.isStaff ?? true }))
  return { id: user.id, tenantId, email, password }
}

export function csrfOf (html: string): string {
  const match = /<meta name="csrf-token" content="([^"]*)">/.exec(html)
  if (match?.[1] === undefined || match[1] === '') throw new Error('page has no CSRF token')
  return match[1]
}

/** A urlencoded form body; arrays become repeated fields. */
export function formBody (fields: Record<string, string | readonly string[]>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    for (const one of typeof value === 'string' ? [value] : value) params.append(name, one)
  }
  return params.toString()
}

export async function signInToConsole (app: App, account: { email: string; password: string }): Promise<ConsoleSession> {
  const login = await app.inject({
    method: 'POST',
    url: '/system/console/login',
    headers: { origin: CONSOLE_ORIGIN, accept: 'text/html', 'content-type': FORM_TYPE },
    payload: formBody({ email: account.email, password: account.password }),
  })
  if (login.statusCode !== 303) throw new Error(`console sign-in failed: ${login.statusCode} ${login.body}`)
  const cookie = login.cookies.find((c) => c.name === 'afterresume_console')
  if (cookie === undefined) throw new Error('console sign-in set no cookie')
  const header = `afterresume_console=${cookie.value}`
  const overview = await app.inject({ method: 'GET', url: '/system/console/', headers: { cookie: header, accept: 'text/html' } })
  return {
    cookie: header,
    csrf: csrfOf(overview.body),
    page: { cookie: header, accept: 'text/html' },
    form: { cookie: header, origin: CONSOLE_ORIGIN, accept: 'text/html', 'content-type': FORM_TYPE },
  }
}
