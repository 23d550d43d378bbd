import type { EventFilter } from '@das/core';
import { RDS_HOUSEKEEPING_USERS } from '@das/core';

/** A SQL condition with its positional parameters. */
export interface SqlCondition {
  where: string;
  params: (string | number | boolean | bigint)[];
}

/** Microseconds since the epoch of a canonical ISO time (`2020-07-06T20:43:51.636563Z`). */
export function isoToMicros(iso: string): bigint {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  if (match === null) return BigInt(Date.parse(iso)) * 1000n;
  const seconds = Date.parse(`${match[1]}Z`);
  const micros = Number(((match[2] ?? '') + '000000').slice(0, 6));
  return BigInt(seconds) * 1000n + BigInt(micros);
}

// Typed placeholders: DuckDB plans untyped parameters far slower (and per row).
const placeholders = (n: number) => Array.from({ length: n }, () => 'CAST(? AS VARCHAR)').join(', ');
const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());

/**
 * Translates an @das/core {@link EventFilter} to SQL over the `events` table with the same
 * semantics as `matchesFilter` (case-insensitive exact lists, object lists split on commas,
 * text contains, heartbeats hidden unless asked, `from` inclusive, `to` exclusive).
 */
export function filterToSql(filter: EventFilter): SqlCondition {
  const parts: string[] = [];
  const params: SqlCondition['params'] = [];
  if (filter.heartbeats !== true) parts.push("kind <> 'heartbeat'");
  if (filter.rdsadmin === false) {
    parts.push(`(user_name IS NULL OR lower(user_name) NOT IN (${placeholders(RDS_HOUSEKEEPING_USERS.length)}))`);
    params.push(...RDS_HOUSEKEEPING_USERS);
  }
  const lists = [
    ['user_name', filter.users],
    ['database_name', filter.databases],
    ['command', filter.commands],
    ['remote_host', filter.hosts],
    ['event_class', filter.classes],
  ] as const;
  for (const [column, values] of lists) {
    if (values === undefined || values.length === 0) continue;
    parts.push(`lower(${column}) IN (${placeholders(values.length)})`);
    params.push(...lower(values));
  }
  if (filter.objects !== undefined && filter.objects.length > 0) {
    const n = filter.objects.length;
    parts.push(
      `(lower(object_name) IN (${placeholders(n)}) OR (contains(object_name, ',') AND ` +
        `list_has_any(list_transform(string_split(lower(object_name), ','), x -> trim(x)), [${placeholders(n)}])))`,
    );
    params.push(...lower(filter.objects), ...lower(filter.objects));
  }
  // Exclusions keep rows without the value (NULL), as matchesFilter does.
  const not = filter.not ?? {};
  const excluded = [
    ['user_name', not.users],
    ['database_name', not.databases],
    ['command', not.commands],
    ['remote_host', not.hosts],
    ['event_class', not.classes],
  ] as const;
  for (const [column, values] of excluded) {
    if (values === undefined || values.length === 0) continue;
    parts.push(`(${column} IS NULL OR lower(${column}) NOT IN (${placeholders(values.length)}))`);
    params.push(...lower(values));
  }
  if (not.objects !== undefined && not.objects.length > 0) {
    const n = not.objects.length;
    parts.push(
      `(object_name IS NULL OR NOT (lower(object_name) IN (${placeholders(n)}) OR (contains(object_name, ',') AND ` +
        `list_has_any(list_transform(string_split(lower(object_name), ','), x -> trim(x)), [${placeholders(n)}]))))`,
    );
    params.push(...lower(not.objects), ...lower(not.objects));
  }
  if (not.categories !== undefined && not.categories.length > 0) {
    parts.push(`(category IS NULL OR category NOT IN (${placeholders(not.categories.length)}))`);
    params.push(...not.categories);
  }
  // Stored canonical (statementCategory): compared exactly. Events stored before the column have none.
  if (filter.categories !== undefined && filter.categories.length > 0) {
    parts.push(`category IN (${placeholders(filter.categories.length)})`);
    params.push(...filter.categories);
  }
  if (filter.text !== undefined && filter.text !== '') {
    parts.push('contains(lower(text), CAST(? AS VARCHAR))');
    params.push(filter.text.toLowerCase());
  }
  if (filter.exit === 'ok') parts.push('NOT failed');
  if (filter.exit === 'failed') parts.push('failed');
  if (filter.from !== undefined) {
    parts.push('time_us >= CAST(? AS BIGINT)');
    params.push(isoToMicros(filter.from));
  }
  if (filter.to !== undefined) {
    parts.push('time_us < CAST(? AS BIGINT)');
    params.push(isoToMicros(filter.to));
  }
  return { where: parts.length === 0 ? 'TRUE' : parts.join(' AND '), params };
}
