/**
 * Local grouping of raw skill names: names that normalise to the same
 * canonical taxonomy entry (or the same cleaned spelling) form one group.
 */
import type { SkillGrouping, SkillsMergeTaskInput } from '../skill.types.ts'
import type { SkillKind } from '../../vocabulary/career.ts'
import { normalizeSkillName, skillKindOf } from '../taxonomy/index.ts'

/** Kind for names the taxonomy does not know and nobody classified. */
const FALLBACK_KIND: SkillKind = 'tool'

export function groupSkillNamesLocally (input: SkillsMergeTaskInput): SkillGrouping {
  const groups = new Map<string, { canonical: string; kind: SkillKind; members: string[] }>()
  for (const { name, kind } of input.names) {
    const canonical = normalizeSkillName(name)
    if (!canonical) continue
    const key = canonical.toLowerCase()
    const group = groups.get(key) ?? { canonical, kind: skillKindOf(canonical) ?? kind ?? FALLBACK_KIND, members: [] }
    if (!group.members.includes(name)) group.members.push(name)
    groups.set(key, group)
  }
  return { groups: [...groups.values()].sort((a, b) => a.canonical.localeCompare(b.canonical)) }
}
