/**
 * The compact row format the taxonomy's data files are written in, and the
 * function that turns rows into SkillEntry objects.
 */
import type { SkillKind } from '../../vocabulary/career.ts'
import type { InferenceRule, MatchMode, SkillEntry } from './taxonomy.types.ts'

export interface RowOptions {
  mode?: MatchMode;
  properAliases?: string[];
  nameAliases?: string[];
  implies?: string[];
  rules?: InferenceRule[];
}

export type Row = [canonical: string, aliases: string[], options?: RowOptions]

/** Entries of one kind; `shared.implies` is added to every row (every AWS service implies AWS). */
export function group (kind: SkillKind, rows: Row[], shared: { implies?: string[] } = {}): SkillEntry[] {
  return rows.map(([canonical, aliases, options]) => {
    const entry: SkillEntry = { canonical, kind, aliases }
    if (options?.mode) entry.mode = options.mode
    if (options?.properAliases) entry.properAliases = options.properAliases
    if (options?.nameAliases) entry.nameAliases = options.nameAliases
    const implies = [...(shared.implies ?? []), ...(options?.implies ?? [])].filter((name) => name !== canonical)
    if (implies.length > 0) entry.implies = implies
    if (options?.rules) entry.inferredFrom = options.rules
    return entry
  })
}
