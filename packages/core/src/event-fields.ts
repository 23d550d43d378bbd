// The fields of a normalised ActivityEvent, defined once. The event type, its TypeBox schema
// (schemas/activity-event.ts), the API's stored-event and facet schemas, the worker store's
// columns and the console's columns and facets are all derived from this table. Plain data, no
// typebox: the console bundle imports it (`@das/core/fields`).

/** How a field's value is represented; `nullable` fields may also be null. */
export type EventFieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object';

/** A dimension the UI and the API count values of; `key` is also the filter's list name. */
export interface EventFieldFacet {
  key: 'users' | 'databases' | 'commands' | 'objects' | 'hosts' | 'classes';
  /** Plural heading, e.g. `Users`. */
  label: string;
  /** Part of the store's `GET /events/facets` (and counted there by both stores). */
  stored: boolean;
}

export interface EventField {
  name: string;
  type: EventFieldType;
  nullable: boolean;
  /** Closed set of string values. */
  values?: readonly string[];
  /** Column heading. */
  label: string;
  description?: string;
  facet?: EventFieldFacet;
}

export const ACTIVITY_EVENT_FIELDS = [
  { name: 'engine', type: 'string', nullable: false, values: ['mysql', 'postgres', 'other'], label: 'Engine' },
  { name: 'kind', type: 'string', nullable: false, values: ['record', 'heartbeat'], label: 'Kind' },
  { name: 'time', type: 'string', nullable: false, label: 'Time (UTC)', description: 'ISO 8601 UTC with microseconds' },
  { name: 'timeMs', type: 'number', nullable: false, label: 'Time (epoch ms)', description: 'Epoch milliseconds of `time`, for ranges and sorting' },
  { name: 'clusterId', type: 'string', nullable: false, label: 'Cluster' },
  { name: 'instanceId', type: 'string', nullable: false, label: 'Instance' },
  { name: 'user', type: 'string', nullable: true, label: 'User', facet: { key: 'users', label: 'Users', stored: true } },
  { name: 'database', type: 'string', nullable: true, label: 'Database', facet: { key: 'databases', label: 'Databases', stored: true } },
  { name: 'command', type: 'string', nullable: true, label: 'Command', facet: { key: 'commands', label: 'Commands', stored: true } },
  {
    name: 'eventClass',
    type: 'string',
    nullable: true,
    label: 'Class',
    description: '`class`: MAIN/AUX on MySQL, READ/WRITE/DDL/… on PostgreSQL',
    facet: { key: 'classes', label: 'Classes', stored: true },
  },
  { name: 'objectType', type: 'string', nullable: true, label: 'Object type' },
  { name: 'objectName', type: 'string', nullable: true, label: 'Object', facet: { key: 'objects', label: 'Objects', stored: true } },
  { name: 'text', type: 'string', nullable: true, label: 'Statement', description: '`commandText`: SQL, or object info on MySQL AUX events' },
  { name: 'exitCode', type: 'integer', nullable: true, label: 'Exit' },
  { name: 'failed', type: 'boolean', nullable: false, label: 'Failed', description: 'A non-zero exit code, an error message or a failed login' },
  { name: 'errorMessage', type: 'string', nullable: true, label: 'Error' },
  { name: 'remoteHost', type: 'string', nullable: true, label: 'Host', facet: { key: 'hosts', label: 'Hosts', stored: true } },
  { name: 'remotePort', type: 'string', nullable: true, label: 'Port' },
  { name: 'sessionId', type: 'string', nullable: true, label: 'Session' },
  { name: 'pid', type: 'integer', nullable: true, label: 'PID' },
  { name: 'statementId', type: 'integer', nullable: true, label: 'Statement id' },
  { name: 'substatementId', type: 'integer', nullable: true, label: 'Substatement id' },
  { name: 'rowCount', type: 'integer', nullable: true, label: 'Rows' },
  { name: 'clientApplication', type: 'string', nullable: true, label: 'Client application' },
  { name: 'raw', type: 'object', nullable: false, label: 'Raw', description: 'The event exactly as received, unknown fields included' },
] as const satisfies readonly EventField[];

type Fields = (typeof ACTIVITY_EVENT_FIELDS)[number];
export type ActivityEventFieldName = Fields['name'];

type ValueOf<F extends EventField> = F extends { values: readonly (infer V)[] }
  ? V
  : F['type'] extends 'string'
    ? string
    : F['type'] extends 'integer' | 'number'
      ? number
      : F['type'] extends 'boolean'
        ? boolean
        : Record<string, unknown>;

/** The value type of each field, null included where the field is nullable. */
export type ActivityEventShape = {
  -readonly [F in Fields as F['name']]: F['nullable'] extends true ? ValueOf<F> | null : ValueOf<F>;
};

/** The fields that are facets, in table order. */
export const FACET_FIELDS = ACTIVITY_EVENT_FIELDS.filter(
  (field): field is Extract<Fields, { facet: EventFieldFacet }> => 'facet' in field,
);

/** The label of a field by name. */
export function fieldLabel(name: ActivityEventFieldName): string {
  return ACTIVITY_EVENT_FIELDS.find((field) => field.name === name)?.label ?? name;
}
