// A Server-Sent Events client for tests, as an SPA reads a stream: fetch with an
// Authorization header, the body read as it arrives and split into SSE messages.
export interface SseMessage {
  id: string | undefined
  event: string
  data: string
  /** data parsed as JSON. */
  json: Record<string, unknown>
}

export interface SseReader {
  status: number
  headers: Headers
  /** The next message, or undefined once the server has ended the stream. */
  next(timeoutMs?: number): Promise<SseMessage | undefined>
  /** Messages until the server ends the stream. */
  rest(timeoutMs?: number): Promise<SseMessage[]>
  /** Comment lines seen so far (heartbeats). */
  comments: string[]
  close(): void
}

export async function openSse (url: string, headers: Record<string, string>): Promise<SseReader> {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const comments: string[] = []
  const queue: SseMessage[] = []
  const state = { ended: false }
  let wake: (() => void) | undefined
  const pump = async (): Promise<void> => {
    if (response.body === null) return
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let id: string | undefined
          let event = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim())
            else if (line.startsWith('id: ')) id = line.slice(4)
            else if (line.startsWith('event: ')) event = line.slice(7)
            else if (line.startsWith('data: ')) data.push(line.slice(6))
          }
          if (data.length > 0) {
            const text = data.join('\n')
            queue.push({ id, event, data: text, json: JSON.parse(text) as Record<string, unknown> })
          }
          wake?.()
        }
      }
    } catch {
      // aborted by close()
    }
    state.ended = true
    wake?.()
  }
  void pump()
  const next = async (timeoutMs = 10_000): Promise<SseMessage | undefined> => {
    const deadline = Date.now() + timeoutMs
    while (queue.length === 0 && !state.ended) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no SSE message within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        wake = () => { clearTimeout(timer); resolve() }
      })
      wake = undefined
    }
    return queue.shift()
  }
  return {
    status: response.status,
    headers: response.headers,
    next,
    async rest (timeoutMs = 10_000) {
      const messages: SseMessage[] = []
      for (let m = await next(timeoutMs); m !== undefined; m = await next(timeoutMs)) messages.push(m)
      return messages
    },
    comments,
    close: () => controller.abort(),
  }
}
