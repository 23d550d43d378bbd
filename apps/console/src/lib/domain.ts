// The one seam between the console and @das/core's browser entry: the event shape and the filter
// semantics the worker also applies. INTERIM: mirrors @das/core until `@das/core/browser` is exported;
// then this file becomes re-exports only.

/** Engine of the source database. */
export type DasEngine = 'mysql' | 'postgres' | 'other';

/** One activity event in the engine-neutral shape (see @das/core `ActivityEvent`). */
export interface ActivityEvent {
  engine: DasEngine;
  kind: 'record' | 'heartbeat';
  time: string;
  timeMs: number;
  clusterId: string;
  instanceId: string;
  user: string | null;
  database: string | null;
  command: string | null;
  eventClass: string | null;
  objectType: string | null;
  objectName: string | null;
  text: string | null;
  exitCode: number | null;
  failed: boolean;
  errorMessage: string | null;
  remoteHost: string | null;
  remotePort: string | null;
  sessionId: string | null;
  pid: number | null;
  statementId: number | null;
  substatementId: number | null;
  rowCount: number | null;
  clientApplication: string | null;
  raw: Record<string, unknown>;
}

/** A serialisable event filter (see @das/core `EventFilter`). */
export interface EventFilter {
  users?: string[];
  databases?: string[];
  commands?: string[];
  objects?: string[];
  hosts?: string[];
  text?: string;
  exit?: 'ok' | 'failed';
  heartbeats?: boolean;
  rdsadmin?: boolean;
  from?: string;
  to?: string;
}

const RDS_HOUSEKEEPING_USERS = ['rdsadmin', 'rdssec'];

type Predicate = (event: ActivityEvent) => boolean;
const compiled = new WeakMap<EventFilter, Predicate>();

function lowerSet(values: readonly string[] | undefined): Set<string> | undefined {
  return values === undefined || values.length === 0 ? undefined : new Set(values.map((v) => v.toLowerCase()));
}

function inSet(set: Set<string>, value: string | null): boolean {
  return value !== null && set.has(value.toLowerCase());
}

function compile(filter: EventFilter): Predicate {
  const checks: Predicate[] = [];
  if (filter.heartbeats !== true) checks.push((e) => e.kind !== 'heartbeat');
  if (filter.rdsadmin === false) {
    const hidden = new Set(RDS_HOUSEKEEPING_USERS);
    checks.push((e) => !inSet(hidden, e.user));
  }
  const lists: [Set<string> | undefined, (e: ActivityEvent) => string | null][] = [
    [lowerSet(filter.users), (e) => e.user],
    [lowerSet(filter.databases), (e) => e.database],
    [lowerSet(filter.commands), (e) => e.command],
    [lowerSet(filter.hosts), (e) => e.remoteHost],
  ];
  for (const [set, pick] of lists) if (set) checks.push((e) => inSet(set, pick(e)));
  const objects = lowerSet(filter.objects);
  if (objects) {
    checks.push((e) => e.objectName !== null && e.objectName.split(',').some((p) => objects.has(p.trim().toLowerCase())));
  }
  if (filter.text !== undefined && filter.text !== '') {
    const needle = filter.text.toLowerCase();
    checks.push((e) => e.text !== null && e.text.toLowerCase().includes(needle));
  }
  if (filter.exit === 'ok') checks.push((e) => !e.failed);
  if (filter.exit === 'failed') checks.push((e) => e.failed);
  const from = filter.from === undefined ? undefined : Date.parse(filter.from);
  if (from !== undefined && !Number.isNaN(from)) checks.push((e) => e.timeMs >= from);
  const to = filter.to === undefined ? undefined : Date.parse(filter.to);
  if (to !== undefined && !Number.isNaN(to)) checks.push((e) => e.timeMs < to);
  return (event) => checks.every((check) => check(event));
}

/** True when the event passes the filter (heartbeats excluded unless asked for). */
export function matchesFilter(event: ActivityEvent, filter: EventFilter): boolean {
  let predicate = compiled.get(filter);
  if (predicate === undefined) {
    predicate = compile(filter);
    compiled.set(filter, predicate);
  }
  return predicate(event);
}

/** The worker's query parameters for a filter (`user`, `database`, …, `q`, `exitCode`). */
export function filterToQuery(filter: EventFilter): Record<string, string> {
  const query: Record<string, string> = {};
  const lists = [
    ['user', filter.users],
    ['database', filter.databases],
    ['command', filter.commands],
    ['object', filter.objects],
    ['host', filter.hosts],
  ] as const;
  for (const [param, list] of lists) if (list !== undefined && list.length > 0) query[param] = list.join(',');
  if (filter.text !== undefined && filter.text !== '') query.q = filter.text;
  if (filter.exit !== undefined) query.exitCode = filter.exit;
  if (filter.heartbeats === true) query.heartbeats = 'true';
  if (filter.rdsadmin === false) query.rdsadmin = 'false';
  if (filter.from !== undefined) query.from = filter.from;
  if (filter.to !== undefined) query.to = filter.to;
  return query;
}
