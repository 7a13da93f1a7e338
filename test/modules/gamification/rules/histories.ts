// The random histories both ledger property tests draw from: the pure one over an
// in-memory ledger (property.test.ts) and the one on PostgreSQL (../ledger.property.test.ts).
import fc from 'fast-check'
import { text } from './fixtures.ts'

export const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kolkata', 'Pacific/Auckland', 'Europe/Berlin']
export const CONTENTS = [
  'fixed it',
  text(20),
  'Reviewed the onboarding flow with design and agreed on next steps',
  'Reviewed the onboarding flow with design and agreed on next step',
  text(199, 'paired on the billing migration '),
  text(240, 'investigated flaky integration tests '),
  text(400, 'wrote the quarterly infrastructure report '),
]
export const MAX_XP_PER_ENTRY = 10 + 3 * 5 + 5 * 3 + 10 + 15 + 10 + 5

export type Replay = 'none' | 'retry' | 'redeliver'

export interface EntryShape {
  contentIndex: number
  attachments: number
  tags: string[]
  outcome: string | null
  metrics: boolean
  sprint: boolean
  occurredOffset: number
}

export type Op =
  | { kind: 'create'; advanceSeconds: number; shape: EntryShape; replay: Replay }
  | { kind: 'edit'; target: number; shape: EntryShape; replay: Replay }
  | { kind: 'reevaluate'; target: number }
  | { kind: 'redeliverOld'; target: number }

export const shapeArb: fc.Arbitrary<EntryShape> = fc.record({
  contentIndex: fc.nat({ max: CONTENTS.length - 1 }),
  attachments: fc.nat({ max: 5 }),
  tags: fc.array(fc.constantFrom('api', 'API', 'infra', 'auth', 'docs', 'perf', 'ops'), { maxLength: 7 }),
  outcome: fc.constantFrom(null, '', 'Login works again', 'Cut build time by 40%'),
  metrics: fc.boolean(),
  sprint: fc.boolean(),
  occurredOffset: fc.integer({ min: -3, max: 1 }),
})
export const replayArb = fc.constantFrom<Replay>('none', 'retry', 'redeliver')
export const advanceArb = fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 60, max: 7_200 }), fc.integer({ min: 3_600, max: 200_000 }))

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('create' as const), advanceSeconds: advanceArb, shape: shapeArb, replay: replayArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), target: fc.nat(), shape: shapeArb, replay: replayArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reevaluate' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redeliverOld' as const), target: fc.nat() }) }
)
