// Cancelling a running job must reach the process running it, which may be another
// machine. The cancel transaction NOTIFYs this channel on commit; every worker LISTENs
// and aborts the workflow's AbortSignal if the job is one of its own.
//
// A dropped connection is re-opened (db/listener.ts); the database row stays cancelled
// either way and the runner checks it before recording any outcome, so a missed
// notification only delays the abort until the workflow's next step, never loses the
// cancellation.
import type { Logger } from 'pino'
import { Listener } from '../db/listener.ts'

export const CANCEL_CHANNEL = 'afterresume_job_cancel'

export class CancelListener {
  readonly #listener: Listener

  constructor (connectionString: string, onCancel: (jobId: string) => void, logger: Logger) {
    this.#listener = new Listener({
      connectionString,
      channel: CANCEL_CHANNEL,
      applicationName: 'afterresume:cancel-listener',
      name: 'cancel listener',
      logger,
      onNotification: onCancel,
    })
  }

  start (): Promise<void> { return this.#listener.start() }
  stop (): Promise<void> { return this.#listener.stop() }
}
