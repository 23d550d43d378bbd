import { describe, expect, it } from 'vitest';
import { filterToQuery, matchesFilter } from '../domain.js';
import { addValue, exclusions, removeValue } from './filter-edit.js';

describe('filter edits', () => {
  it('includes and excludes a value, moving it from one side to the other, and drops empty lists', () => {
    const included = addValue({ text: 'select' }, 'users', 'bob', 'include');
    expect(included).toEqual({ text: 'select', users: ['bob'] });
    const excluded = addValue(included, 'users', 'BOB', 'exclude');
    expect(excluded).toEqual({ text: 'select', not: { users: ['BOB'] } });
    expect(addValue(excluded, 'users', 'bob', 'exclude')).toEqual(excluded);
    const two = addValue(excluded, 'hosts', '10.0.0.1', 'exclude');
    expect(filterToQuery(two)).toEqual({ q: 'select', 'user!': 'BOB', 'host!': '10.0.0.1' });
    expect(exclusions(two)).toEqual([
      { key: 'users', value: 'BOB' },
      { key: 'hosts', value: '10.0.0.1' },
    ]);
    expect(removeValue(removeValue(two, 'users', 'bob', 'exclude'), 'hosts', '10.0.0.1', 'exclude')).toEqual({ text: 'select' });
  });

  it('makes filters that @das/core applies as exclusions', () => {
    const filter = addValue({}, 'users', 'rdsadmin', 'exclude');
    const event = (user: string) => ({ kind: 'record', user, time: '2026-01-01T00:00:00.000000Z', failed: false, text: null }) as never;
    expect(matchesFilter(event('rdsadmin'), filter)).toBe(false);
    expect(matchesFilter(event('app'), filter)).toBe(true);
  });
});
