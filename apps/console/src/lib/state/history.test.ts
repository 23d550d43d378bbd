import { describe, expect, it } from 'vitest';
import type { WorkerClient } from '../api/worker-client.js';
import type { EventFilter } from '../domain.js';
import { makeEvents } from '../testing/events.js';
import { createFakeBackend } from '../testing/fake-backend.js';
import { HistoryState } from './history.svelte.js';

/** A worker whose store holds 120 events, served newest first in pages by numeric cursor. */
function fakeWorker(calls: { filter: EventFilter; cursor?: string; order?: string }[], groupings: string[] = []): WorkerClient {
  const all = makeEvents(120).reverse();
  return {
    async listEvents(filter, page = {}) {
      calls.push({ filter, cursor: page.cursor, ...(page.order === undefined ? {} : { order: page.order }) });
      const start = Number(page.cursor ?? 0);
      const limit = page.limit ?? 100;
      const next = start + limit < all.length ? String(start + limit) : null;
      return { events: all.slice(start, start + limit), next };
    },
    getEvent: async () => all[0]!,
    facets: async () => ({ total: 120, users: [{ value: 'app', count: 30 }], databases: [], commands: [], objects: [], hosts: [], classes: [] }),
    histogram: async (_filter, groupBy = 'command') => (groupings.push(groupBy), { intervalMs: 60_000, groupBy: 'command' as const, values: ['QUERY'], otherValues: 0, buckets: [{ start: 0, total: 120, byValue: { QUERY: 120 }, other: 0 }] }),
    topStatements: async () => ({ statements: [{ fingerprint: 'select * from orders where id = ?', category: 'DQL', count: 90, lastTime: '2026-12-06T10:00:00.000Z' }] }),
    exportEvents: async () => new Blob(['{}\n']),
    status: async () => {
      throw new Error('not used');
    },
    fleet: async () => {
      throw new Error('not used');
    },
    listDeadLetters: async () => ({ deadLetters: [], next: null }),
    getDeadLetter: async () => {
      throw new Error('no dead letters');
    },
    deadLetterReasons: async () => ({ total: 0, reasons: [] }),
    deadLetterReplayPlan: async () => ({ letters: 0, kmsCalls: 0 }),
    replayDeadLetters: async () => ({ examined: 0, recovered: 0, events: 0, stillFailing: 0, retryLater: 0, interrupted: false }),
    listAlerts: async () => ({ alerts: [], next: null }),
    acknowledgeAlert: notUsed,
    resolveAlert: notUsed,
    alertRules: async () => ({ rules: [] }),
    setAlertRuleEnabled: notUsed,
    dryRunAlertRule: notUsed,
  };
}

async function notUsed(): Promise<never> {
  throw new Error('not used');
}

describe('HistoryState', () => {
  it('sorts oldest first and splits the chart by another field, both in the address', async () => {
    const calls: { filter: EventFilter; cursor?: string; order?: string }[] = [];
    const groupings: string[] = [];
    const backend = createFakeBackend();
    backend.worker = () => fakeWorker(calls, groupings);
    const history = new HistoryState(backend, () => Date.parse('2026-11-25T04:00:00Z'));
    await history.search();
    await history.nextPage();
    await history.setOrder('asc');
    // A new order starts from the first page: a cursor belongs to one order.
    expect(calls.at(-1)).toMatchObject({ order: 'asc', cursor: undefined });
    expect(history.viewParams()).toMatchObject({ order: 'asc', cursor: [] });
    await history.setGroupBy('user');
    expect(groupings.at(-1)).toBe('user');
    expect(history.viewParams()).toMatchObject({ groupBy: 'user' });
    const restored = new HistoryState(backend, () => Date.parse('2026-11-25T04:00:00Z'));
    restored.applyParams(new URLSearchParams('order=asc&groupBy=host&user!=rdsadmin'));
    expect([restored.order, restored.groupBy, restored.filter]).toEqual(['asc', 'host', { not: { users: ['rdsadmin'] } }]);
    restored.applyParams(new URLSearchParams('order=sideways&groupBy=text'));
    expect([restored.order, restored.groupBy]).toEqual(['desc', 'command']);
  });

  it('pages forward and back by cursor', async () => {
    const calls: { filter: EventFilter; cursor?: string }[] = [];
    const backend = createFakeBackend();
    backend.worker = () => fakeWorker(calls);
    const history = new HistoryState(backend, () => Date.parse('2026-11-25T04:00:00Z'));
    await history.search();
    expect([history.events.length, history.next, history.pageNumber]).toEqual([50, '50', 1]);
    expect(history.facets?.total).toBe(120);
    expect(history.histogram?.buckets).toHaveLength(1);
    // Top statements come with the first page, beside the facets.
    expect(history.statements?.statements.map((t) => [t.fingerprint, t.count])).toEqual([['select * from orders where id = ?', 90]]);
    await history.nextPage();
    await history.nextPage();
    expect([history.events.length, history.next, history.pageNumber]).toEqual([20, null, 3]);
    await history.previousPage();
    expect([history.events[0]?.id, history.pageNumber]).toEqual([70, 2]);
    expect(calls.map((c) => c.cursor)).toEqual([undefined, '50', '100', '50']);
  });

  it('turns the range preset into a from bound and keeps the filter', async () => {
    const calls: { filter: EventFilter; cursor?: string }[] = [];
    const backend = createFakeBackend();
    backend.worker = () => fakeWorker(calls);
    const history = new HistoryState(backend, () => Date.parse('2026-11-25T04:00:00Z'));
    history.range = { key: '15m' };
    await history.setFilter({ users: ['app'] });
    expect(calls[0]?.filter).toEqual({ users: ['app'], from: '2026-11-25T03:45:00.000Z' });
    history.range = { key: 'custom', from: '2026-11-25T01:00:00.000Z' };
    expect(history.effectiveFilter().from).toBe('2026-11-25T01:00:00.000Z');
    history.range = { key: 'all' };
    expect(history.effectiveFilter()).toEqual({ users: ['app'] });
  });

  it('refuses a range that ends before it starts', async () => {
    const backend = createFakeBackend();
    backend.worker = () => fakeWorker([]);
    const history = new HistoryState(backend);
    expect(history.setRange({ key: 'custom', from: '2026-11-25T02:00:00.000Z', to: '2026-11-25T01:00:00.000Z' })).toMatch(/ends before it starts/);
    expect(history.range).toEqual({ key: '1h' });
  });

  it('writes its view to URL parameters and reads the same view back', async () => {
    const calls: { filter: EventFilter; cursor?: string }[] = [];
    const backend = createFakeBackend();
    backend.worker = () => fakeWorker(calls);
    const history = new HistoryState(backend, () => Date.parse('2026-11-25T04:00:00Z'));
    history.setRange({ key: 'custom', from: '2026-11-25T01:00:00.000Z', to: '2026-11-25T02:00:00.000Z' });
    await history.setFilter({ users: ['app', 'report'], text: 'delete' });
    await history.setPageSize(25);
    await history.nextPage();
    history.select(history.events[2]!);
    history.setColumns(['time', 'user', 'remoteHost']);
    const params = history.viewParams();

    const copy = new HistoryState(backend, () => Date.parse('2026-11-25T04:00:00Z'));
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of [v ?? []].flat()) query.append(k, one);
    copy.applyParams(query);
    await copy.ensureLoaded();
    expect(copy.viewParams()).toEqual(params);
    expect(copy.filter).toEqual({ users: ['app', 'report'], text: 'delete' });
    expect(copy.pageNumber).toBe(2);
    expect(copy.selected?.id).toBe(history.selected?.id);
    expect(calls.at(-1)).toMatchObject({ cursor: '25', filter: { from: '2026-11-25T01:00:00.000Z', to: '2026-11-25T02:00:00.000Z' } });
  });

  it('shows no rows under an error, and Retry searches again', async () => {
    const calls: { filter: EventFilter; cursor?: string }[] = [];
    const backend = createFakeBackend();
    backend.worker = () => fakeWorker(calls);
    const history = new HistoryState(backend);
    await history.search();
    expect(history.events.length).toBe(50);
    backend.worker = () => {
      throw new Error('Cannot reach http://127.0.0.1:7401: is it running?');
    };
    await history.search();
    expect([history.events.length, history.facets, history.error]).toEqual([0, null, 'Cannot reach http://127.0.0.1:7401: is it running?']);
    backend.worker = () => fakeWorker(calls);
    await history.retry();
    expect([history.events.length, history.error]).toEqual([50, null]);
  });

  it('shows a worker failure as an error', async () => {
    const backend = createFakeBackend();
    const history = new HistoryState(backend);
    await history.search();
    expect(history.error).toMatch(/worker not scripted/);
  });
});
