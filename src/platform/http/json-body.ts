// The one parser for `application/json` request bodies. Browsers and SPA clients send
// `Content-Type: application/json` with no body at all on refresh, logout and "run this
// job" buttons; Fastify's own parser refuses that (FST_ERR_CTP_EMPTY_JSON_BODY). Here an
// empty body is no body: the route sees `undefined` exactly as if none had been sent,
// so a route whose schema requires a body still answers its usual 400 naming the field.
// Anything else goes to Fastify's parser, which keeps its prototype-poisoning guards.
import type { FastifyBodyParser } from 'fastify'
import type { App } from './app-instance.ts'

export function jsonBodyParser (app: App): FastifyBodyParser<string> {
  const strict = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error')
  return function parseJsonBody (request, body, done) {
    if (body.length === 0) {
      done(null, undefined)
      return
    }
    strict(request, body, done)
  }
}

export function installJsonBody (app: App): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(app))
}
