import type { EventFilter } from './event-filter.js';
import { STATEMENT_CATEGORIES, type StatementCategory } from '../statements/statement-category.js';
import { parseUserTime } from '../time.js';

/** A query parameter that cannot become part of an {@link EventFilter}. */
export class FilterQueryError extends Error {
  readonly code = 'INVALID_FILTER_PARAM';
  /** The offending query parameter, e.g. `exitCode`. */
  readonly param: string;
  constructor(param: string, message: string) {
    super(`query parameter ${param}: ${message}`);
    this.name = 'FilterQueryError';
    this.param = param;
  }
}

type Query = Record<string, string | string[] | undefined>;

const LIST_PARAMS = [
  ['user', 'users'],
  ['database', 'databases'],
  ['command', 'commands'],
  ['object', 'objects'],
  ['host', 'hosts'],
  ['class', 'classes'],
] as const;

const MAX_LIST = 100;

// Categories are named case-insensitively in a URL (`category=ddl`) and kept canonical.
const CATEGORY_BY_LOWER = new Map<string, StatementCategory>(STATEMENT_CATEGORIES.map((c) => [c.toLowerCase(), c]));

function values(query: Query, param: string): string[] {
  const raw = query[param];
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}

function list(query: Query, param: string): string[] {
  const found = values(query, param)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (found.length > MAX_LIST) throw new FilterQueryError(param, `at most ${MAX_LIST} values`);
  return [...new Set(found)];
}

function categoryList(query: Query, param: string): StatementCategory[] {
  return [
    ...new Set(
      list(query, param).map((v) => {
        const category = CATEGORY_BY_LOWER.get(v.toLowerCase());
        if (category === undefined) throw new FilterQueryError(param, `must be one of ${STATEMENT_CATEGORIES.join(', ')}, got "${v}"`);
        return category;
      }),
    ),
  ];
}

function single(query: Query, param: string): string | undefined {
  const all = values(query, param).filter((v) => v !== '');
  if (all.length > 1) throw new FilterQueryError(param, 'given more than once');
  return all[0];
}

function booleanParam(query: Query, param: string): boolean | undefined {
  const value = single(query, param);
  if (value === undefined) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new FilterQueryError(param, `must be true or false, got "${value}"`);
}

function timeParam(query: Query, param: string): string | undefined {
  const value = single(query, param);
  if (value === undefined) return undefined;
  const parsed = parseUserTime(value);
  if (parsed === null) throw new FilterQueryError(param, `must be an ISO 8601 time, got "${value}"`);
  return parsed.iso;
}

/**
 * Builds a filter from URL query parameters: `user`, `database`, `command`, `object`, `host`, `class`,
 * `category` (repeatable or comma-separated; categories in any case), the same names with `!` for
 * values excluded (`user!=rdsadmin`, into `not`), `q` (text contains), `exitCode=ok|failed`,
 * `heartbeats=true`, `rdsadmin=false`, `from`, `to` (ISO 8601; stored canonical UTC).
 * Other parameters are ignored. Throws {@link FilterQueryError} naming the bad parameter.
 */
export function filterFromQuery(query: Query): EventFilter {
  const filter: EventFilter = {};
  const not: NonNullable<EventFilter['not']> = {};
  for (const [param, key] of LIST_PARAMS) {
    const included = list(query, param);
    if (included.length > 0) filter[key] = included;
    const excluded = list(query, `${param}!`);
    if (excluded.length > 0) not[key] = excluded;
  }
  const categories = categoryList(query, 'category');
  if (categories.length > 0) filter.categories = categories;
  const notCategories = categoryList(query, 'category!');
  if (notCategories.length > 0) not.categories = notCategories;
  if (Object.keys(not).length > 0) filter.not = not;
  const text = single(query, 'q');
  if (text !== undefined) {
    if (text.length > 1000) throw new FilterQueryError('q', 'longer than 1000 characters');
    filter.text = text;
  }
  const exit = single(query, 'exitCode');
  if (exit !== undefined) {
    if (exit !== 'ok' && exit !== 'failed') throw new FilterQueryError('exitCode', `must be ok or failed, got "${exit}"`);
    filter.exit = exit;
  }
  const heartbeats = booleanParam(query, 'heartbeats');
  if (heartbeats !== undefined) filter.heartbeats = heartbeats;
  const rdsadmin = booleanParam(query, 'rdsadmin');
  if (rdsadmin !== undefined) filter.rdsadmin = rdsadmin;
  const from = timeParam(query, 'from');
  const to = timeParam(query, 'to');
  if (from !== undefined && to !== undefined && from > to) throw new FilterQueryError('from', 'is after to');
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  return filter;
}

/**
 * The inverse of {@link filterFromQuery}: lists are comma-joined, defaults are left out, so
 * `filterFromQuery(filterToQuery(f))` describes the same filter (as long as no list value itself
 * contains a comma; such a value is read back as two).
 */
export function filterToQuery(filter: EventFilter): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [param, key] of LIST_PARAMS) {
    const list = filter[key];
    if (list !== undefined && list.length > 0) query[param] = list.join(',');
  }
  if (filter.categories !== undefined && filter.categories.length > 0) query.category = filter.categories.join(',');
  for (const [param, key] of LIST_PARAMS) {
    const excluded = filter.not?.[key];
    if (excluded !== undefined && excluded.length > 0) query[`${param}!`] = excluded.join(',');
  }
  if (filter.not?.categories !== undefined && filter.not.categories.length > 0) query['category!'] = filter.not.categories.join(',');
  if (filter.text !== undefined && filter.text !== '') query.q = filter.text;
  if (filter.exit !== undefined) query.exitCode = filter.exit;
  if (filter.heartbeats === true) query.heartbeats = 'true';
  if (filter.rdsadmin === false) query.rdsadmin = 'false';
  if (filter.from !== undefined) query.from = filter.from;
  if (filter.to !== undefined) query.to = filter.to;
  return query;
}
