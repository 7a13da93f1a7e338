// Demo data (seed 002 scripts/seed_demo_data): a new account and tenant holding a
// realistic quarter of one engineer's work, so a person can sign in and see every screen
// populated. Everything is written in one transaction on the platform pool: a failed seed
// leaves nothing behind, and RLS does not apply because the tenant does not exist yet
// from any request's point of view.
//
// Deterministic: the only varying input is `today`. Dates come from it by calendar
// arithmetic and every "random" choice (days off, effort jitter, entry times) from a
// PRNG seeded with that date, so two seeds on the same day write the same content.
import type { Db, Trx } from '../../../platform/db/database.ts'
import { toJson } from '../../../platform/db/json.ts'
import { ConflictError, ValidationError } from '../../../platform/errors.ts'
import { createAccount } from '../../identity/accounts.ts'
import { normalizeEmail } from '../../identity/auth.service.ts'
import { EMPTY_PLACEMENT, type Placement } from '../hierarchy/placement.ts'
import {
  DEMO_AGILE_PROJECT, DEMO_CLIENTS, DEMO_DISPLAY_NAME, DEMO_EPICS, DEMO_PROFILE, DEMO_PROJECTS,
  DEMO_SPRINT_GOALS, DEMO_WORKLOGS, type DemoPlacement,
} from './demo-data.text.ts'
import { isoDay } from '../../../vocabulary/calendar-day.ts'
import type { WorklogStatus } from '../../../vocabulary/worklog.ts'

export const DEMO_EMAIL = 'demo@afterresume.local'
// Printed by `afterresume seed-demo`; demo accounts are for local trials, never production.
export const DEMO_PASSWORD = 'quiet-harbour-lantern-73'
/** How far back the work logs reach, in days before `today`. */
export const DEMO_WINDOW_DAYS = 90

export interface DemoSeedOptions {
  email?: string
  password?: string
  /** The day the quarter ends at (exclusive); defaults to now. */
  today?: Date
}

export interface DemoCounts {
  clients: number
  projects: number
  epics: number
  features: number
  stories: number
  tasks: number
  sprints: number
  worklogs: number
  bullets: number
}

export interface DemoSeedResult {
  userId: string
  tenantId: string
  email: string
  password: string
  counts: DemoCounts
}

/** The ids a work log copies when it hangs from some level of the hierarchy (its sprint comes from its day). */
type Chain = Omit<Placement, 'sprint_id'>

const { sprint_id: _noSprint, ...NO_CHAIN } = EMPTY_PLACEMENT
const DAY_MS = 86_400_000

export async function seedDemoData (db: Db, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const email = normalizeEmail(options.email ?? DEMO_EMAIL)
  const password = options.password ?? DEMO_PASSWORD
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationError(`"${email}" is not an e-mail address.`, 'email')
  const today = dayNumber(isoDay(options.today ?? new Date()))
  const random = mulberry32(fnv1a(dayOf(today)))

  return db.transaction().execute(async (trx) => {
    // Checked up front so the message can say what to do; createAccount's own conflict
    // check still guards against a concurrent seed.
    const existing = await trx.selectFrom('app_user').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email)).executeTakeFirst()
    if (existing !== undefined) {
      throw new ConflictError(`An account with the e-mail ${email} already exists, so no demo data was written. Pass another address (seed-demo --email E) or remove that account first.`, 'email')
    }
    const account = await createAccount(trx, { email, password, displayName: DEMO_DISPLAY_NAME })
    const userId = account.user.id
    const tenantId = account.tenantId
    await trx.updateTable('tenant').set({ name: `Demo workspace (${DEMO_DISPLAY_NAME})` }).where('id', '=', tenantId).execute()
    await trx.updateTable('user_profile').set({
      headline: DEMO_PROFILE.headline,
      location: DEMO_PROFILE.location,
      time_zone: DEMO_PROFILE.timeZone,
      summary: DEMO_PROFILE.summary,
      links: toJson(DEMO_PROFILE.links),
    }).where('user_id', '=', userId).execute()

    const owner = { tenant_id: tenantId, user_id: userId }
    const hierarchy = await insertHierarchy(trx, owner, today)
    const sprints = await insertSprints(trx, owner, hierarchy.projects.get(DEMO_AGILE_PROJECT)!, today)
    const days = workdays(today, DEMO_WORKLOGS.length, random)

    let bullets = 0
    for (const [index, entry] of DEMO_WORKLOGS.entries()) {
      const day = days[index]!
      const chain = hierarchy.resolve(entry.at)
      const sprint = chain.project_id === hierarchy.projects.get(DEMO_AGILE_PROJECT)
        ? sprints.find((s) => s.start <= day && day <= s.end)
        : undefined
      // Minutes after 16:00 UTC: entries are written at the end of the working day.
      const createdAt = new Date(day * DAY_MS + (16 * 60 + Math.floor(random() * 150)) * 60_000)
      const worklog = await trx.insertInto('worklog').values({
        ...owner,
        ...chain,
        sprint_id: sprint?.id ?? null,
        occurred_on: dayOf(day),
        title: entry.title,
        work_type: entry.workType,
        status: statusOf(index),
        content: entry.content,
        outcome: entry.outcome,
        impact: entry.impact,
        next_steps: entry.nextSteps,
        effort_minutes: jitterMinutes(entry.minutes, random),
        is_billable: hierarchy.isBillable(chain.client_id),
        tags: toJson(entry.tags),
        source: 'manual',
        metadata: toJson({ demo: true }),
        created_at: createdAt,
        updated_at: createdAt,
      }).returning('id').executeTakeFirstOrThrow()
      if (entry.bullet !== undefined) {
        await trx.insertInto('worklog_bullet').values({
          tenant_id: tenantId,
          worklog_id: worklog.id,
          kind: 'resume',
          text: entry.bullet.text,
          is_selected: true,
          order: 0,
          metrics: toJson(entry.bullet.metrics),
          metadata: toJson({ demo: true }),
          created_at: createdAt,
        }).execute()
        bullets++
      }
    }

    return {
      userId,
      tenantId,
      email,
      password,
      counts: { ...hierarchy.counts, sprints: sprints.length, worklogs: DEMO_WORKLOGS.length, bullets },
    }
  })
}

async function insertHierarchy (trx: Trx, owner: { tenant_id: string; user_id: string }, today: number) {
  const clients = new Map<string, { id: string; billable: boolean }>()
  for (const client of DEMO_CLIENTS) {
    const row = await trx.insertInto('client').values({ ...owner, name: client.name, description: client.description, website: client.website, notes: client.notes })
      .returning('id').executeTakeFirstOrThrow()
    clients.set(client.name, { id: row.id, billable: client.billable })
  }
  const projects = new Map<string, string>()
  const projectClient = new Map<string, string>()
  for (const project of DEMO_PROJECTS) {
    const clientId = clients.get(project.client)?.id
    if (clientId === undefined) throw new Error(`demo project ${project.name} names an unknown client ${project.client}`)
    const row = await trx.insertInto('project').values({
      ...owner,
      client_id: clientId,
      name: project.name,
      description: project.description,
      role: project.role,
      started_on: dayOf(today - project.startedDaysAgo),
      ended_on: project.endedDaysAgo === null ? null : dayOf(today - project.endedDaysAgo),
      is_active: project.endedDaysAgo === null,
    }).returning('id').executeTakeFirstOrThrow()
    projects.set(project.name, row.id)
    projectClient.set(row.id, clientId)
  }

  const agileProject = projects.get(DEMO_AGILE_PROJECT)!
  const tasks = new Map<string, Chain>()
  const counts = { clients: clients.size, projects: projects.size, epics: 0, features: 0, stories: 0, tasks: 0 }
  for (const epic of DEMO_EPICS) {
    const epicRow = await trx.insertInto('epic').values({ ...owner, project_id: agileProject, name: epic.name, description: epic.description }).returning('id').executeTakeFirstOrThrow()
    counts.epics++
    for (const feature of epic.features) {
      const featureRow = await trx.insertInto('feature').values({ ...owner, epic_id: epicRow.id, name: feature.name, description: feature.description }).returning('id').executeTakeFirstOrThrow()
      counts.features++
      for (const story of feature.stories) {
        const storyRow = await trx.insertInto('story').values({ ...owner, feature_id: featureRow.id, name: story.name }).returning('id').executeTakeFirstOrThrow()
        counts.stories++
        for (const task of story.tasks) {
          const taskRow = await trx.insertInto('task').values({ ...owner, story_id: storyRow.id, name: task }).returning('id').executeTakeFirstOrThrow()
          counts.tasks++
          tasks.set(task, {
            client_id: projectClient.get(agileProject)!,
            project_id: agileProject,
            epic_id: epicRow.id,
            feature_id: featureRow.id,
            story_id: storyRow.id,
            task_id: taskRow.id,
          })
        }
      }
    }
  }

  // The text names its placements; a misspelt name is a bug in the demo text, so it fails loudly.
  const resolve = (at: DemoPlacement): Chain => {
    if (at === null) return NO_CHAIN
    if ('task' in at) {
      const chain = tasks.get(at.task)
      if (chain === undefined) throw new Error(`demo work log names an unknown task ${at.task}`)
      return chain
    }
    if ('project' in at) {
      const projectId = projects.get(at.project)
      if (projectId === undefined) throw new Error(`demo work log names an unknown project ${at.project}`)
      return { ...NO_CHAIN, client_id: projectClient.get(projectId)!, project_id: projectId }
    }
    const clientId = clients.get(at.client)?.id
    if (clientId === undefined) throw new Error(`demo work log names an unknown client ${at.client}`)
    return { ...NO_CHAIN, client_id: clientId }
  }
  const billable = new Set([...clients.values()].filter((c) => c.billable).map((c) => c.id))
  return { projects, counts, resolve, isBillable: (clientId: string | null) => clientId !== null && billable.has(clientId) }
}

/**
 * Six two-week sprints, Monday to Friday of the following week; the last one is the
 * sprint under way in the week of `today`, so the newest entries belong to a live sprint.
 */
async function insertSprints (trx: Trx, owner: { tenant_id: string; user_id: string }, projectId: string, today: number): Promise<Array<{ id: string; start: number; end: number }>> {
  const thisMonday = today - ((weekday(today) + 6) % 7)
  const firstStart = thisMonday - 7 - 14 * (DEMO_SPRINT_GOALS.length - 1)
  const sprints: Array<{ id: string; start: number; end: number }> = []
  for (const [index, goal] of DEMO_SPRINT_GOALS.entries()) {
    const start = firstStart + 14 * index
    const end = start + 11
    const row = await trx.insertInto('sprint').values({
      ...owner,
      project_id: projectId,
      name: `Sprint ${index + 1}`,
      description: `Route Planner sprint ${index + 1} of the quarter.`,
      goal,
      start_date: dayOf(start),
      end_date: dayOf(end),
    }).returning('id').executeTakeFirstOrThrow()
    sprints.push({ id: row.id, start, end })
  }
  return sprints
}

/**
 * `count` weekdays in the window before `today`, oldest first. The window holds about 64
 * weekdays; the ones left out are the person's days off, picked by the PRNG.
 */
function workdays (today: number, count: number, random: () => number): number[] {
  const weekdays: number[] = []
  for (let day = today - DEMO_WINDOW_DAYS; day < today; day++) {
    if (weekday(day) !== 0 && weekday(day) !== 6) weekdays.push(day)
  }
  if (weekdays.length < count) throw new Error(`the demo window has ${weekdays.length} weekdays, fewer than ${count} entries`)
  while (weekdays.length > count) weekdays.splice(Math.floor(random() * weekdays.length), 1)
  return weekdays
}

/** Mostly final: only the last few days' entries are still being worked on. */
function statusOf (index: number): WorklogStatus {
  const fromEnd = DEMO_WORKLOGS.length - 1 - index
  if (fromEnd === 0) return 'draft'
  if (fromEnd <= 2) return 'ready'
  return 'final'
}

/** Real logs are rarely round: vary the written effort by up to half an hour either way. */
function jitterMinutes (minutes: number, random: () => number): number {
  return Math.max(30, minutes + (Math.floor(random() * 5) - 2) * 15)
}

// Calendar days as whole numbers (days since 1970-01-01, UTC), so "90 days back" and
// "the Monday of this week" are plain arithmetic with no time-zone or DST surprises.
function dayNumber (iso: string): number {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number]
  return Date.UTC(year, month - 1, day) / DAY_MS
}

function dayOf (day: number): string {
  return isoDay(new Date(day * DAY_MS))
}

function weekday (day: number): number {
  return new Date(day * DAY_MS).getUTCDay()
}

/** Mulberry32: a tiny, well-distributed 32-bit PRNG; the demo needs repeatability, not secrecy. */
function mulberry32 (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function fnv1a (text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
