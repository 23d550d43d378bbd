import { afterEach, describe, expect, it } from 'vitest';
import { normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import type { LiveServerFrame, StoredEvent } from '@das/contracts';
import { createLiveHub, type LiveHub, type LiveSocket } from './live-hub.js';

const hubs: LiveHub[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

function fakeSocket(): LiveSocket & { frames: LiveServerFrame[]; bufferedAmount: number } {
  const socket = {
    readyState: 1,
    bufferedAmount: 0,
    frames: [] as LiveServerFrame[],
    send(data: string) {
      socket.frames.push(JSON.parse(data) as LiveServerFrame);
    },
  };
  return socket;
}

function stored(users: string[]): StoredEvent[] {
  return normaliseEvents(buildPayload(users.map((u) => buildMysqlEvent({ dbUserName: u })))).map((e, i) => ({
    ...e,
    id: i + 1,
    shardId: 'shard-a',
    sequenceNumber: String(i + 1),
  }));
}

describe('live hub', () => {
  it('batches events per client filter and sends them on flush', () => {
    const hub = createLiveHub({ flushIntervalMs: 60_000 });
    hubs.push(hub);
    const all = fakeSocket();
    const onlyBob = fakeSocket();
    hub.addClient(all, {});
    const bob = hub.addClient(onlyBob, { users: ['bob'] });
    hub.publish(stored(['alice', 'bob', 'carol']));
    expect(all.frames).toEqual([]);
    hub.flush();
    expect(all.frames).toHaveLength(1);
    expect(all.frames[0]).toMatchObject({ type: 'events' });
    expect((all.frames[0] as { events: StoredEvent[] }).events.map((e) => e.user)).toEqual(['alice', 'bob', 'carol']);
    expect((onlyBob.frames[0] as { events: StoredEvent[] }).events.map((e) => e.user)).toEqual(['bob']);
    bob.setFilter({ users: ['carol'] });
    hub.publish(stored(['bob', 'carol']));
    hub.flush();
    expect((onlyBob.frames[1] as { events: StoredEvent[] }).events.map((e) => e.user)).toEqual(['carol']);
    bob.remove();
    expect(hub.clientCount).toBe(1);
  });

  it('drops events for a backed-up client, tells it how many, and keeps serving the others', () => {
    let dropped = 0;
    const hub = createLiveHub({ flushIntervalMs: 60_000, maxBufferedBytes: 1000, onDropped: (n) => (dropped += n) });
    hubs.push(hub);
    const slow = fakeSocket();
    const fast = fakeSocket();
    hub.addClient(slow, {});
    hub.addClient(fast, {});
    slow.bufferedAmount = 5000;
    hub.publish(stored(['a', 'b', 'c']));
    hub.flush();
    hub.publish(stored(['d', 'e']));
    hub.flush();
    expect(slow.frames).toEqual([]);
    expect(fast.frames).toHaveLength(2);
    expect(dropped).toBe(5);
    slow.bufferedAmount = 0;
    hub.publish(stored(['f']));
    hub.flush();
    expect(slow.frames).toEqual([{ type: 'dropped', count: 5 }, expect.objectContaining({ type: 'events' })]);
  });

  it('sends at most the rate cap per second, a sample of what matched, and counts the rest as skipped', () => {
    const hub = createLiveHub({ flushIntervalMs: 60_000, defaultMaxRate: 2 });
    hubs.push(hub);
    const socket = fakeSocket();
    const other = fakeSocket();
    hub.addClient(socket, {});
    hub.addClient(other, { users: ['a', 'b', 'c', 'd', 'e'] }, { maxRate: 10 });
    hub.publish(stored(['a', 'b', 'c', 'd']));
    hub.flush();
    const [first] = socket.frames as Extract<LiveServerFrame, { type: 'events' }>[];
    expect(first).toMatchObject({ type: 'events', matched: 4, skipped: 2 });
    expect(first?.events).toHaveLength(2);
    // A sample in store order, of the events published.
    expect(first?.events.map((e) => e.id)).toEqual([...(first?.events.map((e) => e.id) ?? [])].sort((x, y) => x - y));
    expect(first?.events.every((e) => ['a', 'b', 'c', 'd'].includes(e.user as string))).toBe(true);
    // The cap holds over the second: nothing more is sent, but the matches are still counted.
    hub.publish(stored(['e', 'f']));
    hub.flush();
    expect(socket.frames[1]).toEqual({ type: 'events', events: [], matched: 2, skipped: 2 });
    // Another subscription, with its own cap, got everything it matched.
    expect(other.frames.map((f) => (f.type === 'events' ? [f.events.length, f.matched, f.skipped] : f.type))).toEqual([
      [4, 4, 0],
      [1, 1, 0],
    ]);
  });
});
