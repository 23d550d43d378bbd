import type { AlertRule } from './alert-rule-schema.js';

/** Schemas that belong to the engine, not the application. */
export const SYSTEM_SCHEMAS: readonly string[] = ['mysql', 'information_schema', 'performance_schema', 'sys', 'pg_catalog', 'pg_toast'];

/** Column names read as sensitive when the configuration names none. */
export const DEFAULT_SENSITIVE_COLUMNS: readonly string[] = [
  'card_number',
  'credit_card',
  'cc_number',
  'card_cvv',
  'cvv',
  'ssn',
  'social_security_number',
  'iban',
];

/** What the built-in rules need to know about the deployment; every field has a default. */
export interface BuiltInRuleConfig {
  /** Tables whose reads alert (`table` or `schema.table`); default none. */
  sensitiveObjects?: string[];
  /** Columns whose reads alert; default {@link DEFAULT_SENSITIVE_COLUMNS}. */
  sensitiveColumns?: string[];
  /** Rows one session may read before it alerts (default 100 000). */
  sessionRowsRead?: number;
  /** Business hours: outside them, logins and schema or privilege changes alert (default Monday–Friday 07:00–20:00 UTC). */
  businessHours?: { timeZone: string; days?: number[]; start: string; end: string };
  /** Event time during which client hosts are learnt per user before a new one alerts (default 7 days). */
  newHostLearningSeconds?: number;
  /** Wall-clock seconds without an event or heartbeat before the stream counts as stopped (default 300). */
  streamSilenceSeconds?: number;
}

/**
 * The rules DAS Toolkit ships, each on by default (the set database activity monitors ship).
 * Their ids are stable; a deployment overrides one by giving a rule with the same id.
 */
export function builtInRules(config: BuiltInRuleConfig = {}): AlertRule[] {
  const hours = config.businessHours ?? { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '07:00', end: '20:00' };
  const sensitiveObjects = config.sensitiveObjects ?? [];
  const sensitiveColumns = config.sensitiveColumns ?? [...DEFAULT_SENSITIVE_COLUMNS];
  return [
    {
      id: 'failed-login-burst',
      kind: 'threshold',
      title: '{{count}} failed logins for {{user}} from {{host}}',
      description: 'Five failed logins by one user from one client host within three minutes: password guessing.',
      severity: 'high',
      match: { categories: ['auth'], exit: 'failed' },
      groupBy: ['user', 'remoteHost'],
      count: 5,
      windowSeconds: 180,
      suppressSeconds: 600,
    },
    {
      id: 'password-spraying',
      kind: 'threshold',
      title: 'Failed logins for {{distinct}} users from {{host}}',
      description: 'Failed logins for five different users from one client host within ten minutes: one password tried on many accounts.',
      severity: 'high',
      match: { categories: ['auth'], exit: 'failed' },
      groupBy: ['remoteHost'],
      distinct: 'user',
      count: 5,
      windowSeconds: 600,
      suppressSeconds: 1800,
    },
    {
      id: 'privilege-change',
      kind: 'event',
      title: '{{verb}} by {{user}} from {{host}}',
      description: 'GRANT, REVOKE, CREATE/ALTER/DROP/RENAME USER or ROLE, SET PASSWORD: who may do what changed.',
      severity: 'high',
      match: { categories: ['DCL'], rdsadmin: false },
      groupBy: ['user', 'sessionId'],
      suppressSeconds: 60,
    },
    {
      id: 'destructive-ddl',
      kind: 'event',
      title: '{{verb}} on {{object}} by {{user}}',
      description: 'DROP, TRUNCATE or ALTER of an application schema (system schemas and temporary tables left out).',
      severity: 'high',
      match: {
        categories: ['DDL'],
        verbs: ['DROP', 'TRUNCATE', 'ALTER'],
        excludeObjectSchemas: [...SYSTEM_SCHEMAS],
        excludePatterns: ['\\bdrop\\s+temporary\\s+table\\b'],
        rdsadmin: false,
        exit: 'ok',
      },
      groupBy: ['user', 'sessionId'],
      suppressSeconds: 60,
    },
    {
      id: 'sensitive-read',
      kind: 'event',
      title: '{{user}} read sensitive data ({{object}}) from {{host}}',
      description: 'A read of a table or column configured as sensitive (sensitiveObjects, sensitiveColumns).',
      severity: 'medium',
      match: {
        categories: ['DQL'],
        rdsadmin: false,
        sensitive: {
          ...(sensitiveObjects.length > 0 ? { objects: sensitiveObjects } : {}),
          ...(sensitiveColumns.length > 0 ? { columns: sensitiveColumns } : {}),
        },
      },
      groupBy: ['user', 'sessionId'],
      suppressSeconds: 600,
    },
    {
      id: 'session-rows-read',
      kind: 'sum',
      title: 'Session {{session}} of {{user}} read {{sum}} rows',
      description: 'One session read more rows than the threshold, counted across statements (reading in chunks adds up).',
      severity: 'medium',
      match: { categories: ['DQL'], rdsadmin: false },
      field: 'rowCount',
      groupBy: ['clusterId', 'sessionId', 'user'],
      threshold: config.sessionRowsRead ?? 100_000,
      idleSeconds: 3600,
    },
    {
      id: 'catalog-enumeration',
      kind: 'threshold',
      title: '{{user}} read the catalog {{count}} times from {{host}}',
      description: 'Reads of information_schema, mysql.*, performance_schema, sys or pg_catalog by application users: mapping the database.',
      severity: 'medium',
      match: {
        categories: ['DQL'],
        rdsadmin: false,
        patterns: ['(?<![\\w$])(information_schema|performance_schema|mysql|sys|pg_catalog)\\s*\\.', '(?<![\\w$])pg_(roles|authid|shadow|user|tables|class|namespace|proc)(?![\\w$])'],
      },
      groupBy: ['user', 'remoteHost'],
      count: 10,
      windowSeconds: 60,
      suppressSeconds: 1800,
    },
    {
      id: 'off-hours-activity',
      kind: 'time_of_day',
      title: '{{category}} by {{user}} at {{local_time}}',
      description: 'Logins and schema or privilege changes outside business hours.',
      severity: 'low',
      match: { categories: ['auth', 'DDL', 'DCL'], exit: 'ok', rdsadmin: false, exclude: { commands: ['DISCONNECT'] } },
      groupBy: ['user'],
      ...hours,
      suppressSeconds: 4 * 3600,
    },
    {
      id: 'new-client-host',
      kind: 'first_seen',
      title: '{{user}} logged in from a new host {{host}}',
      description: 'A successful login from a client host never seen for that user (after a learning period).',
      severity: 'medium',
      match: { categories: ['auth'], commands: ['CONNECT', 'CHANGEUSER'], exit: 'ok', rdsadmin: false },
      fields: ['user', 'remoteHost'],
      learningSeconds: config.newHostLearningSeconds ?? 7 * 86_400,
    },
    {
      id: 'stream-health',
      kind: 'stream_health',
      title: 'Activity stream of {{cluster}}: {{signal}}',
      description: 'The activity stream stopped (no event or heartbeat) or the reader dropped events.',
      severity: 'critical',
      silenceSeconds: config.streamSilenceSeconds ?? 300,
      dropped: true,
    },
  ];
}
