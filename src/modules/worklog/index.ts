// The worklog module's HTTP surface as one plugin: the organisation (clients … sprints),
// work logs, their links/bullets/skill signals and attachments, presets, and bulk import/export.
// One folder per resource (hierarchy/, entries/, artifacts/, attachments/, presets/,
// transfer/, demo/). The row types stay at the module root, like every module's, because
// all folders read the same tables of one migration; so do actor.ts, constraint-errors.ts
// and pagination.ts, which several folders share.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../platform/db/database.ts'
import { artifactRoutes } from './artifacts/artifacts.routes.ts'
import { hierarchyRoutes } from './hierarchy/hierarchy.routes.ts'
import { presetRoutes } from './presets/preset.routes.ts'
import { transferRoutes } from './transfer/transfer.routes.ts'
import { worklogEntryRoutes } from './entries/worklog.routes.ts'
import { analyzeRoutes } from './entries/analyze.routes.ts'
import type { JobPlatform } from '../../platform/jobs/platform.ts'
import type { ObjectStore } from '../../platform/storage/index.ts'
import { attachmentRoutes } from './attachments/attachments.routes.ts'

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
