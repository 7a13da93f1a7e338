// Cancelling a running job must reach the process running it, which may be another
// machine. The cancel transaction NOTIFYs this channel on commit; every worker LISTENs
// and aborts the workflow's AbortSignal if the job is one of its own.
import pg from 'pg'
import type { Logger } from 'pino'

export const CANCEL_CHANNEL = 'afterresume_job_cancel'

/** Reconnect delays: quick after a blip, no faster than every 10 s while the server stays away. */
const FIRST_RETRY_MS = 250
const MAX_RETRY_MS = 10_000

export class CancelListener {
  readonly #connectionString: string
  readonly #onCancel: (jobId: string) => void
  readonly #logger: Logger
  #client: pg.Client | undefined
  #stopped = false
  #retryTimer: NodeJS.Timeout | undefined
  #retryDelayMs = FIRST_RETRY_MS

  constructor (connectionString: string, onCancel: (jobId: string) => void, logger: Logger) {
    this.#connectionString = connectionString
    this.#onCancel = onCancel
    this.#logger = logger
  }

  async start (): Promise<void> {
    const client = new pg.Client({ connectionString: this.#connectionString, application_name: 'afterresume:cancel-listener' })
    client.on('notification', (message) => {
      if (message.channel === CANCEL_CHANNEL && message.payload !== undefined) this.#onCancel(message.payload)
    })
    // A dropped connection is re-opened; the database row stays cancelled either way and
    // the runner checks it before recording any outcome, so a missed notification only
    // delays the abort until the workflow's next step, never loses the cancellation.
    const lost = (error: Error | undefined): void => {
      // stop() ends the client on purpose; only a connection lost while running is news.
      if (this.#stopped || this.#client !== client) return
      this.#client = undefined
      this.#logger.warn({ err: error }, 'cancel listener connection lost; reconnecting')
      client.end().catch(() => {})
      this.#scheduleReconnect()
    }
    client.on('error', lost)
    client.on('end', () => lost(undefined))
    try {
      await client.connect()
      await client.query(`LISTEN ${CANCEL_CHANNEL}`)
    } catch (error) {
      await client.end().catch(() => {})
      throw error
    }
    if (this.#stopped) {
      await client.end().catch(() => {})
      return
    }
    this.#client = client
    this.#retryDelayMs = FIRST_RETRY_MS
  }

  #scheduleReconnect (): void {
    if (this.#stopped || this.#retryTimer !== undefined) return
    const delay = this.#retryDelayMs
    this.#retryDelayMs = Math.min(MAX_RETRY_MS, delay * 2)
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      this.start().then(() => {
        if (!this.#stopped) this.#logger.info('cancel listener reconnected')
      }, (error: unknown) => {
        this.#logger.warn({ err: error, retry_in_ms: this.#retryDelayMs }, 'cancel listener reconnect failed')
        this.#scheduleReconnect()
      })
    }, delay)
    this.#retryTimer.unref()
  }

  async stop (): Promise<void> {
    this.#stopped = true
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer)
    await this.#client?.end().catch(() => {})
    this.#client = undefined
  }
}
