import t from 'tap'
import { WORKLOG_FIXTURES } from './fixtures/worklogs.ts'
import { scoreExtraction } from './skill-eval.ts'

t.test('local skill extraction reaches recall and precision of at least 0.8 on the labelled fixture', async (t) => {
  t.ok(WORKLOG_FIXTURES.length >= 25, 'fixture has at least 25 work logs')
  const score = scoreExtraction()
  t.comment(`recall ${(score.recall * 100).toFixed(1)}%, precision ${(score.precision * 100).toFixed(1)}% (tp ${score.truePositives}, fn ${score.falseNegatives}, fp ${score.falsePositives})`)
  t.ok(score.recall >= 0.8, `recall ${score.recall.toFixed(3)} >= 0.8`)
  t.ok(score.precision >= 0.8, `precision ${score.precision.toFixed(3)} >= 0.8`)
})

t.test('entries without technical content produce no technical skills', async (t) => {
  const offsite = scoreExtraction().perWorklog.find((w) => w.id === 'other-01')
  t.same(offsite?.found, [])
})
