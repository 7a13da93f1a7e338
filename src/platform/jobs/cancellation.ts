// Cancelling a running job must reach the process running it, which may be another
// machine. The cancel transaction NOTIFYs this channel on commit; every worker LISTENs
// and aborts the workflow's AbortSignal if the job is one of its own.
import pg from 'pg'
import type { Logger } from 'pino'

export const CANCEL_CHANNEL = 'afterresume_job_cancel'

export class CancelListener {
  readonly #connectionString: string
  readonly #onCancel: (jobId: string) => void
  readonly #logger: Logger
  #client: pg.Client | undefined
  #stopped = false
  #retryTimer: NodeJS.Timeout | undefined

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
    client.on('error', (error) => {
      this.#logger.warn({ err: error }, 'cancel listener connection lost; reconnecting')
      this.#client = undefined
      client.end().catch(() => {})
      this.#scheduleReconnect()
    })
    await client.connect()
    await client.query(`LISTEN ${CANCEL_CHANNEL}`)
    this.#client = client
  }

  #scheduleReconnect (): void {
    if (this.#stopped || this.#retryTimer !== undefined) return
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      this.start().catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'cancel listener reconnect failed')
        this.#scheduleReconnect()
      })
    }, 1000)
  }

  async stop (): Promise<void> {
    this.#stopped = true
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer)
    await this.#client?.end().catch(() => {})
    this.#client = undefined
  }
}
