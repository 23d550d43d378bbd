import Type from 'typebox';
import { EventFilterSchema } from '../filters/event-filter-schema.js';
import { STATEMENT_CATEGORIES } from '../statements/statement-category.js';

// An alert rule is data (a YAML/JSON file, or the API): the event filter of GET /events plus
// rule-specific conditions, and one of six kinds. The engine (rule-engine.ts) runs it.

export const ALERT_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_RULE_KINDS = ['event', 'threshold', 'first_seen', 'sum', 'time_of_day', 'stream_health'] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** Event fields a rule may group by, count distinct values of, or watch for new values of. */
export const RULE_FIELDS = [
  'user',
  'database',
  'remoteHost',
  'sessionId',
  'clusterId',
  'instanceId',
  'objectName',
  'command',
  'eventClass',
  'clientApplication',
  'category',
] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: Type.TLiteral<T[K]> };
function literals<const T extends readonly string[]>(values: T): Type.TUnion<Literals<T>> {
  return Type.Union(values.map((v) => Type.Literal(v))) as unknown as Type.TUnion<Literals<T>>;
}

const Names = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 500, description }));
const Fields = (minItems: number) => Type.Array(literals(RULE_FIELDS), { minItems, maxItems: 6 });

const { from: _from, to: _to, ...filterFields } = EventFilterSchema.properties;

/** The `GET /events` filter without a time range (a rule runs on the live stream). */
export const RuleFilterSchema = Type.Object(filterFields, { additionalProperties: false });

/**
 * Which events a rule looks at: the `GET /events` filter fields (users, databases, commands,
 * objects, hosts, text, exit, heartbeats, rdsadmin) plus rule-only conditions. All given
 * conditions must hold.
 */
export const RuleMatchSchema = Type.Object(
  {
    ...filterFields,
    /** Statement categories (statementCategory), any of. */
    categories: Type.Optional(Type.Array(literals(STATEMENT_CATEGORIES), { minItems: 1, maxItems: 7 })),
    /** Statement verbs (statementVerb) the statement starts with, e.g. `DROP`, `ALTER TABLE`; any of. */
    verbs: Names('statement verbs, e.g. DROP, TRUNCATE, ALTER TABLE'),
    /** Regular expressions (case-insensitive) on the statement text; any of. */
    patterns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 50 })),
    /** Regular expressions (case-insensitive) on the statement text: an event matching any is left out. */
    excludePatterns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 50 })),
    /** The event touches one of these tables (`table` or `schema.table`) or columns: by object name or as a word of the statement. */
    sensitive: Type.Optional(
      Type.Object(
        {
          objects: Names('tables, `table` or `schema.table`'),
          columns: Names('column names'),
        },
        { additionalProperties: false },
      ),
    ),
    /** The object's schema (the `schema.` of its name, else the session database) is one of these. */
    objectSchemas: Names('schemas the object must be in'),
    /** … is none of these. */
    excludeObjectSchemas: Names('schemas the object must not be in'),
    /** Events that match this filter are left out. */
    exclude: Type.Optional(RuleFilterSchema),
  },
  { additionalProperties: false },
);

const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM, 24-hour' });

const common = {
  /** Stable id: names the rule in alerts, state and dedup keys. */
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$', description: 'lower-case letters, digits, _ . -' }),
  /** Title template, e.g. `{{count}} failed logins for {{user}} from {{host}}` (rule-template.ts lists the fields). */
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  severity: literals(ALERT_SEVERITIES),
  /** Default true. */
  enabled: Type.Optional(Type.Boolean()),
  match: Type.Optional(RuleMatchSchema),
  /** After an alert, further alerts of the same group are held back this long (event time). */
  suppressSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })),
};

/** Every matching event alerts (one per group and suppression period). */
export const EventRuleSchema = Type.Object(
  { ...common, kind: Type.Literal('event'), groupBy: Type.Optional(Fields(0)) },
  { additionalProperties: false },
);

/** At least `count` matches (or distinct values of `distinct`) in a sliding window, per group. */
export const ThresholdRuleSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('threshold'),
    groupBy: Fields(0),
    count: Type.Integer({ minimum: 1, maximum: 10_000 }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86_400 }),
    /** Count distinct values of this field instead of matches (password spraying: distinct users per host). */
    distinct: Type.Optional(literals(RULE_FIELDS)),
  },
  { additionalProperties: false },
);

/** A value (or tuple) of `fields` not seen before, once the learning period is over. */
export const FirstSeenRuleSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('first_seen'),
    fields: Fields(1),
    /** Seconds of event time, from the first matching event, during which values are learnt silently. */
    learningSeconds: Type.Integer({ minimum: 0, maximum: 365 * 86_400 }),
  },
  { additionalProperties: false },
);

/** A numeric field summed per group across statements (rows read per session) reaching `threshold`. */
export const SumRuleSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('sum'),
    field: Type.Literal('rowCount'),
    groupBy: Fields(1),
    threshold: Type.Number({ exclusiveMinimum: 0 }),
    /** A group with no match for this long starts again from zero (default 3600). */
    idleSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
  },
  { additionalProperties: false },
);

/** A matching event outside the allowed hours (local time of `timeZone`). */
export const TimeOfDayRuleSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('time_of_day'),
    groupBy: Type.Optional(Fields(0)),
    /** IANA zone, e.g. `Europe/Paris`. */
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    /** Allowed days, 0 = Sunday … 6 = Saturday (default Monday to Friday). */
    days: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 1, maxItems: 7 })),
    /** Allowed hours: from `start` (inclusive) to `end` (exclusive); `end` before `start` spans midnight. */
    start: HHMM,
    end: HHMM,
  },
  { additionalProperties: false },
);

/** The stream itself: no event or heartbeat for `silenceSeconds` (wall clock), or events reported dropped. */
export const StreamHealthRuleSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('stream_health'),
    silenceSeconds: Type.Integer({ minimum: 1, maximum: 7 * 86_400 }),
    /** Alert on `events_dropped` signals too (default true). */
    dropped: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ALERT_RULE_SCHEMAS = {
  event: EventRuleSchema,
  threshold: ThresholdRuleSchema,
  first_seen: FirstSeenRuleSchema,
  sum: SumRuleSchema,
  time_of_day: TimeOfDayRuleSchema,
  stream_health: StreamHealthRuleSchema,
} as const;

/** Any alert rule; validate untrusted ones with `validateAlertRule`. */
export const AlertRuleSchema = Type.Union([
  EventRuleSchema,
  ThresholdRuleSchema,
  FirstSeenRuleSchema,
  SumRuleSchema,
  TimeOfDayRuleSchema,
  StreamHealthRuleSchema,
]);

export type RuleFilter = Type.Static<typeof RuleFilterSchema>;
export type RuleMatch = Type.Static<typeof RuleMatchSchema>;
export type EventRule = Type.Static<typeof EventRuleSchema>;
export type ThresholdRule = Type.Static<typeof ThresholdRuleSchema>;
export type FirstSeenRule = Type.Static<typeof FirstSeenRuleSchema>;
export type SumRule = Type.Static<typeof SumRuleSchema>;
export type TimeOfDayRule = Type.Static<typeof TimeOfDayRuleSchema>;
export type StreamHealthRule = Type.Static<typeof StreamHealthRuleSchema>;
export type AlertRule = EventRule | ThresholdRule | FirstSeenRule | SumRule | TimeOfDayRule | StreamHealthRule;

