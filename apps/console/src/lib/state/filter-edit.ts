// Adding a facet value to a filter, as an inclusion or an exclusion (`user!=x`), and taking it out.
import type { EventFilter } from '../domain.js';

/** The list criteria a value can be included in or excluded from. */
export type ListKey = 'users' | 'databases' | 'commands' | 'objects' | 'hosts' | 'classes';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function without(values: readonly string[] | undefined, value: string): string[] | undefined {
  const left = (values ?? []).filter((v) => !same(v, value));
  return left.length === 0 ? undefined : left;
}

/** Sets or removes one list of a filter (an empty list is left out, and so is an empty `not`). */
function setList(filter: EventFilter, key: ListKey, mode: 'include' | 'exclude', values: string[] | undefined): EventFilter {
  if (mode === 'include') {
    const { [key]: _old, ...rest } = filter;
    return values === undefined ? rest : { ...rest, [key]: values };
  }
  const { [key]: _old, ...not } = filter.not ?? {};
  const { not: _not, ...rest } = filter;
  const next = values === undefined ? not : { ...not, [key]: values };
  return Object.keys(next).length === 0 ? rest : { ...rest, not: next };
}

/**
 * The filter with `value` included in (or excluded from) `key`; the value leaves the other side,
 * since a value cannot be both wanted and refused.
 */
export function addValue(filter: EventFilter, key: ListKey, value: string, mode: 'include' | 'exclude'): EventFilter {
  const other = mode === 'include' ? 'exclude' : 'include';
  const cleared = setList(filter, key, other, without(other === 'include' ? filter[key] : filter.not?.[key], value));
  const current = mode === 'include' ? cleared[key] : cleared.not?.[key];
  if ((current ?? []).some((v) => same(v, value))) return cleared;
  return setList(cleared, key, mode, [...(current ?? []), value]);
}

/** The filter without `value` in `key` (included or excluded). */
export function removeValue(filter: EventFilter, key: ListKey, value: string, mode: 'include' | 'exclude'): EventFilter {
  return setList(filter, key, mode, without(mode === 'include' ? filter[key] : filter.not?.[key], value));
}

/** Every excluded value, for chips that take them out. */
export function exclusions(filter: EventFilter): { key: ListKey; value: string }[] {
  const keys: ListKey[] = ['users', 'databases', 'commands', 'objects', 'hosts', 'classes'];
  return keys.flatMap((key) => (filter.not?.[key] ?? []).map((value) => ({ key, value })));
}
