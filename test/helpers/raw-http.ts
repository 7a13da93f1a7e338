// A real listening app and a raw TCP client, for what app.inject() cannot send: bytes
// trickled over time, unknown methods, missing or repeated Host headers, oversized headers.
import { connect } from 'node:net'
import type { App } from '../../src/platform/http/app-instance.ts'

interface Tap { teardown(fn: () => Promise<void> | void): void }

export async function listenOnFreePort (t: Tap, app: App): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the app is not listening on TCP')
  return address.port
}

export interface RawExchange {
  /** Everything the server sent, parsed as one HTTP/1.1 response (status 0 when nothing came). */
  status: number
  headers: Record<string, string>
  body: string
  /** Whether the server closed the connection before `deadlineMs`. */
  closed: boolean
  elapsedMs: number
}

/**
 * Send `head` (request line and headers, as given), then, if asked, `trickle` in pieces of
 * `bytesPerTick` (default 1) every `everyMs` until all is sent; wait for the server to
 * close the connection, or give up after `deadlineMs`.
 */
export function rawExchange (port: number, head: string, options: { trickle?: string; bytesPerTick?: number; everyMs?: number; deadlineMs?: number } = {}): Promise<RawExchange> {
  const started = Date.now()
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let closed = false
    let sent = 0
    let ticker: NodeJS.Timeout | undefined
    const deadline = setTimeout(() => socket.destroy(), options.deadlineMs ?? 10_000)
    socket.on('connect', () => {
      socket.write(head)
      const trickle = options.trickle
      if (trickle === undefined) return
      ticker = setInterval(() => {
        if (sent >= trickle.length || !socket.writable) return
        const piece = trickle.slice(sent, sent + (options.bytesPerTick ?? 1))
        sent += piece.length
        socket.write(piece)
      }, options.everyMs ?? 50)
    })
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('end', () => { closed = true })
    socket.on('error', () => { closed = true })
    socket.on('close', () => {
      clearTimeout(deadline)
      clearInterval(ticker)
      resolve({ ...parse(Buffer.concat(chunks).toString('latin1')), closed, elapsedMs: Date.now() - started })
    })
  })
}

function parse (text: string): Pick<RawExchange, 'status' | 'headers' | 'body'> {
  const end = text.indexOf('\r\n\r\n')
  if (end === -1) return { status: 0, headers: {}, body: text }
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: text.slice(end + 4) }
}
