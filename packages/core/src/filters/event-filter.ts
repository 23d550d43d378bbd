import type { ActivityEvent } from '../activity-event.js';
import { statementCategory } from '../statements/statement-category.js';
import { parseUserTime } from '../time.js';
import type { EventFilter } from './event-filter-schema.js';

export type { EventFilter } from './event-filter-schema.js';

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
  const classes = lowerSet(filter.classes);
  if (classes) checks.push((e) => inSet(classes, e.eventClass));
  // Exclusions: an event without the field is kept (SQL: `col IS NULL OR lower(col) NOT IN …`).
  const not = filter.not;
  if (not !== undefined) {
    const notUsers = lowerSet(not.users);
    if (notUsers) checks.push((e) => !inSet(notUsers, e.user));
    const notDatabases = lowerSet(not.databases);
    if (notDatabases) checks.push((e) => !inSet(notDatabases, e.database));
    const notCommands = lowerSet(not.commands);
    if (notCommands) checks.push((e) => !inSet(notCommands, e.command));
    const notObjects = lowerSet(not.objects);
    if (notObjects) checks.push((e) => !objectMatches(notObjects, e.objectName));
    const notHosts = lowerSet(not.hosts);
    if (notHosts) checks.push((e) => !inSet(notHosts, e.remoteHost));
    const notClasses = lowerSet(not.classes);
    if (notClasses) checks.push((e) => !inSet(notClasses, e.eventClass));
    if (not.categories !== undefined && not.categories.length > 0) {
      const notCategories = new Set<string>(not.categories);
      checks.push((e) => !notCategories.has((e as { category?: string | null }).category ?? statementCategory(e)));
    }
  }
  if (filter.categories !== undefined && filter.categories.length > 0) {
    const categories = new Set<string>(filter.categories);
    // A stored event carries its category; any other event has it computed.
    checks.push((e) => categories.has((e as { category?: string | null }).category ?? statementCategory(e)));
  }
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
