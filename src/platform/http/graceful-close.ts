// How the API stops on SIGTERM (issue 9). Fastify's close() marks the app closing, runs
// preClose hooks, then calls server.close(), which in Node also destroys every "idle"
// connection at once — and a connection that has been accepted but whose request has not
// been parsed yet counts as idle, as does a keep-alive connection whose next request is
// on the wire. Those clients saw a reset, not an answer. So, before that happens:
//  1. stop accepting connections: new clients get "connection refused";
//  2. let the open connections drain: requests already running finish normally; any
//     request that arrives now is answered by Fastify itself with 503 and
//     `Connection: close` (return503OnClosing), so the client stops reusing the socket;
//  3. when none are left, or after DRAIN_MS, server.close() reaps what stays idle.
// Services (database pools, workers) are only stopped after all this, by the caller.
import { Server as NetServer } from 'node:net'
import type { App } from './app-instance.ts'

/** Long enough for requests already on the wire to be answered; idle keep-alive clients wait no longer. */
const DRAIN_MS = 1000
const POLL_MS = 20

function openConnections (server: NetServer): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error === null ? count : 0)))
}

export function installGracefulClose (app: App): void {
  app.addHook('preClose', async () => {
    const server = app.server
    if (!server.listening) return
    // Connections the kernel has completed but Node has not accepted yet are reset when the
    // listener closes. Node accepts all of them whenever it polls, so close right after a
    // poll (in the check phase) to leave that window as short as it can be.
    await new Promise((resolve) => setImmediate(resolve))
    // net.Server's own close stops the listener without http.Server's destruction of idle
    // connections; Fastify's server.close() afterwards finds it closed and carries on.
    NetServer.prototype.close.call(server)
    const deadline = Date.now() + DRAIN_MS
    while (Date.now() < deadline && await openConnections(server) > 0) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  })
}
