import { describe, expect, it } from 'vitest';
import type { WorkerClient } from '../api/worker-client.js';
import type { EventFilter } from '../domain.js';
import { makeEvents } from '../testing/events.js';
import { createFakeBackend } from '../testing/fake-backend.js';
import { HistoryState } from './history.svelte.js';

/** A worker whose store holds 120 events, served newest first in pages by numeric cursor. */
function fakeWorker(calls: { filter: EventFilter; cursor?: string }[]): WorkerClient {
  const all = makeEvents(120).reverse();
  return {
    async listEvents(filter, page = {}) {
      calls.push({ filter, cursor: page.cursor });
      const start = Number(page.cursor ?? 0);
      const limit = page.limit ?? 100;
      const next = start + limit < all.length ? String(start + limit) : null;
      return { events: all.slice(start, start + limit), next };
    },
    getEvent: async () => all[0]!,
    facets: async () => ({ total: 120, users: [{ value: 'app', count: 30 }], databases: [], commands: [], objects: [] }),
    histogram: async () => ({ intervalMs: 60_000, buckets: [{ start: 0, total: 120, byCommand: { QUERY: 120 } }] }),
    exportEvents: async () => new Blob(['{}\n']),
    listDeadLetters: async () => ({ deadLetters: [], next: null }),
    replayDeadLetters: async () => ({ examined: 0, recovered: 0, events: 0, stillFailing: 0, retryLater: 0, interrupted: false }),
  };
}

describe('HistoryState', () => {
  it('pages forward and back by cursor', async () => {
    const calls: { filter: EventFilter; cursor?: string }[] = [];
    const backend = createFakeBackend();
    backend.worker = () => fakeWorker(calls);
    const history = new HistoryState(backend, () => Date.parse('2026-11-25T04:00:00Z'));
    await history.search();
    expect([history.events.length, history.next, history.pageNumber]).toEqual([50, '50', 1]);
    expect(history.facets?.total).toBe(120);
    expect(history.histogram?.buckets).toHaveLength(1);
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
    history.range = '15m';
    await history.setFilter({ users: ['app'] });
    expect(calls[0]?.filter).toEqual({ users: ['app'], from: '2026-11-25T03:45:00.000Z' });
    history.range = 'custom';
    history.customFrom = '2026-11-25T01:00';
    expect(history.effectiveFilter().from).toBe(new Date('2026-11-25T01:00').toISOString());
    history.range = 'all';
    expect(history.effectiveFilter()).toEqual({ users: ['app'] });
  });

  it('shows a worker failure as an error', async () => {
    const backend = createFakeBackend();
    const history = new HistoryState(backend);
    await history.search();
    expect(history.error).toMatch(/worker not scripted/);
  });
});
