// The pg-boss instance: delivery engine underneath our job table. Tuned for latency:
// LISTEN/NOTIFY wakes a worker the moment an enqueue commits, so pickup takes
// milliseconds; polling stays on as the fallback should notifications be lost.
import { PgBoss } from 'pg-boss'

export const PGBOSS_SCHEMA = 'pgboss'

export interface BossOptions {
  /** Run pg-boss's maintenance (expiry, heartbeat failures, retention). Workers do; pure API processes need not. */
  supervise: boolean
  /** Run the cron clock that turns schedules into jobs. */
  schedule: boolean
  max?: number
  /** Seconds between supervision passes: how quickly a dead worker's job is noticed. */
  superviseIntervalSeconds?: number
  cronMonitorIntervalSeconds?: number
  applicationName?: string
}

export function createBoss (connectionString: string, options: BossOptions): PgBoss {
  return new PgBoss({
    connectionString,
    schema: PGBOSS_SCHEMA,
    application_name: options.applicationName ?? 'afterresume:pgboss',
    max: options.max ?? 10,
    // The schema is installed by `afterresume migrate`, under our migration lock.
    migrate: false,
    createSchema: false,
    useListenNotify: true,
    supervise: options.supervise,
    schedule: options.schedule,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 10,
    // The monitor pass is what fails jobs whose heartbeat stopped (a killed worker). Its
    // 60 s default would leave such a job stranded for a minute; match the supervisor.
    monitorIntervalSeconds: options.superviseIntervalSeconds ?? 10,
    ...(options.cronMonitorIntervalSeconds !== undefined && { cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds }),
  })
}

export type { PgBoss }
