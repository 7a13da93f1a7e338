// TRUST_PROXY → Fastify's trustProxy. Fastify 5.12 reads a bare number as "trust no one"
// (a hop count cannot tell whether the socket peer is really the proxy), so a hop count
// is given to it as the function proxy-addr calls with each address's distance from the
// socket: hop 0 is the peer itself, hop 1 the last X-Forwarded-For entry, and so on.
// The client address is then the first untrusted one, counting from the socket.
import type { FastifyServerOptions } from 'fastify'
import type { TrustProxy } from '../../config.ts'

export function trustProxyOption (setting: TrustProxy): FastifyServerOptions['trustProxy'] {
  if (typeof setting === 'number') {
    const hops = setting
    return function withinHops (_address: string, hop: number): boolean { return hop < hops }
  }
  return typeof setting === 'boolean' ? setting : [...setting]
}
