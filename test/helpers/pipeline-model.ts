// A model server for the analysis chain (worklog.analyze → skills.extract): it answers the
// work-log analysis with one PostgreSQL skill signal and the skill grouping with one group
// per name it is sent, each call reporting USAGE tokens. For tests that need the chain to
// run against a real OpenAI-compatible endpoint rather than to judge what the model says.
import { completion, startChatServer, status, type ChatServer, type Reply } from './chat-server.ts'

export const USAGE = { prompt_tokens: 100, completion_tokens: 20 }

export const WORKLOG = {
  title: 'Tuned queries',
  content: 'Rewrote the reporting queries in PostgreSQL.',
}

interface Teardown { teardown(fn: () => unknown): void }

export function startPipelineModel (t: Teardown): Promise<ChatServer> {
  return startChatServer(t, (req): Reply => {
    const user = req.body.messages[1]?.content ?? ''
    switch (req.body.response_format?.json_schema?.name) {
      case 'worklog_analysis':
        return completion(JSON.stringify({
          summary: 'Reporting queries rewritten.',
          suggestedWorkType: 'delivery',
          skillSignals: [{ name: 'PostgreSQL', kind: 'database', confidence: 0.9, basis: 'named', evidence: WORKLOG.content, evidenceSpans: ['PostgreSQL'] }],
          bullets: [],
          metrics: [],
        }), USAGE)
      case 'skill_grouping': {
        const names = [...user.matchAll(/^- (.+?)(?: \((\w+)\))?$/gm)]
        return completion(JSON.stringify({ groups: names.map(([, name, kind]) => ({ canonical: name, kind: kind ?? 'tool', members: [name] })) }), USAGE)
      }
      default:
        return status(400, `this model only analyses work logs and groups skills (got ${String(req.body.response_format?.json_schema?.name)})`)
    }
  })
}
