// The parts of a view that travel in the address: filters, columns, and the helpers to read them back.
import { filterFromQuery, filterToQuery, type EventFilter } from '../domain.js';

export type ViewParams = Record<string, string | string[] | undefined>;

/** A screen whose state lives in the URL: it writes `viewParams` and follows `applyParams`. */
export interface UrlView {
  viewParams(): ViewParams;
  applyParams(params: URLSearchParams): void;
  /** Shown before the screen's name in the document title, e.g. the open event. */
  titleDetail?(): string | undefined;
}

/** The filter's criteria as URL parameters (no time bounds: each view says its range its own way). */
export function filterParams(filter: EventFilter): ViewParams {
  const { from: _from, to: _to, ...rest } = filterToQuery(filter);
  return rest;
}

/** The filter named by URL parameters; a damaged parameter is left out rather than failing the page. */
export function filterFromParams(params: URLSearchParams): EventFilter {
  const query: Record<string, string[]> = {};
  for (const [key, value] of params) if (key !== 'from' && key !== 'to') (query[key] ??= []).push(value);
  try {
    return filterFromQuery(query);
  } catch {
    const safe: EventFilter = {};
    for (const key of Object.keys(query)) {
      try {
        Object.assign(safe, filterFromQuery({ [key]: query[key] }));
      } catch {
        // This one parameter is not a filter: skip it.
      }
    }
    return safe;
  }
}

/** Chosen columns as `cols=a,b`, left out when they are the default ones. */
export function columnsParam<T extends string>(columns: readonly T[], defaults: readonly T[]): string | undefined {
  return columns.join(',') === defaults.join(',') ? undefined : columns.join(',');
}

/** Columns from `cols`, in the offered order; unknown names dropped; the defaults when none remain. */
export function columnsFromParam<T extends string>(value: string | null, offered: readonly T[], defaults: readonly T[]): T[] {
  if (value === null) return [...defaults];
  const wanted = value.split(',');
  const known = offered.filter((key) => wanted.includes(key));
  return known.length > 0 ? known : [...defaults];
}

/** Two filters describe the same criteria. */
export function sameFilter(a: EventFilter, b: EventFilter): boolean {
  return JSON.stringify(filterToQuery(a)) === JSON.stringify(filterToQuery(b));
}
