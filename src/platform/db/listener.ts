// A dedicated LISTEN connection that survives the database blinking: when it drops (a
// restart, a failover, pg_terminate_backend) it is re-opened with backoff and LISTENs
// again. Notifications sent while it was away are lost, so `onConnected` tells the owner
// when it is back and lets it catch up from the tables before the connection counts as up.
import pg from 'pg'
import type { Logger } from 'pino'

/** Quick after a blip, no faster than every 10 s while the server stays away. */
const FIRST_RETRY_MS = 250
const MAX_RETRY_MS = 10_000

export interface ListenerOptions {
  connectionString: string
  /** Every channel this connection LISTENs on. */
  channels: readonly string[]
  applicationName: string
  /** What log lines call it ('cancel listener', 'event hub'). */
  name: string
  logger: Logger
  onNotification(payload: string, channel: string): void
  /** After LISTEN on every (re)connect; `reconnected` is false the first time. A throw counts as a failed connect. */
  onConnected?(reconnected: boolean): Promise<void>
}

export class Listener {
  readonly #options: ListenerOptions
  #client: pg.Client | undefined
  #stopped = false
  #connectedOnce = false
  #retryTimer: NodeJS.Timeout | undefined
  #retryDelayMs = FIRST_RETRY_MS

  constructor (options: ListenerOptions) {
    this.#options = options
  }

  /** The first connect; its failure is the caller's (startup reports it). */
  async start (): Promise<void> {
    const { connectionString, channels, applicationName, logger, name } = this.#options
    const client = new pg.Client({ connectionString, application_name: applicationName })
    client.on('notification', (message) => {
      if (channels.includes(message.channel) && message.payload !== undefined) this.#options.onNotification(message.payload, message.channel)
    })
    const lost = (error: Error | undefined): void => {
      // stop() ends the client on purpose; only a connection lost while running is news.
      if (this.#stopped || this.#client !== client) return
      this.#client = undefined
      logger.warn({ err: error }, `${name} connection lost; reconnecting`)
      client.end().catch(() => {})
      this.#scheduleReconnect()
    }
    // Listening from the start: an unhandled 'error' on a client ends the process.
    client.on('error', lost)
    client.on('end', () => lost(undefined))
    try {
      await client.connect()
      for (const channel of channels) await client.query(`LISTEN ${channel}`)
      await this.#options.onConnected?.(this.#connectedOnce)
    } catch (error) {
      await client.end().catch(() => {})
      throw error
    }
    if (this.#stopped) {
      await client.end().catch(() => {})
      return
    }
    this.#client = client
    this.#connectedOnce = true
    this.#retryDelayMs = FIRST_RETRY_MS
  }

  #scheduleReconnect (): void {
    if (this.#stopped || this.#retryTimer !== undefined) return
    const { logger, name } = this.#options
    const delay = this.#retryDelayMs
    this.#retryDelayMs = Math.min(MAX_RETRY_MS, delay * 2)
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      this.start().then(() => {
        if (!this.#stopped) logger.info(`${name} reconnected`)
      }, (error: unknown) => {
        logger.warn({ err: error, retry_in_ms: this.#retryDelayMs }, `${name} reconnect failed`)
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
