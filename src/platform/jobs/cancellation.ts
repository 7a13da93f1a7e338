// Cancelling a running job must reach the process running it, which may be another
// machine. The cancel transaction NOTIFYs this channel on commit; every worker LISTENs
// and aborts the workflow's AbortSignal if the job is one of its own. The same
// connection hears job types being paused and resumed (pauses.ts), so a worker holds one
// listening connection for both.
//
// A dropped connection is re-opened (db/listener.ts); the database row stays cancelled
// either way and the runner checks it before recording any outcome, so a missed
// notification only delays the abort until the workflow's next step, never loses the
// cancellation. After a reconnect the worker re-reads the paused types.
import type { Logger } from 'pino'
import { Listener } from '../db/listener.ts'
import { PAUSE_CHANNEL } from './pauses.ts'

export const CANCEL_CHANNEL = 'afterresume_job_cancel'

export interface WorkerSignals {
  onCancel(jobId: string): void
  /** A job type was paused or resumed, or the connection is back and anything may have changed. */
  onPauseChange(): void
}

export class CancelListener {
  readonly #listener: Listener

  constructor (connectionString: string, signals: WorkerSignals, logger: Logger) {
    this.#listener = new Listener({
      connectionString,
      channels: [CANCEL_CHANNEL, PAUSE_CHANNEL],
      applicationName: 'afterresume:cancel-listener',
      name: 'cancel listener',
      logger,
      onNotification: (payload, channel) => {
        if (channel === CANCEL_CHANNEL) signals.onCancel(payload)
        else signals.onPauseChange()
      },
      onConnected: async (reconnected) => { if (reconnected) signals.onPauseChange() },
    })
  }

  start (): Promise<void> { return this.#listener.start() }
  stop (): Promise<void> { return this.#listener.stop() }
}
