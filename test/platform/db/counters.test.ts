// The fixed-window counters behind rate limits and sign-in lockouts, against PostgreSQL.
// Windows are decided by the `now` the caller passes (its clock), never by the database's.
import t from 'tap'
import { sql } from 'kysely'
import { clearCounter, hitCounter, pruneCounters } from '../../../src/platform/db/counters.ts'
import { connectDatabase } from '../../../src/platform/db/database.ts'
import { createTestDatabase } from '../../helpers/database.ts'

const at = (iso: string): Date => new Date(iso)

t.test('counters', async (t) => {
  const handle = connectDatabase(await createTestDatabase(t), { max: 2 })
  t.teardown(() => handle.close())
  const { db } = handle
  const buckets = async () => (await db.selectFrom('rate_limit_counter').select(['bucket', 'window_start', 'hits']).orderBy('bucket').orderBy('window_start').execute())
    .map((row) => [row.bucket, row.window_start.toISOString(), row.hits])

  await t.test('hits in one window add up; the window ends where Retry-After points', async (t) => {
    t.same(await hitCounter(db, 'a', 60, at('2026-03-01T10:00:00.000Z')), { hits: 1, resetAt: at('2026-03-01T10:01:00.000Z') })
    t.same(await hitCounter(db, 'a', 60, at('2026-03-01T10:00:30.000Z')), { hits: 2, resetAt: at('2026-03-01T10:01:00.000Z') })
    t.same(await hitCounter(db, 'a', 60, at('2026-03-01T10:00:59.999Z')), { hits: 3, resetAt: at('2026-03-01T10:01:00.000Z') }, 'the last millisecond is still in the window')
    t.same(await hitCounter(db, 'a', 60, at('2026-03-01T10:01:00.000Z')), { hits: 1, resetAt: at('2026-03-01T10:02:00.000Z') }, 'the next window starts from one')
    t.same(await hitCounter(db, 'b', 60, at('2026-03-01T10:00:10.000Z')), { hits: 1, resetAt: at('2026-03-01T10:01:00.000Z') }, 'buckets are apart')
    t.same(await buckets(), [
      ['a', '2026-03-01T10:00:00.000Z', 3],
      ['a', '2026-03-01T10:01:00.000Z', 1],
      ['b', '2026-03-01T10:00:00.000Z', 1],
    ])
  })

  await t.test('windows are aligned to 2000-01-01 whatever their width', async (t) => {
    // 7 s does not divide a minute: 2026-03-01T00:00:00Z is 825,638,400 s after the origin
    // of the bins, which is 6 s into a 7 s window (825,638,400 mod 7 = 6).
    const count = await hitCounter(db, 'odd', 7, at('2026-03-01T00:00:00.000Z'))
    t.same(count, { hits: 1, resetAt: at('2026-03-01T00:00:01.000Z') })
    t.same(await hitCounter(db, 'hour', 3600, at('2026-03-01T10:59:59.000Z')), { hits: 1, resetAt: at('2026-03-01T11:00:00.000Z') })
    t.same(await hitCounter(db, 'quarter', 900, at('2026-03-01T10:20:00.000Z')), { hits: 1, resetAt: at('2026-03-01T10:30:00.000Z') })
  })

  await t.test('parallel hits are each counted once', async (t) => {
    const now = at('2026-03-01T12:00:00.000Z')
    const counts = await Promise.all(Array.from({ length: 12 }, () => hitCounter(db, 'burst', 60, now)))
    t.same(counts.map((c) => c.hits).sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1))
  })

  await t.test('clearing a bucket forgets all its windows and nothing else', async (t) => {
    await clearCounter(db, 'a')
    const left = (await buckets()).map(([bucket]) => bucket)
    t.notOk(left.includes('a'))
    t.ok(left.includes('b'))
    t.same(await hitCounter(db, 'a', 60, at('2026-03-01T10:00:40.000Z')), { hits: 1, resetAt: at('2026-03-01T10:01:00.000Z') })
  })

  await t.test('pruning drops windows that began longer ago than the age given, by the database\'s time', async (t) => {
    await db.deleteFrom('rate_limit_counter').execute()
    const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(db)
    const dbNow = rows[0]!.now.getTime()
    await hitCounter(db, 'old', 1, new Date(dbNow - 86_400_000 - 60_000))
    await hitCounter(db, 'day', 1, new Date(dbNow - 86_400_000 + 60_000))
    await hitCounter(db, 'hour', 1, new Date(dbNow - 3_600_000 - 60_000))
    await hitCounter(db, 'fresh', 1, new Date(dbNow))
    await pruneCounters(db)
    t.same((await buckets()).map(([bucket]) => bucket), ['day', 'fresh', 'hour'], 'default: older than a day')
    await pruneCounters(db, 3600)
    t.same((await buckets()).map(([bucket]) => bucket), ['fresh'], 'or the age given')
  })
})
