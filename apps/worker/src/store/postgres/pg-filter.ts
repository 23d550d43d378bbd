import type { EventFilter } from '@das/core';
import { RDS_HOUSEKEEPING_USERS } from '@das/core';
import { isoToMicros } from '../filter-sql.js';

/** Positional parameters of one PostgreSQL statement: `add` returns the placeholder (`$n`). */
export class PgParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const lower = (values: readonly string[]) => values.map((v) => v.toLowerCase());
/** `%`, `_` and `\` match themselves in a LIKE pattern built from user text. */
const likeContains = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Translates an @das/core {@link EventFilter} to a PostgreSQL condition over `das.events` with
 * the semantics of `matchesFilter` (the DuckDB store's `filterToSql`, in this dialect). Text
 * search is `lower(text) LIKE '%…%'`, which the pg_trgm index serves where it exists.
 */
export function filterToPgSql(filter: EventFilter, params: PgParams): string {
  const parts: string[] = [];
  if (filter.heartbeats !== true) parts.push("kind <> 'heartbeat'");
  if (filter.rdsadmin === false) {
    parts.push(`(user_name IS NULL OR lower(user_name) <> ALL(${params.add(RDS_HOUSEKEEPING_USERS)}::text[]))`);
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
    parts.push(`lower(${column}) = ANY(${params.add(lower(values))}::text[])`);
  }
  if (filter.objects !== undefined && filter.objects.length > 0) {
    const objects = params.add(lower(filter.objects));
    parts.push(
      `(lower(object_name) = ANY(${objects}::text[]) OR (strpos(object_name, ',') > 0 AND ` +
        `ARRAY(SELECT trim(x) FROM unnest(string_to_array(lower(object_name), ',')) AS x) && ${objects}::text[]))`,
    );
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
    parts.push(`(${column} IS NULL OR lower(${column}) <> ALL(${params.add(lower(values))}::text[]))`);
  }
  if (not.objects !== undefined && not.objects.length > 0) {
    const objects = params.add(lower(not.objects));
    parts.push(
      `(object_name IS NULL OR NOT (lower(object_name) = ANY(${objects}::text[]) OR (strpos(object_name, ',') > 0 AND ` +
        `ARRAY(SELECT trim(x) FROM unnest(string_to_array(lower(object_name), ',')) AS x) && ${objects}::text[])))`,
    );
  }
  if (not.categories !== undefined && not.categories.length > 0) parts.push(`(category IS NULL OR category <> ALL(${params.add([...not.categories])}::text[]))`);
  // Stored canonical (statementCategory): compared exactly. Events stored before the column have none.
  if (filter.categories !== undefined && filter.categories.length > 0) parts.push(`category = ANY(${params.add([...filter.categories])}::text[])`);
  if (filter.text !== undefined && filter.text !== '') parts.push(`lower(text) LIKE ${params.add(likeContains(filter.text))}`);
  if (filter.exit === 'ok') parts.push('NOT failed');
  if (filter.exit === 'failed') parts.push('failed');
  if (filter.from !== undefined) parts.push(`time_us >= ${params.add(isoToMicros(filter.from).toString())}::bigint`);
  if (filter.to !== undefined) parts.push(`time_us < ${params.add(isoToMicros(filter.to).toString())}::bigint`);
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}
