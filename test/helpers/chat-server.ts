// A model server speaking the OpenAI chat-completions protocol on 127.0.0.1, for tests of
// the real OpenAiCompatibleProvider: each request is recorded and answered by a reply the
// test chose (scripted in order, or decided from the request itself).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ChatRequestBody {
  model: string
  messages: Array<{ role: string; content: string }>
  response_format?: { type: string; json_schema?: { name: string; strict: boolean; schema: unknown } }
  max_tokens?: number
  temperature?: number
}

export interface SeenRequest {
  body: ChatRequestBody
  headers: IncomingHttpHeaders
  url: string
  /** Date.now() when the request had arrived in full. */
  at: number
}

export type Reply = (req: SeenRequest, res: ServerResponse) => void

export interface ChatServer {
  /** Base URL including /v1, as the provider wants it. */
  baseUrl: string
  seen: SeenRequest[]
  /** One promise per request, resolved when its connection closes (a client abort shows here). */
  closed: Array<Promise<void>>
}

interface Teardown { teardown(fn: () => unknown): void }

/**
 * `replies` is either a script (request n gets replies[n], the last one repeats) or a
 * function choosing the reply from the request and how many came before it.
 */
export async function startChatServer (t: Teardown, replies: Reply[] | ((req: SeenRequest, index: number) => Reply)): Promise<ChatServer> {
  const seen: SeenRequest[] = []
  const closed: Array<Promise<void>> = []
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()))
    req.on('end', () => {
      const entry: SeenRequest = { body: JSON.parse(raw) as ChatRequestBody, headers: req.headers, url: req.url ?? '', at: Date.now() }
      const index = seen.length
      seen.push(entry)
      closed.push(new Promise((resolve) => res.on('close', () => resolve())))
      const reply = typeof replies === 'function' ? replies(entry, index) : replies[index] ?? replies[replies.length - 1]
      reply?.(entry, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    // Requests left hanging on purpose would otherwise keep close() waiting.
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const { port } = server.address() as AddressInfo
  return { baseUrl: `http://127.0.0.1:${port}/v1`, seen, closed }
}

export function completion (content: string, usage: { prompt_tokens: number; completion_tokens: number } | null = { prompt_tokens: 120, completion_tokens: 30 }): Reply {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({
      id: 'cmpl-1',
      object: 'chat.completion',
      model: 'test-model',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      ...(usage !== null && { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }),
    }))
  }
}

export function status (code: number, message: string, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify({ error: { message, type: 'test' } }))
  }
}

/** Never answers: the client must give up (timeout) or abort. */
export const hang: Reply = () => {}
