import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../activity-event.js';
import { buildHeartbeat, buildMysqlEvent, buildPayload, buildPostgresEvent } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import { matchesFilter, type EventFilter } from './event-filter.js';
import { validateEventFilter } from './event-filter-schema.js';
import { FilterQueryError, filterFromQuery, filterToQuery } from './filter-query.js';

const [query, rdsadmin, failed, heartbeat, pg, multiObject] = normaliseEvents(
  buildPayload([
    buildMysqlEvent({ logTime: '2020-07-06 20:43:51.636563+00' }),
    buildMysqlEvent({ dbUserName: 'rdsadmin', databaseName: 'mysql', remoteHost: 'localhost', logTime: '2020-07-06 20:43:52.000000+00' }),
    buildMysqlEvent({ exitCode: '1146', commandText: 'SELECT * FROM Missing_Table', logTime: '2020-07-06 20:43:53.000001+00' }),
    buildHeartbeat('mysql', { logTime: '2020-07-06 20:43:54.000000+00' }),
    buildPostgresEvent({ dbUserName: 'Reporting', objectName: 'public.orders', logTime: '2020-07-06 20:43:55.000000+00' }),
    buildMysqlEvent({ objectName: 'orders,customers', command: 'READ', class: 'AUX', logTime: '2020-07-06 20:43:56.000000+00' }),
  ]),
) as ActivityEvent[];
const all = [query, rdsadmin, failed, heartbeat, pg, multiObject] as ActivityEvent[];
const pick = (filter: EventFilter) => all.filter((e) => matchesFilter(e, filter));

describe('matchesFilter', () => {
  it('hides heartbeats by default and keeps rdsadmin unless asked', () => {
    expect(pick({})).toEqual([query, rdsadmin, failed, pg, multiObject]);
    expect(pick({ heartbeats: true })).toHaveLength(6);
    expect(pick({ rdsadmin: false })).not.toContain(rdsadmin);
  });
  it('matches users, databases, commands and hosts exactly, ignoring case', () => {
    expect(pick({ users: ['reporting'] })).toEqual([pg]);
    expect(pick({ users: ['report'] })).toEqual([]);
    expect(pick({ databases: ['MYSQL', 'postgres'] })).toEqual([rdsadmin, pg]);
    expect(pick({ commands: ['select'] })).toEqual([pg]);
    expect(pick({ hosts: ['LOCALHOST'] })).toEqual([rdsadmin]);
  });
  it('matches objects exactly or as an element of a comma-separated list', () => {
    expect(pick({ objects: ['public.orders'] })).toEqual([pg]);
    expect(pick({ objects: ['CUSTOMERS'] })).toEqual([multiObject]);
    expect(pick({ objects: ['orders'] })).toEqual([multiObject]);
  });
  it('finds text case-insensitively and splits ok from failed', () => {
    expect(pick({ text: 'missing_TABLE' })).toEqual([failed]);
    expect(pick({ exit: 'failed' })).toEqual([failed]);
    expect(pick({ exit: 'ok' })).not.toContain(failed);
  });
  it('bounds time with inclusive from and exclusive to, to the microsecond', () => {
    expect(pick({ from: '2020-07-06T20:43:52Z', to: '2020-07-06T20:43:53.000001Z' })).toEqual([rdsadmin]);
    expect(pick({ from: '2020-07-06T20:43:53.000001Z', to: '2020-07-06T20:43:55Z' })).toEqual([failed]);
    expect(pick({ from: '2020-07-06T22:43:55+02:00' })).toEqual([pg, multiObject]);
  });
  it('matches statement categories, from the stored category or computed', () => {
    expect(pick({ categories: ['DQL'] })).toEqual([query, rdsadmin, failed, pg, multiObject]);
    expect(pick({ categories: ['DDL', 'DCL'] })).toEqual([]);
    // A stored event's category wins over the text (it was computed from the text as stored).
    const stored = { ...query, category: 'DDL' } as ActivityEvent;
    expect(matchesFilter(stored, { categories: ['DDL'] })).toBe(true);
    expect(matchesFilter(stored, { categories: ['DQL'] })).toBe(false);
  });
  it('excludes values (not), keeping events without the field, objects per list element', () => {
    expect(pick({ not: { users: ['RDSADMIN'] } })).toEqual([query, failed, pg, multiObject]);
    expect(pick({ not: { users: ['app_user'], databases: ['postgres'] } })).toEqual([rdsadmin]);
    expect(pick({ not: { objects: ['customers'] } })).not.toContain(multiObject);
    expect(pick({ not: { objects: ['customers'] } })).toContain(query);
    expect(pick({ not: { hosts: ['localhost'] }, heartbeats: true })).toContain(heartbeat);
    expect(pick({ not: { categories: ['DQL'] } })).toEqual([]);
    // Include and exclude together: both hold.
    expect(pick({ users: ['app_user', 'rdsadmin'], not: { users: ['rdsadmin'] }, exit: 'failed' })).toEqual([failed]);
    expect(pick({ not: { users: [] } })).toEqual(pick({}));
  });
  it('combines criteria with AND', () => {
    expect(pick({ users: ['app_user'], text: 'products' })).toEqual([query, multiObject]);
    expect(pick({ users: ['app_user'], text: 'select', exit: 'failed' })).toEqual([failed]);
  });
});

describe('filterFromQuery / filterToQuery', () => {
  it('reads PostgreSQL classes (class=ddl, class!=READ) and matches them case-insensitively, keeping events without a class on exclusion', () => {
    const filter = filterFromQuery({ class: 'ddl,write', 'class!': 'READ' });
    expect(filter).toEqual({ classes: ['ddl', 'write'], not: { classes: ['READ'] } });
    expect(filterFromQuery(filterToQuery(filter))).toEqual(filter);
    const event = (eventClass: string | null) => ({ kind: 'record', user: 'app', eventClass }) as unknown as Parameters<typeof matchesFilter>[0];
    expect(matchesFilter(event('DDL'), { classes: ['ddl'] })).toBe(true);
    expect(matchesFilter(event('READ'), { classes: ['ddl'] })).toBe(false);
    expect(matchesFilter(event('READ'), { not: { classes: ['read'] } })).toBe(false);
    expect(matchesFilter(event(null), { not: { classes: ['read'] } })).toBe(true);
  });

  it('reads repeatable and comma-separated params', () => {
    const filter = filterFromQuery({ user: ['a', 'b,c'], database: 'x', q: 'select', exitCode: 'failed', heartbeats: 'true', rdsadmin: 'false', from: '2020-07-06', limit: '5' });
    expect(filter).toEqual({ users: ['a', 'b', 'c'], databases: ['x'], text: 'select', exit: 'failed', heartbeats: true, rdsadmin: false, from: '2020-07-06T00:00:00.000000Z' });
    expect(filterFromQuery(filterToQuery(filter))).toEqual(filter);
  });
  it('reads exclusions as the names with ! (user!=x), and writes them back', () => {
    const filter = filterFromQuery({ 'user!': ['rdsadmin', 'rdssec,rdsadmin'], user: 'app', 'host!': 'localhost', 'category!': 'ddl', 'object!': 'a.b' });
    expect(filter).toEqual({ users: ['app'], not: { users: ['rdsadmin', 'rdssec'], hosts: ['localhost'], objects: ['a.b'], categories: ['DDL'] } });
    expect(filterToQuery(filter)).toEqual({ user: 'app', 'user!': 'rdsadmin,rdssec', 'object!': 'a.b', 'host!': 'localhost', 'category!': 'DDL' });
    expect(filterFromQuery(filterToQuery(filter))).toEqual(filter);
    // As a browser writes it: URLSearchParams parses `user!=x` into the key `user!`.
    expect(filterFromQuery(Object.fromEntries(new URLSearchParams('user!=bob&database!=shop')))).toEqual({ not: { users: ['bob'], databases: ['shop'] } });
    expect(() => filterFromQuery({ 'category!': 'nope' })).toThrow(FilterQueryError);
  });
  it('reads categories in any case and keeps them canonical', () => {
    expect(filterFromQuery({ category: ['ddl,DCL', 'Auth', 'ddl'] })).toEqual({ categories: ['DDL', 'DCL', 'auth'] });
    expect(filterToQuery({ categories: ['DDL', 'auth'] })).toEqual({ category: 'DDL,auth' });
  });
  it.each([
    [{ category: 'DDLX' }, 'category'],
    [{ exitCode: 'maybe' }, 'exitCode'],
    [{ heartbeats: 'yes' }, 'heartbeats'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2020-01-02', to: '2020-01-01' }, 'from'],
    [{ q: ['a', 'b'] }, 'q'],
  ])('names the bad param in %j', (q, param) => {
    expect(() => filterFromQuery(q)).toThrow(FilterQueryError);
    try {
      filterFromQuery(q);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_FILTER_PARAM', param });
    }
  });
});

describe('validateEventFilter', () => {
  it('accepts a filter and refuses unknown keys, wrong types and bad times', () => {
    expect(validateEventFilter({ users: ['a'], exit: 'ok', from: '2020-01-01T02:00:00+02:00' })).toEqual({
      ok: true,
      value: { users: ['a'], exit: 'ok', from: '2020-01-01T00:00:00.000000Z' },
    });
    expect(validateEventFilter({ user: ['a'] })).toMatchObject({ ok: false });
    expect(validateEventFilter({ not: { users: ['a'], categories: ['DDL'] } })).toMatchObject({ ok: true });
    expect(validateEventFilter({ not: { user: ['a'] } })).toMatchObject({ ok: false });
    expect(validateEventFilter({ categories: ['DDL', 'auth'] })).toMatchObject({ ok: true });
    expect(validateEventFilter({ categories: ['ddl'] })).toMatchObject({ ok: false, issues: [{ path: '/categories/0' }] });
    expect(validateEventFilter({ exit: 'maybe' })).toMatchObject({ ok: false, issues: [{ path: '/exit' }] });
    expect(validateEventFilter({ from: 'soon' })).toEqual({ ok: false, issues: [{ path: '/from', message: 'must be an ISO 8601 time' }] });
    expect(validateEventFilter({ from: '2020-01-02', to: '2020-01-01' })).toMatchObject({ ok: false, issues: [{ path: '/from' }] });
  });
});
