// The worklog module's HTTP surface as one plugin: the organisation (clients … sprints),
// work logs, their links/bullets/skill signals and attachments, presets, and bulk import/export.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { artifactRoutes } from './artifacts.routes.ts'
import { hierarchyRoutes } from './hierarchy.routes.ts'
import { presetRoutes } from './preset.routes.ts'
import { transferRoutes } from './transfer.routes.ts'
import { worklogEntryRoutes } from './worklog.routes.ts'
import { analyzeRoutes } from './analyze.routes.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import type { ObjectStore } from '../../platform/storage/index.ts'
import { attachmentRoutes } from './attachments.routes.ts'

export interface WorklogRoutesOptions {
  tenantDb: Db
  jobs: JobPlatform
  /** WORKLOG_AUTO_ANALYZE: saving a work log queues its analysis. */
  autoAnalyze: boolean
  /** Where attachment bytes go. */
  storage: ObjectStore
  /** MAX_UPLOAD_BYTES. */
  maxUploadBytes: number
}

export const worklogRoutes: FastifyPluginAsyncTypebox<WorklogRoutesOptions> = async (app, options) => {
  await app.register(hierarchyRoutes, options)
  await app.register(worklogEntryRoutes, options)
  await app.register(analyzeRoutes, options)
  await app.register(artifactRoutes, options)
  await app.register(attachmentRoutes, options)
  await app.register(presetRoutes, options)
  await app.register(transferRoutes, options)
}
