// Reading and writing the console's addresses: `#/<screen>?<view parameters>`.
import { ROUTES, type RoutePath } from './routes.js';

/** A parsed fragment: the screen (null when unknown) and its view parameters. */
export interface Location {
  route: RoutePath | null;
  /** The path as written, kept to say which address was not found. */
  path: string;
  query: URLSearchParams;
}

/** `#/events/history?user=app` → `/events/history` + `user=app`; an empty fragment is the lab. */
export function parseLocation(hash: string): Location {
  const fragment = hash.replace(/^#/, '');
  const mark = fragment.indexOf('?');
  const path = (mark === -1 ? fragment : fragment.slice(0, mark)) || '/lab';
  const query = new URLSearchParams(mark === -1 ? '' : fragment.slice(mark + 1));
  return { route: ROUTES.find((r) => r.path === path)?.path ?? null, path, query };
}

/** The fragment for a screen and its parameters; parameters are sorted so one view has one address. */
export function buildHash(path: string, params: Record<string, string | string[] | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (v !== '') query.append(key, v);
  }
  const text = query.toString();
  return `#${path}${text === '' ? '' : `?${text}`}`;
}

/** The document title of a screen. */
export function titleOf(route: RoutePath | null, detail?: string): string {
  const label = route === null ? 'Not found' : ROUTES.find((r) => r.path === route)!.label;
  return `${detail ? `${detail} · ` : ''}${label} · DAS Toolkit`;
}

/** Query parameters with repeated keys gathered into lists. */
export function groupParams(query: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of query) out.set(key, [...(out.get(key) ?? []), value]);
  return out;
}

/** Parameters from a query string (a copy: changing it changes no address). */
export function paramsOf(query: string): URLSearchParams {
  return new URLSearchParams(query);
}
