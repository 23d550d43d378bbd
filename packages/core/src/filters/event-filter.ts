import Type from 'typebox';
import { Compile } from 'typebox/compile';
import type { ActivityEvent } from '../activity-event.js';
import { parseUserTime } from '../time.js';
import { issuesOf, type ValidationResult } from '../validation.js';
import type { Validator } from 'typebox/compile';

const Values = Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100 }));

/**
 * A serialisable event filter, applied the same way by the worker (server side) and the console
 * (client side). Every given criterion must hold (AND); within a list any value may match (OR).
 */
export const EventFilterSchema = Type.Object(
  {
    /** `dbUserName`, exact, case-insensitive. */
    users: Values,
    /** `databaseName`, exact, case-insensitive. */
    databases: Values,
    /** `command` (QUERY, CONNECT, SELECT, …), exact, case-insensitive. */
    commands: Values,
    /** `objectName`, exact, case-insensitive; a comma-separated MySQL object list matches on any element. */
    objects: Values,
    /** `remoteHost`, exact, case-insensitive. */
    hosts: Values,
    /** Case-insensitive substring of `commandText`. */
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    exit: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('failed')])),
    /** Include heartbeats (default false). */
    heartbeats: Type.Optional(Type.Boolean()),
    /** Include RDS housekeeping by `rdsadmin`/`rdssec` (default true). */
    rdsadmin: Type.Optional(Type.Boolean()),
    /** Inclusive lower bound, ISO 8601. */
    from: Type.Optional(Type.String()),
    /** Exclusive upper bound, ISO 8601. */
    to: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type EventFilter = Type.Static<typeof EventFilterSchema>;

/** Users RDS itself connects as; hidden when `rdsadmin` is false. */
export const RDS_HOUSEKEEPING_USERS: readonly string[] = ['rdsadmin', 'rdssec'];

type Predicate = (event: ActivityEvent) => boolean;

function lowerSet(values: readonly string[] | undefined): Set<string> | undefined {
  return values === undefined || values.length === 0 ? undefined : new Set(values.map((v) => v.toLowerCase()));
}

function inSet(set: Set<string>, value: string | null): boolean {
  return value !== null && set.has(value.toLowerCase());
}

function objectMatches(set: Set<string>, objectName: string | null): boolean {
  if (objectName === null) return false;
  if (set.has(objectName.toLowerCase())) return true;
  return objectName.includes(',') && objectName.split(',').some((part) => set.has(part.trim().toLowerCase()));
}

function boundIso(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseUserTime(value);
  if (parsed === null) throw new RangeError(`filter.${name} is not an ISO 8601 time: ${value}`);
  return parsed.iso;
}

/**
 * Compiles a filter into a predicate (lower-cased sets, parsed bounds) for use on many events.
 * Throws a RangeError when `from`/`to` are not times.
 */
export function compileFilter(filter: EventFilter): Predicate {
  const checks: Predicate[] = [];
  if (filter.heartbeats !== true) checks.push((e) => e.kind !== 'heartbeat');
  if (filter.rdsadmin === false) {
    const hidden = new Set(RDS_HOUSEKEEPING_USERS);
    checks.push((e) => !inSet(hidden, e.user));
  }
  const users = lowerSet(filter.users);
  if (users) checks.push((e) => inSet(users, e.user));
  const databases = lowerSet(filter.databases);
  if (databases) checks.push((e) => inSet(databases, e.database));
  const commands = lowerSet(filter.commands);
  if (commands) checks.push((e) => inSet(commands, e.command));
  const objects = lowerSet(filter.objects);
  if (objects) checks.push((e) => objectMatches(objects, e.objectName));
  const hosts = lowerSet(filter.hosts);
  if (hosts) checks.push((e) => inSet(hosts, e.remoteHost));
  if (filter.text !== undefined && filter.text !== '') {
    const needle = filter.text.toLowerCase();
    checks.push((e) => e.text !== null && e.text.toLowerCase().includes(needle));
  }
  if (filter.exit === 'ok') checks.push((e) => !e.failed);
  if (filter.exit === 'failed') checks.push((e) => e.failed);
  // Canonical ISO strings (6 fraction digits, UTC) compare in time order, to the microsecond.
  const from = boundIso(filter.from, 'from');
  if (from !== undefined) checks.push((e) => e.time >= from);
  const to = boundIso(filter.to, 'to');
  if (to !== undefined) checks.push((e) => e.time < to);
  return (event) => checks.every((check) => check(event));
}

const compiled = new WeakMap<EventFilter, Predicate>();

/**
 * True when the event passes the filter. Heartbeats are excluded unless `heartbeats` is true;
 * rdsadmin housekeeping is included unless `rdsadmin` is false. The compiled form of each filter
 * object is cached, so reuse the same object for many events (do not mutate it afterwards).
 */
export function matchesFilter(event: ActivityEvent, filter: EventFilter): boolean {
  let predicate = compiled.get(filter);
  if (predicate === undefined) {
    predicate = compileFilter(filter);
    compiled.set(filter, predicate);
  }
  return predicate(event);
}

let filterValidator: Validator | undefined;

/**
 * Validates an untrusted filter (e.g. a WebSocket subscription message): schema, and `from`/`to`
 * being ISO 8601 times with `from` not after `to`. Unknown keys are refused. The value returned
 * is a copy with `from`/`to` in canonical form.
 */
export function validateEventFilter(value: unknown): ValidationResult<EventFilter> {
  filterValidator ??= Compile(EventFilterSchema) as unknown as Validator;
  if (!filterValidator.Check(value)) return { ok: false, issues: issuesOf(filterValidator, value) };
  const filter = value as EventFilter;
  const from = filter.from === undefined ? undefined : parseUserTime(filter.from);
  const to = filter.to === undefined ? undefined : parseUserTime(filter.to);
  if (from === null) return { ok: false, issues: [{ path: '/from', message: 'must be an ISO 8601 time' }] };
  if (to === null) return { ok: false, issues: [{ path: '/to', message: 'must be an ISO 8601 time' }] };
  if (from !== undefined && to !== undefined && from.iso > to.iso) return { ok: false, issues: [{ path: '/from', message: 'is after to' }] };
  // Bounds come back canonical (UTC, 6 fraction digits), as filterFromQuery makes them.
  const canonical: EventFilter = { ...filter };
  if (from !== undefined) canonical.from = from.iso;
  if (to !== undefined) canonical.to = to.iso;
  return { ok: true, value: canonical };
}
