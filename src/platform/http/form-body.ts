// `application/x-www-form-urlencoded` bodies: what an HTML form posts. Only the pages that
// have forms (the operator console) install it, in their own scope; the API takes JSON.
// A name sent once is a string, a name sent more than once (a list of checkboxes or
// hidden ids) is an array of strings, and the route's schema says which it accepts.
import type { App } from './app-instance.ts'

/** A form is a few fields and at most a few hundred ids. */
const FORM_BODY_LIMIT = 64 * 1024

export function parseForm (body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = fields[name]
    fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  // A plain object again, so schema validation and handlers see an ordinary record.
  return { ...fields }
}

export function installFormBody (app: App): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, parseForm(body as string))
  })
}
