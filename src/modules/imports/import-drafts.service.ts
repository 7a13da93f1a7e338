// Writing what an import found as a draft work log: the entry (source 'import', status
// 'draft'), its links, and — like a save through the API — its analysis, queued in the
// same transaction. No reward evaluation is queued: a draft earns nothing until its
// person confirms it (PATCH status → ready), and that save queues one.
import type { Trx } from '../../platform/db/database.ts'
import type { JsonObject } from '../../platform/db/json.ts'
import type { Actor } from '../worklog/actor.ts'
import { addExternalLink, type ExternalLinkInput } from '../worklog/artifacts/artifacts.service.ts'
import { insertWorklogs } from '../worklog/entries/worklog.repository.ts'
import { prepareWorklog } from '../worklog/entries/worklog.service.ts'

export interface ImportDraft {
  occurredOn: string
  title: string
  content: string
  sourceRef: string
  metadata: JsonObject
  links: readonly ExternalLinkInput[]
  projectId?: string
}

/**
 * What an import does once a draft is written, in its transaction: queue the analysis
 * (WORKLOG_AUTO_ANALYZE), as a child of the import job when one runs it.
 */
export interface DraftEffects {
  analyse?: (trx: Trx, worklogId: string) => Promise<void>
}

export async function writeDraft (trx: Trx, actor: Actor, draft: ImportDraft, effects: DraftEffects): Promise<string> {
  const row = await prepareWorklog(trx, actor, {
    occurred_on: draft.occurredOn,
    title: draft.title,
    content: draft.content,
    status: 'draft',
    source: 'import',
    source_ref: draft.sourceRef,
    metadata: draft.metadata,
    ...(draft.projectId !== undefined && { project_id: draft.projectId }),
  })
  const [id] = await insertWorklogs(trx, [row])
  for (const link of draft.links) await addExternalLink(trx, actor, id!, link)
  await effects.analyse?.(trx, id!)
  return id!
}
