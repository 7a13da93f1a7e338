// The work log's words (seed 004), shared by every layer: the table types, the API
// schemas and the agents are all built from these lists, and migrations/0003_worklog.sql
// repeats them as CHECK constraints. This folder imports nothing, so platform, modules,
// workflows and agents may all depend on it without a cycle or a wrong-way arrow.

export const WORK_TYPES = ['delivery', 'planning', 'incident', 'support', 'learning', 'other'] as const
export type WorkType = (typeof WORK_TYPES)[number]

export const WORKLOG_STATUSES = ['draft', 'ready', 'final', 'archived'] as const
export type WorklogStatus = (typeof WORKLOG_STATUSES)[number]

export const ENRICHMENT_STATUSES = ['pending', 'enriched', 'reviewed', 'rejected', 'error'] as const
export type EnrichmentStatus = (typeof ENRICHMENT_STATUSES)[number]

export const SIGNAL_STATUSES = ['suggested', 'accepted', 'rejected'] as const
export type SignalStatus = (typeof SIGNAL_STATUSES)[number]

/** How analysis found a skill: the text names it, or it was inferred from the work described (or implied by another skill). */
export const FOUND_BASES = ['named', 'inferred'] as const
export type FoundBasis = (typeof FOUND_BASES)[number]
/** How a skill signal came to be: 'stated' by a person, or found by analysis. */
export const SIGNAL_BASES = ['stated', ...FOUND_BASES] as const
export type SignalBasis = (typeof SIGNAL_BASES)[number]

export const BULLET_KINDS = ['note', 'status', 'resume'] as const
export type BulletKind = (typeof BULLET_KINDS)[number]

export const WORKLOG_SOURCES = ['manual', 'import', 'api'] as const
export type WorklogSource = (typeof WORKLOG_SOURCES)[number]

/** Where an entry sits in the organisation: its foreign keys, parents before children, sprint last. */
export const PLACEMENT_FIELDS = ['client_id', 'project_id', 'epic_id', 'feature_id', 'story_id', 'task_id', 'sprint_id'] as const
export type PlacementField = (typeof PLACEMENT_FIELDS)[number]

/** Where the Git and GitHub connectors read from (imported_item.source; migrations/0011_imports.sql). */
export const IMPORT_SOURCES = ['git', 'github'] as const
export type ImportSource = (typeof IMPORT_SOURCES)[number]

/**
 * An imported entry still in draft has not been vouched for by its person: it earns no XP
 * and keeps no streak alive until they confirm it (status draft → ready). Entries typed in
 * start as drafts too, but they are the person's own words and count at once.
 */
export function awaitsConfirmation (entry: { source: WorklogSource; status: WorklogStatus }): boolean {
  return entry.source === 'import' && entry.status === 'draft'
}
