import { describe, expect, it, vi } from 'vitest';
import { makeEvent, makeEvents } from '../testing/events.js';
import type { Backend } from '../api/backend.js';
import { LiveEvents } from './live-events.svelte.js';

/** A LiveEvents whose render batches run only when the test says so. */
function manualLive(capacity: number) {
  const frames: (() => void)[] = [];
  const live = new LiveEvents(null, { capacity, schedule: (cb) => frames.push(cb), now: () => 1_000_000, storage: null });
  const runFrames = () => frames.splice(0).forEach((cb) => cb());
  return { live, frames, runFrames };
}

describe('LiveEvents', () => {
  it('holds shown + dropped = received exactly when the buffer overflows', () => {
    const { live, runFrames } = manualLive(1000);
    for (let batch = 0; batch < 25; batch += 1) live.ingest(makeEvents(97, batch * 97));
    runFrames();
    expect(live.received).toBe(2425);
    expect(live.shown).toBe(1000);
    expect(live.dropped).toBe(1425);
    expect(live.shown + live.dropped).toBe(live.received);
    expect(live.buffer.at(live.buffer.end - 1)?.id).toBe(2425);
  });

  it('renders once per frame however many batches arrive', () => {
    const { live, frames, runFrames } = manualLive(100);
    live.ingest(makeEvents(10));
    live.ingest(makeEvents(10, 10));
    expect(frames).toHaveLength(1);
    expect(live.received).toBe(0);
    runFrames();
    expect(live.version).toBe(1);
    expect(live.received).toBe(20);
  });

  it('keeps receiving while paused and shows the kept events on resume', () => {
    const { live, runFrames } = manualLive(100);
    live.ingest(makeEvents(5));
    runFrames();
    live.pause();
    live.ingest(makeEvents(7, 5));
    runFrames();
    expect(live.viewEnd).toBe(5);
    expect(live.pendingWhilePaused).toBe(7);
    expect(live.received).toBe(12);
    live.resume();
    expect(live.viewEnd).toBe(12);
  });

  it('keeps matching events on a filter change and rebases the counters', () => {
    const { live, runFrames } = manualLive(100);
    live.ingest(makeEvents(40));
    runFrames();
    live.setFilter({ users: ['app'] });
    expect(live.shown).toBe(10);
    expect(live.received).toBe(10);
    expect(live.dropped).toBe(0);
    live.ingest(makeEvents(8, 40));
    runFrames();
    expect(live.received).toBe(12);
    expect(live.buffer.toArray().every((e) => e.user === 'app')).toBe(true);
  });

  it('counts facets over the events held, forgetting evicted ones', () => {
    const { live, runFrames } = manualLive(4);
    live.ingest([makeEvent(0, { user: 'old' }), ...makeEvents(4, 1).map((e) => ({ ...e, user: 'new' }))]);
    runFrames();
    expect(live.facets.top('user')).toEqual([{ value: 'new', count: 4 }]);
  });

  it('adds a facet value to the filter', () => {
    const { live } = manualLive(10);
    live.addToFilter('command', 'QUERY');
    live.addToFilter('command', 'READ');
    expect(live.filter.commands).toEqual(['QUERY', 'READ']);
  });

  it('clear zeroes everything', () => {
    const { live, runFrames } = manualLive(3);
    live.ingest(makeEvents(5));
    runFrames();
    live.clear();
    expect([live.received, live.shown, live.dropped]).toEqual([0, 0, 0]);
  });

  it('remembers the chosen columns', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    new LiveEvents(null, { storage }).setColumns(['user', 'text']);
    expect(new LiveEvents(null, { storage }).columns).toEqual(['user', 'text']);
  });

  it('opens an event whose texts the live frame cut, then shows the stored one whole; says why when it cannot', async () => {
    const { createFakeBackend } = await import('../testing/fake-backend.js');
    const whole = makeEvent(3, { text: 'INSERT INTO t VALUES (1), (2), (3)' });
    const cut = { ...whole, text: 'INSERT INTO t…', cut: ['text'] };
    const calls: number[] = [];
    let fail = false;
    const backend = {
      ...createFakeBackend(),
      worker: () => ({
        getEvent: async (id: number) => {
          calls.push(id);
          if (fail) throw new Error('worker is down');
          return whole;
        },
      }),
    } as unknown as Backend;
    const live = new LiveEvents(backend, { storage: null });
    const plain = makeEvent(9);
    live.select(plain);
    expect(live.detail).toBe(plain);
    expect(calls).toEqual([]);
    live.select(cut);
    expect(live.detail).toBe(cut);
    await vi.waitFor(() => expect(live.detail).toBe(whole));
    // The selection stays the held (cut) event, so the table still marks its row.
    expect(live.selected).toBe(cut);
    expect(calls).toEqual([whole.id]);
    fail = true;
    live.select(null);
    live.select(cut);
    await vi.waitFor(() => expect(live.detailError).toBe('worker is down'));
    expect(live.detail).toBe(cut);
  });

  it('reconnects after the worker went away, not after a deliberate disconnect', async () => {
    const { createFakeBackend } = await import('../testing/fake-backend.js');
    const backend = createFakeBackend();
    const live = new LiveEvents(backend, { reconnectMs: 1, storage: null });
    live.connect();
    const first = backend.live!;
    first.handlers.onClose?.(1006, '');
    expect(live.connection).toBe('error');
    await vi.waitFor(() => expect(backend.live).not.toBe(first));
    live.disconnect();
    expect(live.connection).toBe('closed');
  });

  it('counts what the worker matched, shown or sampled out, and one rate from its counts; all reset together', () => {
    let now = 1_000_000;
    const frames: (() => void)[] = [];
    const live = new LiveEvents(null, { capacity: 100, schedule: (cb) => frames.push(cb), now: () => now, storage: null });
    const run = () => frames.splice(0).forEach((cb) => cb());
    // Six seconds of 500 matches a second, the worker sending 50 of them (its rate cap).
    for (let second = 0; second < 6; second += 1) {
      live.ingest(makeEvents(50, second * 50), 500, 450);
      now += 1000;
      run();
      live.flush();
    }
    expect([live.received, live.shown, live.serverDropped]).toEqual([3000, 100, 2700]);
    expect(live.shown + live.dropped + live.serverDropped).toBe(live.received);
    expect(live.rate).toBe(500);
    expect(live.sampled).toBeCloseTo(0.1, 5);
    // The chart counts what the sample stands for: the same rate as the figure.
    const chart = live.rates.buckets(now).reduce((n, b) => n + Object.values(b.byKey).reduce((a, c) => a + c, 0), 0);
    expect(chart).toBe(3000);
    // A frame with matches and no events (the cap spent) still counts.
    live.ingest([], 40, 40);
    run();
    expect(live.received).toBe(3040);
    live.clear();
    expect([live.received, live.shown, live.dropped, live.serverDropped, live.rate, live.sampled]).toEqual([0, 0, 0, 0, 0, 1]);
    live.ingest(makeEvents(5, 900), 20, 15);
    live.setFilter({ users: ['app'] });
    expect([live.serverDropped, live.rate]).toEqual([0, 0]);
  });

  it('keeps the chosen columns in their canonical order', () => {
    const { live } = manualLive(3);
    live.setColumns(['text', 'time', 'user']);
    expect(live.columns).toEqual(['time', 'user', 'text']);
  });
});
