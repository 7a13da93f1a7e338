// Sniffing needs the first bytes of an upload before deciding to store it, but the upload
// must still reach the store whole and as a stream. readHead takes the head off and hands
// back a stream that replays it followed by the untouched rest.
import { Readable } from 'node:stream'

export async function readHead (source: Readable, bytes: number): Promise<{ head: Buffer; body: Readable }> {
  const iterator: AsyncIterator<unknown> = source[Symbol.asyncIterator]()
  const chunks: Buffer[] = []
  let length = 0
  let ended = false
  try {
    while (length < bytes) {
      const next = await iterator.next()
      if (next.done === true) {
        ended = true
        break
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value))
      chunks.push(chunk)
      length += chunk.length
    }
  } catch (error) {
    source.destroy()
    throw error
  }
  const taken = Buffer.concat(chunks)
  const head = taken.subarray(0, bytes)

  async function * replay (): AsyncGenerator<Buffer> {
    if (taken.length > 0) yield taken
    if (ended) return
    for (;;) {
      const next = await iterator.next()
      if (next.done === true) return
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value))
    }
  }
  const body = Readable.from(replay(), { objectMode: false })
  // A consumer that stops early (too large, rejected type) must release the source too,
  // even if it never started reading, so a client upload is not left hanging.
  body.once('close', () => {
    if (!source.readableEnded) source.destroy()
  })
  return { head, body }
}
