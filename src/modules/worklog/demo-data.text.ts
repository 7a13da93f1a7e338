// The words of the demo tenant (seedDemoData in demo-data.ts): one backend engineer's
// quarter across an employer, a consulting customer and an open-source project. Kept
// apart from the code that writes it so the prose can be edited without touching logic.
// Entries are listed in the order they happened; the seeder spreads them over the
// quarter's weekdays in this order, so the story reads forwards in time.
import type { WorkType } from './worklog.table.ts'

export const DEMO_DISPLAY_NAME = 'Dana Reyes'

export const DEMO_PROFILE = {
  headline: 'Senior backend engineer: logistics platforms, PostgreSQL and performance',
  location: 'Lisbon, Portugal',
  timeZone: 'Europe/Lisbon',
  summary: 'Backend engineer with nine years of building and running data-heavy services. I lead the route-planning platform at Northwind Logistics, consult on web performance and maintain a small PostgreSQL tooling project in my spare time.',
  links: [
    { label: 'GitHub', url: 'https://github.com/dana-reyes-demo' },
    { label: 'LinkedIn', url: 'https://www.linkedin.com/in/dana-reyes-demo' },
    { label: 'Blog', url: 'https://dana-reyes.example.com' },
  ],
}

export interface DemoClient { name: string; description: string; website: string; notes: string; billable: boolean }

export const DEMO_CLIENTS: readonly DemoClient[] = [
  { name: 'Northwind Logistics', description: 'Employer: a regional delivery company running 600 vans.', website: 'https://northwind-logistics.example.com', notes: 'Full-time role; time is tracked but not billed.', billable: false },
  { name: 'Helix Health', description: 'Consulting customer: patient portal for a network of clinics.', website: 'https://helix-health.example.com', notes: 'Fixed day rate, invoiced monthly against the audit SOW.', billable: true },
  { name: 'Open source', description: 'Personal and community projects.', website: '', notes: '', billable: false },
]

/** Dates are days relative to the seed's `today`; ended projects feed the resume's history. */
export interface DemoProject { client: string; name: string; description: string; role: string; startedDaysAgo: number; endedDaysAgo: number | null }

export const DEMO_PROJECTS: readonly DemoProject[] = [
  { client: 'Northwind Logistics', name: 'Route Planner Platform', description: 'Dispatch, live tracking and route optimisation for the delivery fleet.', role: 'Tech lead, backend', startedDaysAgo: 420, endedDaysAgo: null },
  { client: 'Northwind Logistics', name: 'Warehouse Telemetry Pipeline', description: 'Scanner and conveyor events from three warehouses into the analytics warehouse.', role: 'Data engineer', startedDaysAgo: 260, endedDaysAgo: null },
  { client: 'Northwind Logistics', name: 'Legacy Billing Migration', description: 'Moving invoicing off a 2009 monolith onto the shared PostgreSQL platform.', role: 'Backend engineer', startedDaysAgo: 540, endedDaysAgo: 120 },
  { client: 'Helix Health', name: 'Patient Portal Performance Audit', description: 'Find and fix what makes the appointment and results pages slow.', role: 'Performance consultant', startedDaysAgo: 75, endedDaysAgo: null },
  { client: 'Open source', name: 'pg-queue-inspector', description: 'A CLI that explains what a PostgreSQL-backed job queue is waiting on.', role: 'Maintainer', startedDaysAgo: 300, endedDaysAgo: null },
]

/** The project the agile breakdown and the sprints belong to. */
export const DEMO_AGILE_PROJECT = 'Route Planner Platform'

export interface DemoEpic { name: string; description: string; features: Array<{ name: string; description: string; stories: Array<{ name: string; tasks: [string, string] }> }> }

export const DEMO_EPICS: readonly DemoEpic[] = [
  {
    name: 'Realtime dispatch',
    description: 'Dispatchers see where every van is and when it will arrive, without refreshing.',
    features: [
      {
        name: 'Live vehicle positions',
        description: 'GPS pings from the vans reach the dispatch map within seconds.',
        stories: [
          { name: 'Dispatcher sees vehicle positions within 5 seconds', tasks: ['Ingest GPS pings over MQTT', 'Push position updates over WebSocket'] },
          { name: 'Positions survive a broker restart', tasks: ['Persist last-known positions in Redis', 'Replay missed pings after reconnect'] },
        ],
      },
      {
        name: 'ETA recalculation',
        description: 'Arrival times follow traffic and delays instead of the morning plan.',
        stories: [
          { name: 'ETAs update when traffic changes', tasks: ['Integrate traffic API with a circuit breaker', 'Recompute ETAs incrementally'] },
          { name: 'Customers hear about late deliveries', tasks: ['Late-delivery notification job', 'Notification preferences UI'] },
        ],
      },
    ],
  },
  {
    name: 'Route optimisation v2',
    description: 'Better routes, computed fast enough to re-plan during the day.',
    features: [
      {
        name: 'Solver service',
        description: 'A separate, horizontally scaled service for the vehicle-routing solver.',
        stories: [
          { name: 'Planner optimises 500 stops in under 10 seconds', tasks: ['Benchmark OR-Tools against the current heuristic', 'Extract the solver into its own service'] },
          { name: 'Solver respects driver shift limits', tasks: ['Model shift and break constraints', 'Property-based tests for constraints'] },
        ],
      },
      {
        name: 'Plan review UI',
        description: 'Planners understand and adjust a proposed plan before publishing it.',
        stories: [
          { name: 'Planner compares two plans side by side', tasks: ['Plan diff API endpoint', 'Side-by-side map view'] },
          { name: 'Planner locks stops before re-optimising', tasks: ['Lock flag in the plan model', 'Lock toggle in the stop list'] },
        ],
      },
    ],
  },
]

export const DEMO_SPRINT_GOALS: readonly string[] = [
  'Live positions on the dispatch map from MQTT to browser.',
  'Positions survive broker restarts; no gaps after reconnect.',
  'ETAs follow live traffic without hammering the traffic API.',
  'Customers are told about late deliveries; solver benchmark decided.',
  'Solver runs as its own service and honours shift limits.',
  'Planners can compare plans and lock stops before re-optimising.',
]

/** Where an entry hangs: a task (which implies the whole chain), a project, a client, or nowhere. */
export type DemoPlacement = { task: string } | { project: string } | { client: string } | null

export interface DemoWorklog {
  title: string
  workType: WorkType
  at: DemoPlacement
  content: string
  outcome: string
  impact: string
  nextSteps: string
  tags: string[]
  minutes: number
  /** A resume bullet drawn from the entry, chosen for the resume. */
  bullet?: { text: string; metrics: Record<string, number | string> }
}

const RP = { project: 'Route Planner Platform' }
const WH = { project: 'Warehouse Telemetry Pipeline' }
const HX = { project: 'Patient Portal Performance Audit' }
const OSS = { project: 'pg-queue-inspector' }

export const DEMO_WORKLOGS: readonly DemoWorklog[] = [
  {
    title: 'Quarter planning for realtime dispatch', workType: 'planning', at: RP,
    content: 'Ran the quarter planning session with product and two dispatch leads. We walked through the pain points from the last support rotation: stale van positions, ETAs that ignore traffic and planners redoing routes by hand. Agreed two epics, realtime dispatch first, and split them into features with rough sizes.',
    outcome: 'Two epics and four features agreed; 6 two-week sprints sketched with a goal each.',
    impact: 'The team starts the quarter with one shared priority list instead of three competing ones.',
    nextSteps: 'Write the stories for the first two sprints and check capacity with the team.',
    tags: ['planning', 'roadmap', 'stakeholders'], minutes: 150,
  },
  {
    title: 'MQTT ingestion spike', workType: 'delivery', at: { task: 'Ingest GPS pings over MQTT' },
    content: 'Built a spike consumer that subscribes to the vans\' MQTT topics with shared subscriptions so several instances split the load. Decoded the binary ping format, validated coordinates and wrote them to a PostgreSQL table partitioned by day. Measured throughput with the replay of yesterday\'s traffic.',
    outcome: 'One consumer instance handles 4,000 pings/s at 35% CPU; yesterday\'s 11 M pings replayed in 48 minutes.',
    impact: 'Proved we can drop the vendor\'s polling API, which costs EUR 1,800 a month.',
    nextSteps: 'Harden error handling and add a dead-letter topic for malformed pings.',
    tags: ['backend', 'mqtt', 'postgresql', 'typescript'], minutes: 420,
  },
  {
    title: 'Dead-letter topic and metrics for the ingester', workType: 'delivery', at: { task: 'Ingest GPS pings over MQTT' },
    content: 'Added a dead-letter topic for pings that fail decoding, with the raw payload and the reason, and Prometheus counters for received, stored and rejected pings. Found that 0.3% of pings from older vans carry a zero timestamp; those are now stamped with the broker receive time instead of being dropped.',
    outcome: 'Rejected pings fell from 0.3% to 0.01%; ingestion lag visible on the dispatch dashboard.',
    impact: 'Older vans no longer vanish from the map for minutes at a time.',
    nextSteps: 'Ship behind a feature flag to one depot on Monday.',
    tags: ['backend', 'observability', 'prometheus', 'mqtt'], minutes: 360,
  },
  {
    title: 'CI pipeline for the ingester', workType: 'delivery', at: RP,
    content: 'Set up the CI pipeline for the new ingester service: type checks, unit tests, and integration tests against a throwaway PostgreSQL and Mosquitto broker started in the job. Cached dependencies between runs and split the slow replay test into a nightly job so pull requests stay quick.',
    outcome: 'Pull request checks run in 4 minutes instead of 11; nightly replay test catches throughput regressions.',
    impact: 'Reviewers get a green or red answer before they lose context.',
    nextSteps: 'Add a container image scan to the release job.',
    tags: ['devops', 'ci', 'github-actions', 'testing'], minutes: 210,
  },
  {
    title: 'WebSocket fan-out for positions', workType: 'delivery', at: { task: 'Push position updates over WebSocket' },
    content: 'Wrote the WebSocket endpoint that pushes position updates to the dispatch map. Each dispatcher subscribes to the depots they watch; updates are batched every 500 ms per connection so a busy depot does not flood the browser. Used PostgreSQL LISTEN/NOTIFY between the ingester and the API nodes to avoid adding a broker.',
    outcome: 'Median time from GPS ping to map update is 1.4 s, well under the 5 s goal.',
    impact: 'Dispatchers stopped pressing refresh; one lead called it "the first time the map feels alive".',
    nextSteps: 'Load-test with 200 concurrent dispatch sessions.',
    tags: ['backend', 'websocket', 'postgresql', 'realtime'], minutes: 480,
    bullet: { text: 'Cut GPS-to-map latency for 600 delivery vans from 60 s polling to 1.4 s median by building an MQTT ingester and WebSocket fan-out on PostgreSQL LISTEN/NOTIFY.', metrics: { latency_before_s: 60, latency_after_s: 1.4, vans: 600 } },
  },
  {
    title: 'Load test of the dispatch WebSocket', workType: 'delivery', at: { task: 'Push position updates over WebSocket' },
    content: 'Scripted 200 simulated dispatcher sessions with k6 against staging while replaying a morning peak of pings. Memory grew steadily: each connection kept its own copy of the depot snapshot. Switched to a shared snapshot per depot with copy-on-write updates and reran the test.',
    outcome: 'API node memory at 200 sessions went from 1.9 GB to 310 MB; p99 push delay 2.1 s.',
    impact: 'Two API nodes are enough for all depots, not the six the first estimate asked for.',
    nextSteps: 'Roll out to all depots after the sprint review.',
    tags: ['backend', 'performance', 'load-testing', 'k6'], minutes: 390,
  },
  {
    title: 'Nightly telemetry load failing on schema drift', workType: 'support', at: WH,
    content: 'The nightly load from the Porto warehouse failed because the scanner vendor added a field and renamed another without notice. Patched the mapping, backfilled the missing night from the raw bucket, and added a schema check that quarantines unknown fields instead of failing the whole batch.',
    outcome: 'Backfilled 2.3 M events; the load now survives additive schema changes.',
    impact: 'Morning stock reports for Porto were only two hours late instead of a full day.',
    nextSteps: 'Ask the vendor for a changelog feed; add an alert on quarantined fields.',
    tags: ['data', 'etl', 'support', 'schema'], minutes: 210,
  },
  {
    title: 'Sprint review and retro', workType: 'planning', at: RP,
    content: 'Demoed live positions to the dispatch leads from the Lisbon and Porto depots. Retro themes: staging data is too small to show real load, and reviews wait too long. We agreed to keep a nightly anonymised copy of production pings in staging and to pair on reviews for anything touching the ingester.',
    outcome: 'Sprint goal met; 2 retro actions with owners and dates.',
    impact: 'Realistic staging data should catch the next memory problem before production does.',
    nextSteps: 'Set up the anonymised ping copy; plan the next sprint around broker restarts.',
    tags: ['planning', 'agile', 'retrospective'], minutes: 120,
  },
  {
    title: 'Kickoff with Helix Health', workType: 'planning', at: HX,
    content: 'Kickoff call with Helix Health\'s engineering manager and two developers. Collected their complaints: the appointments page takes up to 8 seconds on mobile, and lab results sometimes time out. Agreed the audit scope, access to their APM and a read replica, and a weekly written update every Friday.',
    outcome: 'Signed-off scope: 3 user journeys, 10 consulting days, weekly reports.',
    impact: 'Clear success criteria up front: p95 under 1.5 s for the appointments page.',
    nextSteps: 'Get APM access and pull a week of traces for the three journeys.',
    tags: ['consulting', 'performance', 'planning'], minutes: 90,
  },
  {
    title: 'Anonymised production pings in staging', workType: 'delivery', at: RP,
    content: 'Followed up on the retro action: a nightly job copies the previous day\'s pings into staging, replaces van and driver identifiers with stable hashes, and jitters coordinates by up to 50 metres near customer addresses. Reviewed the approach with the data protection officer before enabling it.',
    outcome: 'Staging now replays a full day of 11 M real pings; DPO sign-off recorded.',
    impact: 'Load problems show up in staging with production-shaped traffic, without personal data.',
    nextSteps: 'Use the copy for the next load test.',
    tags: ['devops', 'privacy', 'data', 'testing'], minutes: 240,
  },
  {
    title: 'Persist last-known positions in Redis', workType: 'delivery', at: { task: 'Persist last-known positions in Redis' },
    content: 'Stored each van\'s last-known position in a Redis hash with a TTL, written by the ingester in a pipeline every 200 ms. On startup the API nodes read the hash so the map is complete immediately instead of waiting for the next ping from every van. Chose Redis over a PostgreSQL table after measuring the write amplification on the hot rows.',
    outcome: 'Map is complete 0.8 s after an API restart instead of up to 90 s.',
    impact: 'Deploys during the day no longer blank out the dispatch map.',
    nextSteps: 'Handle the broker side: pings sent while the ingester was down.',
    tags: ['backend', 'redis', 'realtime'], minutes: 330,
  },
  {
    title: 'Helix traces: appointments page', workType: 'delivery', at: HX,
    content: 'Went through a week of APM traces for the appointments page. 70% of the time is spent in one endpoint that loads every appointment of the clinic and filters in Ruby. The query has no index on (clinic_id, starts_at) and the ORM issues one extra query per appointment to load the practitioner.',
    outcome: 'Root causes found: a missing composite index and an N+1 of about 140 queries per request.',
    impact: 'Gives Helix a fix list ordered by expected gain rather than a long list of guesses.',
    nextSteps: 'Prototype the index and eager loading on the replica and measure.',
    tags: ['consulting', 'performance', 'postgresql', 'rails', 'apm'], minutes: 360,
  },
  {
    title: 'Replay missed pings after reconnect', workType: 'delivery', at: { task: 'Replay missed pings after reconnect' },
    content: 'Switched the ingester to a persistent MQTT session with QoS 1 so the broker keeps pings while we are disconnected, and made inserts idempotent on (van_id, sent_at) so redelivered pings do not duplicate. Tested by killing the broker and the ingester in turn during a replay of the morning peak.',
    outcome: 'Zero lost pings across 20 forced restarts; duplicates absorbed by the unique key.',
    impact: 'Route history is now complete enough for the mileage reports finance asked for.',
    nextSteps: 'Document the failure modes in the runbook.',
    tags: ['backend', 'mqtt', 'reliability', 'postgresql'], minutes: 400,
  },
  {
    title: 'Helix fix: index and eager loading', workType: 'delivery', at: HX,
    content: 'Built the composite index concurrently on their replica, rewrote the appointments query to filter in SQL and eager-load practitioners, and measured against the same traces. Wrote up the change as a pull request for their team with the EXPLAIN plans before and after so they can review it without me.',
    outcome: 'Appointments endpoint p95 latency from 800 ms to 120 ms; queries per request from 141 to 3.',
    impact: 'The slowest page of the portal becomes one of the fastest; mobile users stop abandoning bookings.',
    nextSteps: 'Move on to the lab results timeouts.',
    tags: ['consulting', 'performance', 'postgresql', 'rails'], minutes: 420,
    bullet: { text: 'Reduced a patient portal\'s appointments endpoint p95 latency from 800 ms to 120 ms by adding a composite index and removing a 140-query N+1.', metrics: { p95_before_ms: 800, p95_after_ms: 120, queries_before: 141, queries_after: 3 } },
  },
  {
    title: 'Runbook for the position pipeline', workType: 'delivery', at: { task: 'Replay missed pings after reconnect' },
    content: 'Wrote the runbook for the ingester, Redis and the WebSocket nodes: what each alert means, how to tell a broker outage from an ingester bug, and how to drain a node. Walked the on-call rotation through it and recorded the session for the people who missed it.',
    outcome: 'Runbook with 7 alerts and their first three steps; 5 engineers walked through it.',
    impact: 'On-call no longer needs me to debug the pipeline at night.',
    nextSteps: 'Review after the first real incident.',
    tags: ['devops', 'documentation', 'on-call'], minutes: 180,
  },
  {
    title: 'Learning: PostgreSQL 17 incremental backups', workType: 'learning', at: null,
    content: 'Read the release notes and tried incremental base backups with pg_basebackup --incremental and pg_combinebackup on a copy of the telemetry database. Compared size and time with our nightly full backups, and noted what has to change in the restore runbook.',
    outcome: 'Incremental backup of the 400 GB telemetry database takes 6 minutes instead of 41 and is 9% of the size.',
    impact: 'A case for moving the nightly backup to hourly incrementals, which would shrink our data-loss window.',
    nextSteps: 'Propose the change to the platform team with the measurements.',
    tags: ['learning', 'postgresql', 'backups'], minutes: 120,
  },
  {
    title: 'Incident: dispatch map frozen at the Porto depot', workType: 'incident', at: RP,
    content: 'Paged at 07:10: the Porto dispatch map stopped updating. The WebSocket node serving Porto had exhausted its PostgreSQL connections because a LISTEN connection leaked on each reconnect. Restarted the node to restore service, then fixed the leak and added a gauge and alert on connections per node.',
    outcome: 'Service restored in 14 minutes; root cause fixed the same day; no recurrence since.',
    impact: 'Twenty dispatchers lost live positions for 14 minutes during the morning peak; post-mortem shared.',
    nextSteps: 'Add connection-leak detection to the integration tests.',
    tags: ['incident', 'postgresql', 'websocket', 'on-call'], minutes: 240,
  },
  {
    title: 'Traffic API client with a circuit breaker', workType: 'delivery', at: { task: 'Integrate traffic API with a circuit breaker' },
    content: 'Wrote the client for the traffic provider with a timeout, retries with jitter and a circuit breaker that falls back to historical speeds when the provider is slow. Cached segment speeds for two minutes per road segment because most vans share the same arterial roads.',
    outcome: 'Provider calls cut by 86% thanks to the segment cache; fallback kicks in within 2 s of an outage.',
    impact: 'Keeps us inside the provider\'s cheaper tier at full fleet size.',
    nextSteps: 'Feed the live speeds into the ETA computation.',
    tags: ['backend', 'resilience', 'caching', 'api-integration'], minutes: 390,
  },
  {
    title: 'Duplicate scans from the Porto warehouse', workType: 'support', at: WH,
    content: 'Stock counts for Porto were inflated because handheld scanners resend a scan when the Wi-Fi drops, and the pipeline counted both. Added deduplication on scanner id, barcode and a two-second window in the staging model, and rebuilt the affected month of aggregates.',
    outcome: 'Duplicate scans removed: 0.8% of Porto events; stock variance back under 0.1%.',
    impact: 'Inventory stopped reporting phantom stock that triggered wrong reorders.',
    nextSteps: 'Check Lisbon and Braga for the same pattern.',
    tags: ['data', 'sql', 'data-quality', 'support'], minutes: 240,
  },
  {
    title: 'Lab results timeouts at Helix', workType: 'delivery', at: HX,
    content: 'The lab results endpoint times out when a patient has years of history: it renders every result server-side before returning anything. Proposed keyset pagination and a summary endpoint for the first screen, and prototyped both. Also found a 2 MB PDF being base64-encoded into the JSON response.',
    outcome: 'First screen of results in 310 ms instead of timing out at 30 s; response size from 2.4 MB to 18 KB.',
    impact: 'The worst 5% of patients can see their results at all.',
    nextSteps: 'Write the recommendations report section for results.',
    tags: ['consulting', 'performance', 'api-design', 'pagination'], minutes: 420,
  },
  {
    title: 'Incremental ETA recomputation', workType: 'delivery', at: { task: 'Recompute ETAs incrementally' },
    content: 'ETAs were recomputed for the whole route on every ping. Changed it to recompute only the remaining stops of the affected van, and only when its position or the speed of a segment ahead changed by more than a threshold. Added a comparison job that checks incremental results against full recomputation on a sample.',
    outcome: 'ETA computation CPU down 78%; mean absolute ETA error on delivered stops from 11 to 6 minutes.',
    impact: 'Customers get arrival windows that are twice as accurate.',
    nextSteps: 'Notify customers when an ETA slips past their window.',
    tags: ['backend', 'algorithms', 'performance'], minutes: 450,
    bullet: { text: 'Halved ETA error for same-day deliveries (11 to 6 minutes) while cutting compute by 78% by recomputing ETAs incrementally on live traffic data.', metrics: { eta_error_before_min: 11, eta_error_after_min: 6, cpu_reduction_pct: 78 } },
  },
  {
    title: 'Warehouse events into the lakehouse', workType: 'delivery', at: WH,
    content: 'Moved the conveyor event load from nightly CSV dumps to micro-batches every 5 minutes, written as Parquet partitioned by warehouse and hour. Added dbt tests for uniqueness and freshness and a dashboard tile showing the lag per warehouse.',
    outcome: 'Data freshness from 24 hours to under 10 minutes; 12 dbt tests guard the models.',
    impact: 'Operations can react to a jammed conveyor the same shift instead of the next day.',
    nextSteps: 'Retire the CSV export once finance confirms their reports match.',
    tags: ['data', 'parquet', 'dbt', 'streaming'], minutes: 450,
  },
  {
    title: 'Open source: release 0.6 of pg-queue-inspector', workType: 'delivery', at: OSS,
    content: 'Finished the lock-graph view that shows which job holds the lock another job waits for, fixed two issues reported by users on PostgreSQL 13, and cut release 0.6 with a changelog. Reviewed a contributor\'s pull request adding JSON output and merged it after a round of tests.',
    outcome: 'Release 0.6 published; 2 bugs closed; first external contributor merged.',
    impact: 'The tool now answers "why is my queue stuck" in one command.',
    nextSteps: 'Write a short post showing the lock graph on a real incident.',
    tags: ['open-source', 'postgresql', 'cli', 'release'], minutes: 240,
  },
  {
    title: 'Sprint review: ETAs on live traffic', workType: 'planning', at: RP,
    content: 'Reviewed the ETA work with the customer service lead, who brought three complaints from last month; all three would have been caught by the new ETAs. Planned the next sprint: late-delivery notifications and the solver benchmark, and pushed the map clustering work to next quarter.',
    outcome: 'Sprint goal met; next sprint planned at 34 points against a 36-point average.',
    impact: 'Customer service has a concrete date for proactive late notices.',
    nextSteps: 'Draft the notification templates with customer service.',
    tags: ['planning', 'agile', 'stakeholders'], minutes: 120,
  },
  {
    title: 'Late-delivery notification job', workType: 'delivery', at: { task: 'Late-delivery notification job' },
    content: 'Built the job that watches ETAs and sends an SMS or e-mail when a delivery will miss its window by more than 15 minutes. Deduplicated per stop so a customer gets at most two messages, and added quiet hours. The job runs on the existing PostgreSQL job queue with an idempotency key per stop and window.',
    outcome: '1,900 notifications sent in the first week; duplicate messages: 0.',
    impact: '"Where is my parcel" calls fell 23% in the first week.',
    nextSteps: 'Let customers choose their channel.',
    tags: ['backend', 'notifications', 'jobs', 'postgresql'], minutes: 420,
    bullet: { text: 'Launched proactive late-delivery notifications that cut "where is my parcel" calls by 23% in the first week, with exactly-once sending on a PostgreSQL job queue.', metrics: { call_reduction_pct: 23, notifications_first_week: 1900 } },
  },
  {
    title: 'Support: finance mileage report totals', workType: 'support', at: RP,
    content: 'Finance found that the monthly mileage report disagreed with the fuel cards by 4%. Traced it to GPS jitter while vans were parked, which added phantom distance. Added a speed and distance filter for stationary vans and reran the last three months for them.',
    outcome: 'Mileage now within 0.6% of the fuel-card totals for the last 3 months.',
    impact: 'Finance can use the report for the tax mileage claim.',
    nextSteps: 'Add the filter to the route history export too.',
    tags: ['support', 'data', 'gps'], minutes: 180,
  },
  {
    title: 'Notification preferences screen', workType: 'delivery', at: { task: 'Notification preferences UI' },
    content: 'Built the customer-facing preferences screen in React: channel (SMS, e-mail, none), quiet hours and language. Wrote it accessible from the start: labelled controls, keyboard-only flow tested, and contrast checked. The API stores preferences per customer and the notification job reads them.',
    outcome: 'Screen shipped with a Lighthouse accessibility score of 100; 14% of customers set a preference in week one.',
    impact: 'Fewer opt-outs from SMS since customers can pick e-mail instead.',
    nextSteps: 'Translate the templates into Spanish.',
    tags: ['frontend', 'react', 'accessibility', 'typescript'], minutes: 390,
  },
  {
    title: 'Spanish notification templates', workType: 'delivery', at: { task: 'Notification preferences UI' },
    content: 'Added Spanish to the notification templates and the preferences screen, with the translations reviewed by two colleagues from the Vigo team. Moved all customer-facing strings to message catalogues with ICU plurals so a third language is a file, not a code change.',
    outcome: 'Spanish live for SMS, e-mail and the preferences screen; 146 strings moved to catalogues.',
    impact: 'Customers near the Spanish border get messages they can read.',
    nextSteps: 'Ask customer service which language to add next.',
    tags: ['frontend', 'i18n', 'react'], minutes: 210,
  },
  {
    title: 'Helix: interim report', workType: 'delivery', at: HX,
    content: 'Wrote the interim report for Helix: the three journeys, what was measured, what was changed and the effect, each with a trace screenshot. Added a ranked list of remaining work with effort estimates so their team can plan it without me.',
    outcome: 'Report delivered on time; 9 recommendations ranked by gain per day of effort.',
    impact: 'Their manager used it to get two sprints approved for performance work.',
    nextSteps: 'Present the report to their engineering team on Tuesday.',
    tags: ['consulting', 'writing', 'performance'], minutes: 300,
  },
  {
    title: 'Benchmark OR-Tools against the heuristic', workType: 'delivery', at: { task: 'Benchmark OR-Tools against the current heuristic' },
    content: 'Ran OR-Tools\' vehicle routing solver against our greedy insertion heuristic on 30 real days of stops from three depots. Measured total distance, late stops and solve time at 100, 300 and 500 stops, with a 10-second time limit for the solver.',
    outcome: 'OR-Tools plans are 9.5% shorter on average with 40% fewer late stops; 500 stops solve in 8.7 s.',
    impact: 'At fleet scale, 9.5% less distance is about EUR 310,000 of fuel and driver time a year.',
    nextSteps: 'Write the decision record and plan the solver service.',
    tags: ['backend', 'optimization', 'or-tools', 'python', 'benchmarking'], minutes: 480,
    bullet: { text: 'Led the move to an OR-Tools routing solver after benchmarking 30 days of real routes: 9.5% shorter routes and 40% fewer late stops, worth about EUR 310k a year.', metrics: { distance_reduction_pct: 9.5, late_stop_reduction_pct: 40, annual_saving_eur: 310000 } },
  },
  {
    title: 'Decision record: solver as a service', workType: 'planning', at: RP,
    content: 'Wrote the architecture decision record for running the solver as a separate Python service behind a job queue instead of inside the TypeScript API: different scaling needs, long CPU-bound runs and the OR-Tools ecosystem. Reviewed it with the platform team, who asked for a hard time limit and back-pressure.',
    outcome: 'ADR accepted with two amendments: 15 s hard limit and a queue-depth alert.',
    impact: 'A clear contract between the planner API and the solver before anyone writes code.',
    nextSteps: 'Start extracting the solver next sprint.',
    tags: ['architecture', 'planning', 'adr'], minutes: 180,
  },
  {
    title: 'Mentoring: code review session', workType: 'other', at: { client: 'Northwind Logistics' },
    content: 'Paired with one of our two junior engineers on reviewing her first pull request to the ingester. We talked about reading a diff for failure modes rather than style, and wrote a short checklist for reviews of anything that touches the database: locks, indexes, and migrations that run on large tables.',
    outcome: 'Review checklist of 8 questions added to the repository; the pull request merged after one round.',
    impact: 'Reviews of database changes no longer all wait for me.',
    nextSteps: 'Repeat with the other junior engineer next week.',
    tags: ['mentoring', 'code-review', 'leadership'], minutes: 90,
  },
  {
    title: 'On-call week handover', workType: 'support', at: { client: 'Northwind Logistics' },
    content: 'Finished my on-call week and wrote the handover: 6 pages, 2 of them real (a full disk on the metrics host and a stuck deploy), the rest noise from a flapping disk alert. Tuned that alert to fire on the rate of growth instead of a fixed threshold and closed two stale alerts nobody acts on.',
    outcome: 'Pages per on-call week projected to drop from 6 to 2 after removing 3 noisy alerts.',
    impact: 'Less alert fatigue for the next person on the rotation.',
    nextSteps: 'Review alert noise again in a month.',
    tags: ['devops', 'on-call', 'alerting'], minutes: 120,
  },
  {
    title: 'Incident: traffic provider outage', workType: 'incident', at: RP,
    content: 'The traffic provider returned 503s for 40 minutes. The circuit breaker opened as designed and ETAs fell back to historical speeds, but the fallback logged one warning per request and filled the log volume. Rate-limited the warning and added a single metric for the breaker state instead.',
    outcome: 'No customer-visible impact during the 40-minute outage; log volume during fallback down 99%.',
    impact: 'Validated the breaker in production; the post-mortem found one fix rather than an outage.',
    nextSteps: 'Alert when the breaker stays open for more than 10 minutes.',
    tags: ['incident', 'resilience', 'observability'], minutes: 150,
  },
  {
    title: 'Extract the solver into its own service', workType: 'delivery', at: { task: 'Extract the solver into its own service' },
    content: 'Built the solver service in Python: it takes a planning job from the queue, solves with OR-Tools under a hard time limit and writes the plan back with a version number. The API enqueues and polls; if the solver misses the limit the last good plan stays. Packaged it as a container with resource limits and a readiness probe.',
    outcome: 'Solver service in staging; 3 replicas handle the 7:00 planning peak of 45 depots in 4 minutes.',
    impact: 'Planning no longer slows down the dispatch API during the morning rush.',
    nextSteps: 'Add shift and break constraints before production.',
    tags: ['backend', 'python', 'or-tools', 'kubernetes', 'architecture'], minutes: 480,
  },
  {
    title: 'Helix: presentation to their engineers', workType: 'support', at: HX,
    content: 'Presented the interim findings to eight of Helix\'s engineers and answered questions for an hour, mostly about reading EXPLAIN output and spotting N+1 queries in their APM. Left them with a short guide and two exercises on their own slow queries.',
    outcome: 'Presentation and Q&A for 8 engineers; guide shared in their wiki.',
    impact: 'Their team fixed two more N+1 queries themselves the following week.',
    nextSteps: 'Review their fixes in the final week.',
    tags: ['consulting', 'teaching', 'postgresql'], minutes: 180,
  },
  {
    title: 'Kubernetes autoscaling for the solver', workType: 'delivery', at: { task: 'Extract the solver into its own service' },
    content: 'Set up horizontal autoscaling for the solver on queue depth through KEDA instead of CPU, because a solver pod is at 100% CPU whether one or ten jobs are waiting. Scale to zero outside planning hours. Wrote a Terraform module for the queue-depth scaler so other teams can reuse it.',
    outcome: 'Solver runs 0 pods at night and up to 8 at peak; compute cost of the solver down 64% against fixed replicas.',
    impact: 'The solver costs less than the old in-process heuristic did on oversized API nodes.',
    nextSteps: 'Share the Terraform module in the platform guild.',
    tags: ['devops', 'kubernetes', 'keda', 'terraform', 'cost'], minutes: 360,
  },
  {
    title: 'Model shift and break constraints', workType: 'delivery', at: { task: 'Model shift and break constraints' },
    content: 'Added driver shift windows and mandatory breaks to the solver model as time-window constraints with a break node per driver. Checked the legal limits with HR: 9 hours of driving and a 45-minute break after 4.5 hours. Compared plans with and without the constraints on the benchmark set.',
    outcome: 'All plans respect shift and break rules; distance cost of the constraints only 1.2%.',
    impact: 'Plans are legal by construction instead of fixed by hand by planners.',
    nextSteps: 'Property-based tests to make sure no plan ever breaks a rule.',
    tags: ['backend', 'optimization', 'or-tools', 'compliance'], minutes: 420,
  },
  {
    title: 'Property-based tests for the constraints', workType: 'delivery', at: { task: 'Property-based tests for constraints' },
    content: 'Wrote property-based tests with Hypothesis that generate random depots, stops and shifts and assert that every plan respects time windows, breaks and vehicle capacity. The tests found a case where a break was scheduled at a customer\'s door; fixed the model so breaks only happen between stops.',
    outcome: '5 properties, 2,000 generated cases per CI run; 1 real bug found before production.',
    impact: 'Confidence to change the solver model without a manual regression run.',
    nextSteps: 'Roll the solver out to the Lisbon depot.',
    tags: ['testing', 'python', 'hypothesis', 'quality'], minutes: 360,
  },
  {
    title: 'Learning: OpenTelemetry tracing across the queue', workType: 'learning', at: null,
    content: 'Read the OpenTelemetry spec for messaging spans and tried propagating trace context through our job queue payloads, so a trace starts at the planner\'s click and continues into the solver. Built a small prototype with the Node and Python SDKs sending to a local Jaeger.',
    outcome: 'Prototype shows one trace from HTTP request to solver result across 2 languages.',
    impact: 'Would let on-call see where a slow plan spends its time without guessing.',
    nextSteps: 'Propose trace propagation as a standard for queue payloads.',
    tags: ['learning', 'opentelemetry', 'observability', 'tracing'], minutes: 150,
  },
  {
    title: 'Solver rollout to Lisbon depot', workType: 'delivery', at: RP,
    content: 'Rolled the new solver out to the Lisbon depot with the old heuristic running in shadow mode for comparison. Watched the first three days with the planners: they overrode 4 stops on day one, mostly for customers with unusual access rules, which we recorded as constraints to add.',
    outcome: 'Lisbon routes 8.1% shorter in week one; planners overrode 4 of 1,450 stops.',
    impact: 'Lisbon drivers finished their routes 25 minutes earlier on average.',
    nextSteps: 'Add access rules as constraints; roll out to Porto.',
    tags: ['delivery', 'rollout', 'optimization'], minutes: 300,
  },
  {
    title: 'PostgreSQL 16 upgrade of the route planner database', workType: 'delivery', at: RP,
    content: 'Upgraded the route planner database from PostgreSQL 14 to 16 with logical replication to a new cluster, so the switchover took seconds rather than a maintenance window. Rehearsed twice in staging, compared query plans of the top 50 statements before and after, and kept the old cluster for a week as a fallback.',
    outcome: 'Switchover with 9 s of write downtime; top queries 12% faster on average.',
    impact: 'No maintenance window needed, so depots saw no interruption.',
    nextSteps: 'Decommission the old cluster after the fallback week.',
    tags: ['devops', 'postgresql', 'upgrade', 'replication'], minutes: 420,
    bullet: { text: 'Upgraded a 1.2 TB PostgreSQL database from version 14 to 16 with 9 seconds of write downtime using logical replication, making the top queries 12% faster.', metrics: { downtime_s: 9, query_speedup_pct: 12, size_tb: 1.2 } },
  },
  {
    title: 'Telemetry pipeline cost review', workType: 'delivery', at: WH,
    content: 'Reviewed the telemetry pipeline\'s cloud bill with the data team. Most of the cost came from small Parquet files making the query engine scan too many objects. Added a compaction job that merges hourly files into daily ones after 48 hours and set lifecycle rules to move raw events to cold storage after 30 days.',
    outcome: 'Monthly pipeline cost from EUR 4,200 to EUR 1,650; typical query scan time down 70%.',
    impact: 'Savings cover the cost of the new solver service twice over.',
    nextSteps: 'Document the compaction job and alert on its failures.',
    tags: ['data', 'cost', 'parquet', 'cloud'], minutes: 330,
    bullet: { text: 'Cut a warehouse telemetry pipeline\'s cloud cost by 61% (EUR 4,200 to EUR 1,650 a month) with Parquet compaction and storage lifecycle rules.', metrics: { cost_before_eur: 4200, cost_after_eur: 1650, reduction_pct: 61 } },
  },
  {
    title: 'Sprint review: solver in Lisbon', workType: 'planning', at: RP,
    content: 'Showed the solver results from Lisbon to the operations director. Planned the final sprint of the quarter around the plan review UI: planners want to see what changed between two plans and to lock stops they have negotiated with customers. Cut the map heat-layer idea to keep the sprint honest.',
    outcome: 'Last sprint of the quarter planned at 30 points; 1 feature deferred with the director\'s agreement.',
    impact: 'The quarter ends with the planners\' top request shipped instead of half of three.',
    nextSteps: 'Design the plan diff format with the frontend engineer.',
    tags: ['planning', 'agile', 'prioritisation'], minutes: 120,
  },
  {
    title: 'Plan diff API endpoint', workType: 'delivery', at: { task: 'Plan diff API endpoint' },
    content: 'Designed and built an endpoint that compares two plan versions: stops moved between vans, order changes within a route, and the distance and time deltas per van. Diffing is done in SQL with window functions over the plan stops, and the response is shaped for the map view so the browser does no heavy lifting.',
    outcome: 'Diff of two 500-stop plans returned in 90 ms; 100% of moved stops found on the test set.',
    impact: 'Planners can justify a re-plan to drivers with specifics, not "the computer said so".',
    nextSteps: 'Build the side-by-side map view on top of it.',
    tags: ['backend', 'api-design', 'postgresql', 'sql'], minutes: 390,
  },
  {
    title: 'Support: driver app showing old routes', workType: 'support', at: RP,
    content: 'Drivers at two depots saw yesterday\'s route after the morning re-plan. The mobile app cached the route by date only, not by plan version, so a re-plan published before 7:00 was ignored. Added the plan version to the cache key on the API side and asked the mobile team to ship the matching client change.',
    outcome: 'Issue fixed server-side in 2 hours; mobile release with the client change the next day.',
    impact: 'Drivers at 2 depots stopped starting their day on the wrong route.',
    nextSteps: 'Add a contract test between the plan API and the app.',
    tags: ['support', 'api', 'caching', 'mobile'], minutes: 150,
  },
  {
    title: 'Side-by-side map view', workType: 'delivery', at: { task: 'Side-by-side map view' },
    content: 'Built the side-by-side map view in React with MapLibre: two synchronised maps, moved stops highlighted with arrows between their old and new vans, and a table of per-van deltas under each map. Kept rendering fast with a single GeoJSON source per plan and feature-state styling instead of one layer per van.',
    outcome: 'Renders 2 plans of 500 stops at 60 fps on a planner laptop; first paint in 700 ms.',
    impact: 'Planners review a re-plan in about 2 minutes instead of 15 on paper.',
    nextSteps: 'Usability session with two planners.',
    tags: ['frontend', 'react', 'maplibre', 'typescript', 'performance'], minutes: 450,
  },
  {
    title: 'Helix: final report and handover', workType: 'delivery', at: HX,
    content: 'Measured all three journeys again after Helix\'s team shipped the fixes, wrote the final report with before and after numbers and handed over the dashboards and alerts I had set up in their APM. Recorded a walkthrough of the dashboards for their on-call.',
    outcome: 'Appointments page p95 from 8.1 s to 1.1 s on mobile; results page timeouts from 4.2% to 0.',
    impact: 'Helix met its goal of p95 under 1.5 s two weeks ahead of their board meeting.',
    nextSteps: 'Follow-up call in a month to check the numbers held.',
    tags: ['consulting', 'performance', 'writing'], minutes: 360,
    bullet: { text: 'Brought a clinic network\'s patient portal from 8.1 s to 1.1 s p95 on mobile and eliminated lab-result timeouts through a 10-day performance audit.', metrics: { p95_before_s: 8.1, p95_after_s: 1.1, timeout_rate_before_pct: 4.2, timeout_rate_after_pct: 0 } },
  },
  {
    title: 'Lock flag in the plan model', workType: 'delivery', at: { task: 'Lock flag in the plan model' },
    content: 'Added a locked flag and lock reason to plan stops, and passed locked stops to the solver as fixed assignments with fixed positions in the route. Wrote a migration that backfills the flag without rewriting the 40 M-row stops table by adding the column with a default and building its index concurrently.',
    outcome: 'Locked stops never move in re-plans (verified over 2,000 property-test cases); migration ran in 3 s.',
    impact: 'Planners can promise a time to a customer and rely on it.',
    nextSteps: 'Expose the lock in the stop list UI.',
    tags: ['backend', 'postgresql', 'migrations', 'or-tools'], minutes: 330,
  },
  {
    title: 'Open source: PGConf talk proposal', workType: 'other', at: OSS,
    content: 'Wrote and submitted a talk proposal for a PostgreSQL conference: "Why is my queue stuck? Reading locks in job tables". Built the outline around three real incidents, anonymised, and the lock-graph view from pg-queue-inspector. Asked two friends to review the abstract.',
    outcome: 'Proposal submitted with a 20-minute outline and 3 case studies.',
    impact: 'A chance to bring the tool to more users and to practise public speaking.',
    nextSteps: 'Prepare slides if accepted; decision due in six weeks.',
    tags: ['open-source', 'speaking', 'postgresql', 'community'], minutes: 120,
  },
  {
    title: 'Lock toggle in the stop list', workType: 'delivery', at: { task: 'Lock toggle in the stop list' },
    content: 'Added a lock toggle and reason field to each stop in the planner\'s stop list, with optimistic updates and an undo toast. Locked stops show a padlock on the map and are skipped by drag-and-drop. Ran a usability session with two planners, which led to a bulk "lock all stops of this customer" action.',
    outcome: 'Lock toggle and bulk lock shipped; planners locked 120 stops in the first 2 days.',
    impact: 'Planners stopped keeping a spreadsheet of promised time slots.',
    nextSteps: 'Measure how often locks reduce route quality.',
    tags: ['frontend', 'react', 'ux', 'typescript'], minutes: 360,
  },
  {
    title: 'Incident: stuck planning jobs after node drain', workType: 'incident', at: RP,
    content: 'A Kubernetes node drain killed two solver pods mid-solve; their jobs stayed "active" and the depots\' plans were not refreshed. The queue marks a job expired only after an hour. Lowered the solver jobs\' expiry to 2 minutes, added a heartbeat while solving and a pre-stop hook that returns the job to the queue.',
    outcome: 'Stuck jobs recovered in 3 minutes; with the fix, a drained pod hands its job back in under 5 s.',
    impact: 'Two depots got their re-plan 50 minutes late; the fix prevents a repeat.',
    nextSteps: 'Chaos test: kill solver pods during the planning peak in staging.',
    tags: ['incident', 'kubernetes', 'jobs', 'reliability'], minutes: 210,
  },
  {
    title: 'Warehouse anomaly alerts', workType: 'delivery', at: WH,
    content: 'Added anomaly alerts on conveyor throughput: a rolling baseline per conveyor and hour of the week, and an alert when throughput falls below 60% of the baseline for 10 minutes. Tuned the threshold on two months of history to keep false alarms below one a week per warehouse.',
    outcome: 'Backtest caught 9 of 10 real jams with 0.7 false alerts a week per warehouse.',
    impact: 'Shift managers learn about a jam in minutes instead of from the missed truck.',
    nextSteps: 'Route alerts to the shift managers\' radios via the paging tool.',
    tags: ['data', 'alerting', 'sql', 'analytics'], minutes: 360,
  },
  {
    title: 'Learning: stream processing chapter and notes', workType: 'learning', at: null,
    content: 'Read the stream processing chapter of Designing Data-Intensive Applications again with the telemetry pipeline in mind, and wrote notes on where our micro-batches would need exactly-once semantics if we moved to true streaming. Compared Kafka transactions with idempotent sinks for our case.',
    outcome: 'Two pages of notes; idempotent sinks judged enough for our 5-minute micro-batches.',
    impact: 'Saves the team from adopting Kafka before there is a need for it.',
    nextSteps: 'Share the notes in the data team\'s reading group.',
    tags: ['learning', 'data', 'streaming', 'architecture'], minutes: 120,
  },
  {
    title: 'Open source: JSON output and docs', workType: 'delivery', at: OSS,
    content: 'Documented the JSON output contributed last month with examples for piping into jq and into a monitoring check. Added a --watch mode that refreshes the lock graph every second, and a test matrix for PostgreSQL 13 to 17 in CI.',
    outcome: 'Release 0.7 with --watch; CI covers 5 PostgreSQL versions.',
    impact: 'Two users reported using it in their on-call runbooks.',
    nextSteps: 'Triage the three open feature requests.',
    tags: ['open-source', 'documentation', 'ci', 'postgresql'], minutes: 180,
  },
  {
    title: 'Final sprint review and quarter retro', workType: 'planning', at: RP,
    content: 'Demoed plan comparison and stop locking to planners from all depots. Ran the quarter retrospective: shipping thin vertical slices to one depot first worked well; the solver and the UI work collided in the last sprint. Drafted next quarter\'s themes: map clustering, access-rule constraints and driver app contracts.',
    outcome: 'All 6 sprint goals met this quarter; 3 themes proposed for next quarter.',
    impact: 'The team\'s first quarter with every sprint goal met.',
    nextSteps: 'Write the quarterly summary for the operations director.',
    tags: ['planning', 'retrospective', 'leadership'], minutes: 150,
  },
  {
    title: 'Learning: query plans with pg_stat_statements', workType: 'learning', at: null,
    content: 'Spent the afternoon going through pg_stat_statements on the route planner database, ranking queries by total time rather than mean time. Found that the top query by total time is a cheap lookup run 40 million times a day from the ETA code, which a per-request cache would remove.',
    outcome: 'Top 10 queries by total time listed; 1 candidate removes 18% of database time.',
    impact: 'A cheap win for next quarter that needs no schema change.',
    nextSteps: 'Open a story for the per-request cache.',
    tags: ['learning', 'postgresql', 'performance'], minutes: 120,
  },
  {
    title: 'Quarterly summary for operations', workType: 'planning', at: RP,
    content: 'Wrote the quarterly summary for the operations director: live positions, ETAs on traffic, late-delivery notifications, the solver with shift rules, and plan review. Each item has its measured effect and the cost. Included the two incidents and what changed after them.',
    outcome: 'Two-page summary with 6 measured results and 2 incident follow-ups.',
    impact: 'Gives the director the numbers for the next budget round.',
    nextSteps: 'Present it at the monthly operations meeting.',
    tags: ['writing', 'stakeholders', 'leadership'], minutes: 150,
  },
  {
    title: 'Porto solver rollout plan', workType: 'planning', at: RP,
    content: 'Planned the solver rollout for Porto with its depot manager: Porto has narrow streets where vans cannot turn, so we need vehicle-size restrictions per road segment before switching. Listed the data we need from the map provider and estimated the work for next quarter.',
    outcome: 'Rollout plan with 4 prerequisites and a target date.',
    impact: 'Avoids repeating Lisbon\'s week of manual overrides in a harder city.',
    nextSteps: 'Request road restriction data from the map provider.',
    tags: ['planning', 'rollout', 'optimization'], minutes: 90,
  },
  {
    title: 'Draft: access-rule constraints', workType: 'delivery', at: RP,
    content: 'Started modelling customer access rules (loading-bay hours, no access before 9:00, van height limits) as solver constraints. So far only loading-bay hours are in; height limits need the road data. Notes on the approach are in the design doc for review.',
    outcome: 'Loading-bay hours modelled for 1 of 3 rule types; the design doc is open for review.',
    impact: 'The overrides Lisbon planners still make each day come mostly from these rules.',
    nextSteps: 'Finish the remaining rule types once the road data arrives.',
    tags: ['backend', 'optimization', 'or-tools'], minutes: 240,
  },
]
