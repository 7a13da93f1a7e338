// Server-Sent Events replies (text/event-stream) and the long waits beside them, tracked
// so that the app's close ends them first: an open stream never ends by itself, and
// graceful-close.ts would otherwise wait its whole drain for it.
//
// A stream is a Readable handed to reply.send(), so the onSend hooks (security headers,
// CORS) apply as to any reply. It carries `Connection: close`: a stream's connection is
// not worth keeping once the stream ends (the client opens a new one to resume), and
// closing it lets a shutdown finish as soon as the streams end.
import { PassThrough } from 'node:stream'
import type { FastifyReply } from 'fastify'
import type { App } from './app-instance.ts'

/** Keeps the connection inside HTTP_CONNECTION_TIMEOUT_MS and proxies' idle limits. */
export const HEARTBEAT_MS = 15_000

export interface EventStreamOptions {
  heartbeatMs?: number
  /** End the stream after this long; the client resumes with Last-Event-ID. */
  maxMs: number
}

export interface EventMessage {
  id?: number | string
  event?: string
  data: unknown
}

export class EventStream {
  readonly #body = new PassThrough()
  readonly #closers: Array<() => void> = []
  readonly #timers: NodeJS.Timeout[] = []
  #ended = false

  constructor (reply: FastifyReply, options: EventStreamOptions) {
    reply.header('content-type', 'text/event-stream; charset=utf-8')
    reply.header('cache-control', 'no-store')
    reply.header('connection', 'close')
    // nginx buffers proxied replies unless told not to, which would hold events back.
    reply.header('x-accel-buffering', 'no')
    const heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS)
    heartbeat.unref()
    const ceiling = setTimeout(() => this.end(), options.maxMs)
    ceiling.unref()
    this.#timers.push(heartbeat, ceiling)
    // The response's close: the client went away (the request's own 'close' only means
    // its body was read).
    reply.raw.once('close', () => this.end())
    void reply.send(this.#body)
    // The first bytes go out at once, so the client knows the stream is open.
    this.#write(': open\n\n')
  }

  get ended (): boolean { return this.#ended }

  /** Called once when the stream ends, whoever ends it. */
  onEnd (close: () => void): void {
    if (this.#ended) close()
    else this.#closers.push(close)
  }

  send (message: EventMessage): void {
    let text = ''
    if (message.id !== undefined) text += `id: ${message.id}\n`
    if (message.event !== undefined) text += `event: ${message.event}\n`
    // JSON has no raw newlines, so the data is always one line.
    text += `data: ${JSON.stringify(message.data)}\n\n`
    this.#write(text)
  }

  end (): void {
    if (this.#ended) return
    this.#ended = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#body.end()
    for (const close of this.#closers.splice(0)) close()
  }

  #write (text: string): void {
    if (!this.#ended) this.#body.write(text)
  }
}

/** Everything long-lived the app must end before it drains its connections. */
export class LongRequests {
  readonly #open = new Set<() => void>()
  #closing = false

  /** `end` is called when the app closes; call the returned function once it has ended anyway. */
  track (end: () => void): () => void {
    if (this.#closing) {
      end()
      return () => {}
    }
    this.#open.add(end)
    return () => { this.#open.delete(end) }
  }

  stream (reply: FastifyReply, options: EventStreamOptions): EventStream {
    const stream = new EventStream(reply, options)
    stream.onEnd(this.track(() => stream.end()))
    return stream
  }

  get size (): number { return this.#open.size }

  endAll (): void {
    this.#closing = true
    for (const end of [...this.#open]) end()
    this.#open.clear()
  }
}

/** Registered before graceful-close's hook, so streams end before the drain starts waiting. */
export function installLongRequests (app: App): LongRequests {
  const requests = new LongRequests()
  app.addHook('preClose', async () => requests.endAll())
  return requests
}
