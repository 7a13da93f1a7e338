/**
 * Engineering practices: how software is built, tested, shipped, secured and
 * run. Named through the phrasings people write in work logs ("code review",
 * "postmortem"), and inferred from described work by the rules next to each
 * entry ("added a missing index" → Indexing).
 *
 * Rules describe kinds of work, not particular sentences: each pattern should
 * read as "anyone who wrote this did that". A vague phrase that fires on every
 * log is worse than a missed signal.
 */
import { group } from './entry.ts'
import type { SkillEntry } from './taxonomy.types.ts'

/** Durations as people write them: "900 ms", "3h", "11 min", "~45s". */
const DURATION = String.raw`~?\d+(?:\.\d+)?\s?(?:ms|s|secs?|seconds|m|mins?|minutes|h|hrs?|hours)\b`
/** What gets faster: the words of performance work. */
const SPEED_SUBJECT = String.raw`\b(?:p\d{2}|latency|latencies|throughput|response times?|cold starts?|startup time|load times?|page loads?|query times?|runtime|run time|render(?:ing)? times?|build times?|ttfb|frame rate|fps)\b`
const IMPROVED = String.raw`\b(?:cut|cuts|reduced?|dropped|down|halved|improved|faster|fell|lowered|sped up|shaved|brought down|from|back under|back below|back to)\b`

const PRACTICES = group('practice', [
  // Process
  ['Agile', ['agile methodology', 'agile methodologies'], { mode: 'proper' }],
  ['Scrum', ['sprint planning', 'sprint review', 'daily scrum', 'scrum master', 'backlog grooming', 'backlog refinement', 'story points'], {
    rules: [{ when: /\b(?:groom\w*|refin\w*)\b[^;]{0,20}\bbacklog\b/ }],
  }],
  ['Kanban', ['kanban board']],
  ['Test-Driven Development', ['TDD', 'test-driven', 'test-first']],
  ['Behavior-Driven Development', ['BDD', 'behaviour-driven development']],
  ['Pair Programming', ['pair programming', 'paired with', 'pairing session', 'mob programming', 'pair-programmed']],
  ['Code Review', ['code reviews', 'reviewed PRs', 'PR review', 'PR reviews', 'pull request review', 'pull request reviews', 'reviewing PRs', 'code-reviewed', 'reviewing pull requests'], {
    rules: [{ when: /\breview(?:ed|ing)?\s+(?:\d+|a|the|some|two|three|four|five|several|many|all|their|his|her)?\s*(?:open\s+)?(?:prs|pull requests|merge requests|mrs|diffs|patches|changesets)\b/ }],
  }],
  ['Refactoring', ['refactor', 'refactored', 'refactoring']],
  ['Technical Debt', ['tech debt', 'technical debt']],
  // Delivery
  ['CI/CD', ['continuous integration', 'continuous delivery', 'continuous deployment', 'CI pipeline', 'CI pipelines', 'deploy pipeline', 'deployment pipeline', 'build pipeline', 'CI/CD pipeline'], {
    properAliases: ['CD'],
    rules: [
      // "CI" is also a confidence interval.
      { when: /\bCI\b/, unless: /\b(?:excludes?|includes?|interval|significan\w*|p-?values?|variants?|confidence|conversion)\b/ },
      {
        when: /\b(?:build|deploy(?:ment)?|release|test)(?:\/\w+)*\s+(?:pipelines?|workflows?|jobs?)\b|\bpipelines?\b[^;]{0,60}\b(?:builds?|deploy\w*|releas\w*)\b/,
        unless: /\b(?:data|etl|elt|ingestion|feature|ml|training|sales)\s+pipelines?\b/,
      },
    ],
  }],
  ['DevOps', []],
  ['GitOps', ['Git Ops', 'GitOps repo']],
  ['Infrastructure as Code', ['IaC', 'infrastructure-as-code']],
  ['Configuration Management', ['configuration management', 'config management']],
  ['Containerization', ['containerized', 'containerised', 'containerize', 'containerization']],
  ['Release Management', ['release train', 'canary release', 'canary releases', 'blue-green deployment', 'blue/green', 'rollback plan', 'release management', 'phased rollout', 'staged rollout', 'app release', 'store release', 'release notes', 'release checklist', 'release branch', 'release candidate', 'hotfix release']],
  ['Feature Flags', ['feature flag', 'feature toggle', 'feature toggles', 'feature-flagged', 'kill switch']],
  // Architecture
  ['Microservices', ['microservice', 'micro-services', 'service mesh']],
  ['REST APIs', ['RESTful', 'REST API', 'REST endpoint', 'REST endpoints'], {
    properAliases: ['REST'],
    rules: [{ when: /(?:^|\s)\/v\d\b|\bapi\b[^;]{0,40}\b(?:cursor pagination|status codes?|http verbs|put|patch endpoints?)\b/, unless: /\b(?:grpc|graphql|oauth|jwks?|websockets?)\b/ }],
  }],
  ['API Design', ['API design', 'API contract', 'API contracts', 'API versioning', 'API-first', 'API specification'], {
    rules: [
      { when: /\b(?:apis?|endpoints?)\b[^.]{0,60}\b(?:contracts?|versioning|breaking[- ]changes?|backwards?[- ]compatib\w*|pagination|idempoten\w*)\b/ },
      { when: /\bdesign(?:ed|ing)?\s+(?:the\s+|a\s+|our\s+)?(?:\w+\s+)?(?:api|endpoints?|schema for the api)\b/ },
    ],
  }],
  ['Rate Limiting', ['rate limiting', 'rate limiter', 'rate limits', 'token bucket', 'leaky bucket', 'request throttling']],
  ['Webhooks', ['webhook', 'webhooks', 'webhook delivery']],
  ['Message Queues', ['message queue', 'message queues', 'job queue', 'job queues', 'dead-letter queue', 'dead letter queue', 'DLQ', 'queue consumers', 'work queue']],
  ['Event-Driven Architecture', ['event-driven', 'event driven', 'event sourcing', 'CQRS', 'outbox pattern', 'transactional outbox', 'outbox table', 'domain events', 'event bus']],
  ['Domain-Driven Design', ['DDD', 'bounded context', 'bounded contexts']],
  ['System Design', ['system architecture', 'software architecture', 'architecture review', 'architecture decision record'], { properAliases: ['ADR', 'ADRs'] }],
  // Making calls between services survive each other's failures: retries, backoff, deadlines, circuit breakers.
  ['Distributed Systems', ['distributed system', 'consensus protocol', 'distributed systems', 'circuit breaker', 'circuit breakers', 'bulkheads'], {
    rules: [{ when: [/\b(?:retries|retry|backoff|deadlines?|timeouts?|circuit[- ]break\w*|jitter\w*)\b/, /\b(?:backoff|deadlines?|circuit[- ]break\w*|cascading|jitter\w*)\b/] }],
  }],
  ['Concurrency', ['multithreading', 'multi-threaded', 'race condition', 'race conditions', 'deadlock', 'deadlocks', 'concurrency']],
  // Testing
  ['Unit Testing', ['unit test', 'unit tests', 'unit-tested']],
  ['Integration Testing', ['integration test', 'integration tests']],
  ['End-to-End Testing', ['e2e', 'e2e tests', 'end-to-end tests', 'end-to-end test']],
  ['Property-Based Testing', ['property-based tests', 'property-based test', 'property tests', 'property testing', 'generative testing']],
  ['Mutation Testing', ['mutation testing', 'mutation tests', 'mutation score']],
  ['Contract Testing', ['contract tests', 'contract testing', 'consumer-driven contracts']],
  ['Fuzzing', ['fuzz testing', 'fuzzing', 'fuzzer', 'fuzzed']],
  ['Load Testing', ['load test', 'load tests', 'stress test', 'stress tests', 'performance test', 'performance tests', 'soak test', 'load testing']],
  ['Benchmarking', ['benchmarked', 'benchmarking', 'ran benchmarks', 'microbenchmarks', 'micro-benchmarks', 'benchmark suite']],
  // Performance and data access
  ['Performance Optimization', ['performance tuning', 'performance optimisation', 'performance engineering', 'profiling', 'profiled', 'flame graph', 'flame graphs', 'hot path', 'latency optimization'], {
    rules: [
      // A duration that went from one value to another: "11 min -> 90s", "from ~900 ms to 120 ms".
      { when: new RegExp(`${DURATION}\\s*(?:->|→|=>|to)\\s*${DURATION}`) },
      { when: new RegExp(`${SPEED_SUBJECT}[^;]{0,60}${IMPROVED}|${IMPROVED}[^;]{0,40}${SPEED_SUBJECT}`) },
      { when: /\b\d+(?:\.\d+)?\s?(?:%|x|×|times)\s+faster\b|\bfaster\b[^;]{0,20}\b\d+(?:\.\d+)?\s?(?:%|x|×)/ },
      { when: /\b(?:kernel|jvm|gc|query|memory|database|db|network)\s+tuning\b|\bspill(?:ing|ed|s)?\s+to\s+disk\b|\bbottlenecks?\b|\bmemory\s+(?:usage\s+|footprint\s+)?(?:halved|cut|reduced)\b|\bvirtuali[sz](?:ed|ing|ation)\s+(?:lists?|tables?|rows|scroll\w*)\b|\b(?:data skew|skewed (?:keys|joins?|partitions)|oom(?:ing|ed|s)?)\b/ },
    ],
  }],
  ['Query Optimization', ['query optimization', 'query optimisation', 'query tuning', 'SQL optimization', 'query plan', 'query plans', 'EXPLAIN ANALYZE', 'slow query log', 'N+1 queries', 'N+1 query', 'N+1']],
  // "Indexing" alone is as often a search index being built as a database index.
  ['Indexing', ['composite index', 'partial index', 'covering index', 'missing index', 'B-tree index', 'GIN index', 'database indexing', 'index tuning', 'reindex'], {
    mode: 'rule',
    rules: [{
      when: /\b(?:missing|add(?:ed|ing)?|creat(?:ed|ing)|new|composite|partial|covering|unique|drop(?:ped)?|btree|b-tree|gin|gist|brin)\s+(?:an?\s+)?(?:\w+\s+)?index(?:es)?\b|\bindex(?:es)?\s+on\s+\(?\w+|\bindexed\s+(?:the\s+)?\w+\s+(?:columns?|fields?)\b/,
      unless: /\b(?:search|elasticsearch|opensearch|algolia|lucene|inverted|price|vector)\s+index/,
    }],
  }],
  ['Caching', ['cache invalidation', 'caching layer', 'cache hit rate', 'caching', 'CDN caching', 'in-memory cache', 'read-through cache', 'write-through cache'], {
    rules: [
      { when: /\bcach(?:e|ed|ing)\b[^;]{0,40}\b(?:ttl|in-process|in-memory|invalidat\w*|hit rate|evict\w*|warm\w*)\b|\b(?:added|introduced|put)\s+(?:an?\s+)?(?:\w+\s+)?cache\b|\b(?:now|results?|responses?)\s+cached\b/ },
      // Memoising UI components is render performance, not a cache.
      { when: /\bmemoi[sz]\w*/, unless: /\b(?:components?|render\w*|react|usememo|usecallback|selectors?|props)\b/ },
    ],
  }],
  ['Database Migrations', ['schema migration', 'schema migrations', 'database migration', 'migration scripts', 'zero-downtime migration'], {
    rules: [{ when: /\b(?:added|wrote|ran|shipped)\s+(?:a\s+|the\s+)?(?:\w+\s+)?migrations?\b/, within: /\b(?:rows?|tables?|columns?|schema|db|database|postgres\w*|mysql|sql|backfill\w*)\b/ }],
  }],
  ['Database Administration', ['DBA', 'vacuum', 'autovacuum', 'point-in-time recovery', 'database upgrade', 'major version upgrade', 'pg_upgrade', 'connection pooling'], {
    rules: [{ when: /\b(?:upgrad\w*|cut over|cutover|failover|failed over|vacuum\w*)\b[^;]{0,40}\b(?:db|database|postgres\w*|mysql|primary|replicas?)\b|\b(?:db|database|postgres\w*|mysql)\b[^;]{0,30}\bfrom\s+(?:\w+\s+)?\d+(?:\.\d+)?\s+to\s+\d+/ }],
  }],
  ['Database Partitioning', ['table partitioning', 'partitioned table', 'partitioned tables', 'pg_partman', 'partition pruning'], {
    rules: [{ when: /\bpartition(?:ed|ing)\b[^;]{0,30}\b(?:tables?|by (?:month|day|week|date|tenant|year))\b/, unless: /\b(?:topics?|kafka|spark|dataframes?|disks?)\b/ }],
  }],
  ['Sharding', ['sharding', 'sharded', 'shard key', 'shards']],
  // "Replication" alone is as often restored, read about or discussed as set up.
  ['Database Replication', ['logical replication', 'streaming replication', 'read replica', 'read replicas', 'replica lag', 'replication slot', 'replication slots', 'change data capture'], {
    rules: [{ when: /\b(?:set up|setting up|configured|added|enabled|built|tuned)\b[^;]{0,30}\breplication\b/ }],
  }],
  ['Data Modeling', ['data model', 'data modelling', 'data modeling', 'schema design', 'dimensional model', 'star schema']],
  // Operations
  ['Site Reliability Engineering', ['SRE', 'SLO', 'SLOs', 'SLI', 'SLIs', 'error budget', 'error budgets']],
  ['Observability', ['distributed tracing', 'instrumentation', 'instrumented', 'structured logging', 'observability']],
  // "Monitoring" alone is often a product category ("the new monitoring tool"); setting it up is the skill.
  ['Monitoring', ['alerting', 'alert rules', 'alerts', 'an alert', 'uptime checks', 'synthetic checks'], {
    mode: 'rule',
    rules: [{ when: /\b(?:added|set up|built|configured|improved|wrote|tuned)\b[^;]{0,30}\b(?:monitoring|alarms?|health checks?)\b|\bmonitoring\s+(?:for|on|of)\b/ }],
  }],
  // Being on call, or handling an outage, is incident work; an "on-call channel" or "on-call load" only names it.
  ['Incident Management', ['incident response', 'incident commander', 'SEV1', 'SEV2', 'SEV-1', 'SEV-2', 'paged', 'war room', 'incident management', 'on-call shift', 'on-call rotation', 'on-call week'], {
    rules: [
      { when: /\b(?:was|were|been|am|being|i'm|we're)\s+on[- ]call\b|\bon[- ]call\s+(?:this|last|for the|duty)\b|^\W*on[- ]call\b/ },
      { when: /\b(?:mitigat\w*|resolv\w*|handled|responded to|restor\w*|ran|led|rolled back)\b[^;]{0,40}\b(?:outages?|incidents?|sev\s?[0-3])\b|\b(?:outages?|incidents?)\b[^;]{0,40}\b(?:mitigated|resolved|restored|rolled back)\b/, unless: /\b(?:comms|communications?)\b/ },
    ],
  }],
  ['Root Cause Analysis', ['root cause', 'root-caused', 'RCA', 'postmortem', 'post-mortem', 'post mortem', 'five whys', '5 whys'], { implies: ['Incident Management'] }],
  ['Bug Triage', ['bug triage', 'bug bash'], {
    rules: [{ when: /\btriag\w*\b[^;]{0,20}\b(?:bugs?|bug reports|crash(?:es| reports)?|regressions)\b/ }],
  }],
  ['Cloud Security', ['cloud security', 'CSPM', 'security posture']],
  ['Troubleshooting', ['troubleshooting', 'troubleshot', 'diagnosed', 'technical troubleshooting', 'HAR file', 'HAR files'], {
    rules: [{ unless: /\b(?:auditors?|policy|process|candidates?|new hires?|plan|roadmap|deck)\b/, when: /\bwalked\s+(?:them|him|her|the\s+\w+|their\s+\w+|a\s+\w+)\s+through\b|\breproduc(?:ed|ing)\s+(?:the|a|an|\d+|it|both|their)\b/ }],
  }],
  ['Capacity Planning', ['capacity planning', 'capacity plan', 'headroom planning'], {
    rules: [{ when: /\bright-?siz\w*/ }],
  }],
  ['Disaster Recovery', ['disaster recovery', 'DR drill', 'DR test', 'DR exercise', 'backup restore', 'restore drill', 'restore test', 'RPO', 'RTO', 'business continuity', 'failover test'], {
    rules: [{ when: /\brestor\w*\b[^;]{0,40}\bfrom\s+(?:the\s+|our\s+)?(?:\w+\s+)?backups?\b|\bbackups?\b[^;]{0,60}\brestor\w*/ }],
  }],
  ['High Availability', ['HA setup', 'multi-AZ', 'multi-region', 'zero-downtime', 'zero downtime', 'high availability']],
  ['Load Balancing', ['load balancer', 'load balancers', 'ALB', 'ELB', 'load balancing']],
  ['Autoscaling', ['auto-scaling', 'autoscaler', 'HPA', 'horizontal pod autoscaler', 'autoscaling']],
  ['Cost Optimization', ['cost optimisation', 'cloud costs', 'cloud spend', 'FinOps', 'reserved instances', 'savings plan', 'savings plans', 'cost review', 'cost reduction', 'cost optimization', 'right-sized', 'right-sizing', 'rightsized'], {
    rules: [
      { when: /\blifecycle (?:rules?|polic(?:y|ies))\b|\b(?:infrequent access|cold storage|storage class(?:es)?|intelligent-tiering)\b/ },
      { when: /\b(?:sav(?:ed|ing|ings of)|cut|reduc\w*)\b[^;]{0,30}[$€£]\s?\d|\b(?:cut|reduc\w*|lower\w*|saved|trimmed|halved)\b[^;]{0,40}\b(?:bill|costs?|spend|credits)\b|[-−]\s?\d+(?:\.\d+)?\s?%\s+(?:credits|costs?|spend|bill)\b|\b(?:bill|costs?|spend)\b[^;]{0,20}\b(?:down|saved)\b/ },
    ],
  }],
  ['Secrets Management', ['secrets management', 'secret management', 'secrets rotation', 'secret rotation', 'dynamic credentials', 'app secrets'], {
    rules: [{ when: /\b(?:hard-?coded|plaintext|admin)\s+(?:keys|credentials|creds|secrets|passwords)\b|\b(?:secrets?|credentials|creds|passwords)\b[^;]{0,40}\b(?:rotat\w*|dynamic|env files?|encrypt\w*|sealed|vault)\b|\b(?:dynamic|rotat\w*|short-lived)\b[^;]{0,20}\b(?:secrets?|credentials|creds)\b/ }],
  }],
  // "Networking" alone is as often an event as a skill.
  ['Networking', ['TCP/IP', 'TCP', 'UDP', 'DNS', 'subnet', 'subnets', 'BGP', 'VPN', 'firewall rules', 'somaxconn', 'network tuning', 'computer networking', 'network engineering'], {
    mode: 'rule',
    rules: [{ when: /\btcp_\w+|\bconnection resets?\b|\bpacket loss\b|\bsockets?\s+(?:limits?|backlog|buffers?)\b|\bMTU\b/ }],
  }],
  // Security
  ['Application Security', ['AppSec', 'OWASP', 'XSS', 'CSRF', 'SQL injection', 'vulnerability', 'vulnerabilities', 'CVE', 'secure coding']],
  ['Security Hardening', ['security hardening', 'hardened', 'hardening', 'CIS benchmark', 'CIS benchmarks', 'fail2ban']],
  ['Threat Modeling', ['threat model', 'threat modeling', 'threat modelling', 'STRIDE']],
  ['Penetration Testing', ['pentest', 'pen test', 'penetration test', 'penetration testing']],
  ['Authentication', ['MFA', '2FA', 'multi-factor authentication', 'login flow', 'authn', 'passkeys', 'WebAuthn', 'auth flow', 'authentication']],
  ['Single Sign-On', ['SSO', 'single sign-on', 'single sign on']],
  ['Access Control', ['RBAC', 'role-based access control', 'permissions model', 'row-level security', 'authorization', 'ABAC', 'least privilege', 'least-privilege']],
  ['Encryption', ['TLS', 'mTLS', 'SSL certificates', 'encryption at rest', 'end-to-end encryption', 'encryption']],
  ['Compliance', ['SOC 2', 'SOC2', 'ISO 27001', 'GDPR', 'HIPAA', 'PCI DSS', 'PCI-DSS', 'audit evidence', 'compliance', 'security questionnaire', 'security questionnaires', 'vendor security review']],
  ['Data Privacy', ['PII', 'data retention', 'anonymization', 'anonymisation', 'pseudonymization', 'DPIA']],
  // Web and mobile
  ['Accessibility', ['a11y', 'WCAG', 'screen reader', 'screen readers', 'aria labels', 'ARIA', 'accessibility', 'VoiceOver', 'TalkBack', 'NVDA', 'axe-core', 'keyboard navigation', 'focus trap', 'focus traps', 'focus management', 'colour contrast', 'contrast ratio']],
  ['Responsive Design', ['responsive layout', 'responsive layouts', 'mobile-first', 'responsive design', 'responsive web design'], {
    rules: [{ when: /\b(?:viewport|breakpoints?|media quer(?:y|ies)|\d*dvh|\d+vh|small screens?|mobile (?:safari|browsers?|web|layout|viewports?)|mobile-friendly|tablet layouts?)\b/ }],
  }],
  ['Cross-Browser Compatibility', ['cross-browser', 'browser compatibility', 'cross-browser testing', 'browser support'], {
    rules: [{
      when: /\b(?:safari|firefox|edge|ie11|internet explorer|webkit|older browsers)\b[^;]{0,60}\b(?:bugs?|issues?|jank|quirks?|fix(?:ed)?|broke|broken|layouts?|render\w*|overlap\w*|polyfills?|fallbacks?)\b|\b(?:bugs?|jank|quirks?|fix(?:ed)?|broken|polyfills?|fallbacks?)\b[^;]{0,60}\b(?:safari|firefox|ie11|internet explorer|webkit)\b/,
    }],
  }],
  ['SEO', ['search engine optimization', 'search engine optimisation', 'meta titles', 'meta descriptions', 'organic traffic', 'keyword research', 'backlinks', 'sitemap.xml']],
  ['Web Performance', ['Core Web Vitals', 'Lighthouse', 'LCP', 'CLS', 'INP', 'bundle size', 'code splitting', 'lazy loading', 'web performance', 'tree shaking', 'tree-shook'], {
    rules: [{ when: /\bbundle\b[^;]{0,30}\b(?:down|cut|reduced|smaller|shrank|halved|under|below)\b|\b(?:cut|reduced|shrank|halved)\b[^;]{0,30}\bbundle\b|\bgzipped\b/ }],
  }],
  ['Internationalization', ['i18n', 'internationalisation', 'internationalization', 'react-intl', 'i18next', 'FormatJS', 'ICU messages', 'locale files']],
  ['Web Scraping', ['scraper', 'scraping', 'web scraping', 'crawler']],
  ['Embedded Systems', ['firmware', 'microcontroller', 'embedded systems', 'RTOS']],
  ['Mobile Development', ['mobile development', 'mobile app development', 'mobile engineering', 'cross-platform app']],
  ['iOS Development', ['iOS', 'iPadOS', 'iOS app', 'iOS apps', 'watchOS'], {
    rules: [{ when: /\b(?:xcframeworks?|dsyms?|app thinning|on-demand resources|provisioning profiles?|app clips?|widgetkit)\b/ }],
  }],
  ['Android Development', ['Android', 'Android app', 'Android apps'], {
    rules: [{ when: /\b(?:apks?|aab|proguard|r8|desugaring|baseline profiles?)\b/ }],
  }],
  ['In-App Purchases', ['in-app purchase', 'in-app purchases', 'in-app subscriptions', 'in-app subscription', 'in-app billing', 'Google Play Billing'], { properAliases: ['IAP'] }],
  ['Push Notifications', ['push notifications', 'push notification', 'APNs', 'FCM']],
  ['Deep Linking', ['deep link', 'deep links', 'deep linking', 'universal links', 'app links']],
  ['Offline-First', ['offline-first', 'offline first', 'offline sync', 'offline support', 'offline mode', 'offline-capable', 'works offline']],
])

export const ENGINEERING_ENTRIES: readonly SkillEntry[] = PRACTICES
