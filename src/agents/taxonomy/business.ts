/**
 * Product management, sales, customer success and support, finance and
 * marketing: the practices (named or inferred from the work) and the tools
 * people in those roles list.
 */
import { group } from './entry.ts'
import type { SkillEntry } from './taxonomy.types.ts'

const PRODUCT = group('practice', [
  ['Product Management', ['product management', 'product ownership', 'product owner']],
  ['Product Roadmapping', ['roadmap', 'roadmaps', 'roadmapping', 'roadmap planning', 'product roadmap']],
  ['Product Requirements', ['product requirements', 'requirements doc', 'requirements document', 'product spec', 'product specs', 'product brief', 'one-pager'], {
    nameAliases: ['PRD', 'PRDs'],
    rules: [{ when: /\bspec(?:s|ced)?\s+for\s+(?:the\s+|a\s+)?(?:new\s+)?[\w-]+\s+(?:feature|flow|page|project|integration|launch)\b|\b(?:wrote|drafted|wrote up)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+)?(?:spec|requirements|one-pager)\b/ }],
    implies: ['Product Management'],
  }],
  ['Requirements Gathering', ['requirements gathering', 'gathered requirements', 'user stories', 'acceptance criteria']],
  ['Product Discovery', ['product discovery', 'discovery sprint', 'opportunity solution tree', 'opportunity tree', 'discovery interviews', 'discovery research', 'problem discovery', 'opportunity mapping']],
  ['Product Launch', ['product launch', 'launch day', 'go-to-market', 'go/no-go', 'launch plan', 'launch checklist', 'launch readiness'], {
    rules: [{ when: /\b(?:ga|beta|public|feature|soft|hard|v\d+)\s+launch(?:es|ed)?\b|\blaunch (?:email|announcement|comms|week)\b/ }],
  }],
  // "Packaging" and tiers are pricing only next to prices (an app is packaged too).
  ['Pricing Strategy', ['pricing strategy', 'pricing model', 'pricing and packaging', 'packaging and pricing', 'pricing tiers', 'pricing tier', 'usage-based pricing', 'usage-based tier', 'grandfathering', 'grandfathered', 'monetization', 'monetisation', 'willingness to pay', 'Van Westendorp', 'price sensitivity', 'pricing research'], {
    rules: [
      // A price change the work was about, not one it came after.
      { when: /\bpric(?:e|ing) (?:changes?|increases?)\b/, unless: /\b(?:after|before|since|because of|due to|following)\s+(?:the\s+|our\s+)?(?:\w+\s+)?pric(?:e|ing)/ },
      { when: /\bpackaging\b/, within: /\b(?:pricing|prices?|tiers?|plans?|seats?)\b/ },
      { when: /\b\d+\s+(?:pricing\s+)?tiers\b|\btiers?\s+instead\s+of\b/, within: /\bpric\w*/ },
    ],
  }],
  ['Competitive Analysis', ['competitive analysis', 'competitor analysis', 'competitive research', 'competitive teardown', 'competitive landscape', 'competitor teardown', 'competitive intelligence', 'competitor review', 'competitive review'], {
    rules: [
      { when: [/\b(?:rivals?|competitors?|competition)\b/, /\b(?:review\w*|compar\w*|analy\w*|teardowns?|mapped|benchmark\w*|audit\w*|signed up)\b/] },
      { when: /\b(?:teardown|review|analysis|comparison|audit)\s+of\s+(?:\d+\s+|our\s+|the\s+)?(?:\w+\s+)?(?:rivals|competitors)\b|\b(?:rivals|competitors)'?\s+(?:pricing|features|products|positioning|offerings)\b/ },
    ],
  }],
  ['Market Research', ['market research', 'market sizing'], { properAliases: ['TAM'] }],
  ['Financial Modeling', ['financial model', 'financial models', 'financial modeling', 'financial modelling', 'revenue model', 'unit economics', 'DCF', 'three-statement model', 'cash flow forecast', 'cash flow model', '13-week cash flow', 'scenario model'], {
    rules: [{ when: /\bmodell?(?:ed|ing)\b[^;]{0,40}\b(?:revenue|costs?|margins?|cash|p&l|financial|pricing|churn|ltv|cac|runway)\b/ }],
  }],
  ['OKRs', ['OKR', 'objectives and key results']],
  ['Project Management', ['project plan', 'project management', 'project schedule', 'Gantt', 'status report', 'RAID log', 'project kickoff'], {
    rules: [{ when: /\bkick-?off\b/, within: /\b(?:project|scope|milestones?|timeline|plan|risks)\b/, unless: /\b(?:customers?|clients?|onboarding)\b/ }],
  }],
  ['Incident Communication', ['incident communication', 'incident comms', 'outage comms', 'status page updates', 'status page update', 'crisis communication']],
])

const SALES = group('practice', [
  ['Sales Discovery', ['discovery call', 'discovery calls', 'discovery meeting', 'discovery session', 'sales discovery', 'qualification call']],
  ['MEDDIC', ['MEDDICC', 'MEDDPICC']],
  ['BANT', []],
  ['Account Management', ['account management', 'upsell', 'upsold', 'expansion deal', 'account plan', 'key accounts', 'exec sponsor', 'executive sponsor', 'cross-sell'], {
    // Renewing a customer is account management; renewing a certificate or a vendor's contract is not.
    rules: [
      { when: /\b(?:pitched|upsold|upsell\w*|cross-?sold)\b[^;]{0,30}\b(?:add-?ons?|upgrades?|plans?|seats|tiers?|modules?|enterprise)\b/ },
      { when: /\brenew(?:al|als|ed|ing)\b/, unless: /\b(?:cert\w*|ssl|tls|domains?|tokens?|lease|passports?|leases|vendors?|suppliers?|discount on)\b/ },
    ],
  }],
  ['Sales Forecasting', ['sales forecast', 'sales forecasting', 'forecast call', 'commit forecast'], {
    rules: [{ when: /\b(?:updated|submitted|built|owned|called)\s+(?:the\s+|my\s+|our\s+)?(?:sales\s+|quarterly\s+|monthly\s+)?forecast\b|\b(?:q[1-4]|quarterly|monthly|sales)\s+forecast\b/, within: /\b(?:deals?|pipeline|quota|commit|arr|bookings|sales)\b/ }],
  }],
  ['Prospecting', ['prospecting', 'cold outreach', 'outbound sequence', 'cold calls', 'cold emails', 'outbound prospecting']],
  ['Lead Generation', ['lead generation', 'lead gen']],
  ['Pipeline Management', ['pipeline review', 'deal review', 'deal reviews', 'sales pipeline', 'pipeline hygiene']],
  // A demo to a buyer; an engineer's sprint-review demo is not a sales skill.
  ['Product Demos', ['product demo', 'product demos', 'sales demo', 'sales demos', 'demo call'], {
    rules: [{ when: /\bdemo(?:s|ed)?\b/, within: /\b(?:prospects?|customers?|clients?|sales|deals?|ae|aes|se|buyers?|trial|proposal|commercials)\b/ }],
  }],
  ['Proposal Writing', ['proposal writing', 'RFP response', 'RFP responses', 'sales proposal', 'statement of work'], {
    rules: [
      { when: /\b(?:answered|responded to|completed|submitted)\b[^;]{0,60}\brfps?\b/ },
      { when: /\b(?:sent|wrote|drafted|submitted|prepared|put together)\b[^;]{0,20}\bproposals?\b/, unless: /\b(?:design|technical|architecture|rfc|api)\s+proposals?\b/ },
    ],
  }],
  ['Sales Enablement', ['sales enablement', 'battlecard', 'battlecards', 'battle cards', 'objection handling', 'sales playbook', 'sales training'], {
    rules: [{ when: /\b(?:train\w*|coach\w*|enabl\w*|ramp\w*)\b[^;]{0,20}\b(?:aes|sdrs|bdrs|reps|sales team|account executives|sales reps|sales hires)\b/ }],
  }],
  ['CRM Administration', ['CRM administration', 'CRM admin', 'CRM hygiene', 'CRM cleanup', 'CRM migration', 'lifecycle stage', 'lifecycle stages', 'CRM workflows'], {
    rules: [
      { when: /\bcrm\b[^;]{0,30}\b(?:clean\w*|hygiene|migrat\w*|config\w*|set ?up|workflows?|automation|fields?|dedup\w*|merg\w*|admin\w*)\b|\b(?:clean\w*|migrat\w*|configur\w*|set up|dedup\w*|merg\w*|admin\w*)\b[^;]{0,30}\bcrm\b/ },
      { when: /\b(?:merg\w*|dedup\w*|clean\w*|fix\w*|rebuilt|configur\w*|set up)\b[^;]{0,30}\b(?:contacts|leads|deals|companies|opportunity stages|deal stages|pipeline stages|picklists?|page layouts?|validation rules|lifecycle\w*|automations?|custom fields|properties)\b/, within: /\b(?:hubspot|salesforce|crm|pipedrive)\b/ },
    ],
  }],
])

const CUSTOMERS = group('practice', [
  ['Customer Success', ['customer success', 'health score', 'health scores', 'adoption plan', 'churn risk', 'success plan', 'health check call', 'account health', 'usage review', 'save play', 'save plays', 'save call', 'churn save', 'churning customer', 'NPS follow-up'], {
    // A business review for the board or investors is reporting, not a customer's review.
    rules: [{ when: /\bQBRs?\b|\bEBRs?\b|\bquarterly business reviews?\b/, unless: /\b(?:board|investors?)\b/ }],
  }],
  ['Customer Onboarding', ['customer onboarding', 'onboarding call', 'implementation call', 'kickoff call'], {
    rules: [{ when: /\bonboard(?:ed|ing)\b[^;]{0,40}\b(?:customers?|clients?|accounts?|admins?|workspaces?|tenants?|onto the \w+ plan|their (?:team|users|admins))\b|\bonboarding (?:session|sessions|kickoff)\b/, unless: /\b(?:hires?|engineers?|employees|developers|team members|new pms?)\b/ }],
  }],
  // Handling tickets is support work; "support tickets per seat" as a model feature is not.
  ['Customer Support', ['CSAT', 'ticket deflection', 'tier 2 queue', 'tier 1 queue', 'support inbox', 'customer support', 'support queue', 'helpdesk', 'help desk', 'escalations', 'escalation', 'customer escalation', 'ticket backlog', 'tier 2 support', 'tier-2 support', 'tier 1 support', 'support rotation', 'support shift', 'saved replies', 'canned responses', 'support macros'], {
    rules: [{
      when: /\b(?:closed|resolved|answered|handled|triaged|worked through|replied to)\b[^;]{0,20}\b(?:tickets?|tickts|support requests|chats|cases|customer issues)\b|\b\d+\s+tickets?\s+(?:closed|resolved|answered)\b/,
      // Closing stale tickets in the tracker is backlog grooming.
      unless: /\b(?:stale|jira|linear|backlog|grooming|sprint)\b/,
    }, {
      when: /\bescalated\s+(?:\w+\s+){0,3}to\s+(?:eng|engineering|devs?|product|tier\s?[23])\b/,
    }, {
      // Help-centre articles are support's own product.
      when: /\b(?:help cent(?:er|re)|knowledge base|kb|support)\s+articles?\b|\bdeflection\b/,
    }],
  }],
])

const FINANCE = group('practice', [
  ['Accounts Payable', ['accounts payable', 'AP run', 'AP process', 'AP team', 'vendor invoice', 'vendor invoices', 'three-way match', '3-way match', 'bill pay']],
  ['Accounts Receivable', ['accounts receivable', 'AR aging', 'dunning', 'overdue invoices', 'cash application'], {
    rules: [{ when: /\b(?:overdue|past[- ]due|outstanding|unpaid)\b[^;]{0,20}\binvoices?\b|\binvoices?\b[^;]{0,30}\b(?:overdue|past[- ]due|outstanding|unpaid)\b|\bchased\b[^;]{0,30}\b(?:payments?|invoices?)\b/ }],
  }],
  ['Bookkeeping', ['bookkeeping', 'journal entries', 'general ledger', 'GL coding', 'chart of accounts'], {
    rules: [{ when: /\b(?:posted|booked|recorded)\b[^;]{0,30}\b(?:journals?|journal entries|entries)\b/ }],
  }],
  ['Account Reconciliation', ['bank reconciliation', 'account reconciliation', 'bank rec', 'reconciled the accounts', 'balance sheet reconciliation'], {
    rules: [{ when: /\breconcil(?:ed|ing|iations?)\b/, within: /\b(?:bank|ledger|gl|statements?|payouts?|books|accounts?|credit card|xero|quickbooks|netsuite)\b/ }],
  }],
  ['Month-End Close', ['month-end close', 'month end close', 'close process', 'month-end', 'year-end close', 'closed the books', 'closing the books', 'accruals', 'accrual']],
  ['Financial Reporting', ['financial reporting', 'financial statements', 'P&L', 'balance sheet', 'management accounts']],
  ['FP&A', ['variance analysis', 'budget vs actuals', 'budget vs actual', 'forecast vs actuals']],
  ['Budgeting', ['budget planning', 'budgeting', 'headcount plan', 'budget forecast', 'budget model', 'annual budget', 'budget review', 'budget vs plan'], {
    rules: [{ when: /\b(?:built|drafted|prepared|owned|planned|ran|set|reworked|finali[sz]ed)\b[^;]{0,30}\bbudgets?\b|\bfy\s?\d{2,4}\s+budget/ }],
  }],
  ['Payroll', ['payroll processing', 'ran payroll', 'payroll run', 'payroll runs'], { mode: 'rule' }],
  ['Tax Compliance', ['tax filing', 'tax return', 'VAT return', 'sales tax', 'tax compliance', '1099s']],
  ['Financial Audit', ['audit prep', 'financial audit', 'year-end audit', 'SOX', 'audit fieldwork', 'PBC list', 'audit samples'], {
    rules: [{ when: /\bauditors?\b/, unless: /\b(?:soc\s?2|iso|security|pentest|penetration|accessibility|wcag|seo|code)\b/ }],
  }],
  ['Revenue Recognition', ['revenue recognition', 'rev rec', 'ASC 606', 'deferred revenue']],
  ['Expense Management', ['expense reports', 'expense management']],
  // Issuing an RFP is vendor management; answering one is proposal writing.
  ['Vendor Management', ['vendor evaluation', 'vendor management', 'procurement', 'vendor review'], {
    rules: [
      { when: /\b(?:issued|sent out|ran|wrote|drafted|evaluated|scored)\s+(?:the\s+|an?\s+)?(?:\w+\s+)?rfps?\b/ },
      { when: /\b(?:negotiat\w*|renew\w*)\b[^;]{0,40}\b(?:vendors?|suppliers?|licen[cs]es?|discount)\b/ },
    ],
  }],
])

const MARKETING = group('practice', [
  ['Email Marketing', ['email marketing', 'newsletter', 'newsletters', 'email campaign', 'email campaigns', 'drip campaign', 'open rate', 'open rates', 'lifecycle emails', 'nurture sequence']],
  ['Content Marketing', ['content marketing', 'editorial calendar', 'content calendar']],
  ['SEM', ['paid search', 'PPC', 'search ads']],
  ['Social Media Marketing', ['social media marketing', 'social media', 'social posts']],
  ['Public Relations', ['press release', 'press releases', 'media outreach']],
])

/** Tools of these trades; product analytics tools imply the practice they serve. */
const BUSINESS_TOOLS = group('tool', [
  ['Amplitude', [], { mode: 'name', implies: ['Product Analytics'] }],
  ['Mixpanel', [], { implies: ['Product Analytics'] }],
  ['Heap', [], { mode: 'proper', implies: ['Product Analytics'] }],
  ['PostHog', [], { implies: ['Product Analytics'] }],
  ['Pendo', [], { implies: ['Product Analytics'] }],
  ['Segment', [], { mode: 'proper' }],
  ['Google Analytics', ['GA4']],
  ['Google Tag Manager', []],
  ['Productboard', []],
  ['Aha!', []],
  ['Salesforce', ['SFDC', 'Sales Cloud', 'Salesforce CRM']],
  ['HubSpot', ['HubSpot CRM', 'Hubspot']],
  ['Pipedrive', []],
  ['Gong', [], { mode: 'name' }],
  ['Outreach', [], { mode: 'context' }],
  ['Salesloft', []],
  ['ZoomInfo', []],
  ['Clearbit', []],
  // "Apollo" alone is Apollo GraphQL unless the work is prospecting.
  ['Apollo.io', [], { rules: [{ when: /\bapollo\b/, within: /\b(?:outbound|sequences?|prospect\w*|leads?|reply rate|cold)\b/ }] }],
  ['LinkedIn Sales Navigator', ['Sales Navigator']],
  ['Clari', []],
  ['PandaDoc', []],
  ['Gainsight', ['Gainsight CS']],
  ['ChurnZero', []],
  ['Totango', []],
  ['Vitally', [], { mode: 'proper' }],
  ['Zendesk', ['Zendesk macros', 'Zendesk macro']],
  ['Intercom', [], { mode: 'name' }],
  ['Freshdesk', []],
  ['Help Scout', []],
  ['Jira Service Management', ['Jira Service Desk']],
  ['ServiceNow', []],
  ['Kustomer', []],
  ['Gorgias', []],
  ['QuickBooks', ['QuickBooks Online', 'QBO']],
  ['Xero', []],
  ['NetSuite', []],
  ['SAP', ['SAP S/4HANA', 'S/4HANA'], { mode: 'name' }],
  ['Sage Intacct', []],
  ['Bill.com', [], { properAliases: ['BILL'] }],
  ['Expensify', []],
  ['Gusto', []],
  ['ADP', [], { mode: 'name' }],
  ['Workday', [], { mode: 'proper' }],
  ['BambooHR', []],
  ['Greenhouse', [], { mode: 'proper' }],
  ['Navan', []],
  ['Rippling', []],
  ['Deel', [], { mode: 'name' }],
  ['Ramp', [], { mode: 'context' }],
  ['Brex', []],
  ['Chargebee', []],
  ['Recurly', []],
  ['Zuora', []],
  ['Avalara', []],
  ['Carta', [], { mode: 'name' }],
  ['Anaplan', []],
  ['Adaptive Planning', ['Adaptive Insights']],
  ['Microsoft Excel', ['Excel models', 'Excel model'], { nameAliases: ['Excel'] }],
  ['Google Sheets', ['GSheets', 'Google Sheet'], { properAliases: ['Sheets'] }],
  ['Spreadsheets', ['spreadsheet', 'spreadsheets']],
  ['Mailchimp', []],
  ['Customer.io', []],
  ['Braze', []],
  ['Iterable', [], { mode: 'proper' }],
  ['Klaviyo', []],
  ['Marketo', []],
  ['Pardot', ['Marketing Cloud Account Engagement']],
  ['ActiveCampaign', []],
  ['Webflow', []],
  ['Contentful', []],
  ['Strapi', []],
  ['Hootsuite', []],
  ['Semrush', []],
  ['Ahrefs', []],
  ['Google Search Console', []],
  ['Google Ads', ['AdWords']],
  ['Meta Ads', ['Facebook Ads', 'Meta Ads Manager']],
  ['LinkedIn Ads', ['LinkedIn Campaign Manager']],
])

export const BUSINESS_ENTRIES: readonly SkillEntry[] = [...PRODUCT, ...SALES, ...CUSTOMERS, ...FINANCE, ...MARKETING, ...BUSINESS_TOOLS]
