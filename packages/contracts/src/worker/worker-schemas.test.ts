import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { EventsQuerySchema, LiveClientFrameSchema, LiveServerFrameSchema, StoredEventSchema } from './index.js';

const event = {
  id: 1, shardId: 'shardId-000000000000', sequenceNumber: '4958', engine: 'mysql', kind: 'record',
  time: '2020-07-06T20:43:51.636563Z', timeMs: 1594068231636, clusterId: 'cluster-X', instanceId: 'db-Y',
  user: 'app', database: 'shop', command: 'QUERY', eventClass: 'MAIN', objectType: 'TABLE', objectName: null,
  text: 'select 1', exitCode: 0, failed: false, errorMessage: null, remoteHost: '10.0.0.1', remotePort: '3306',
  sessionId: '7', pid: 1, statementId: 2, substatementId: 1, rowCount: 1, clientApplication: null, raw: { type: 'record' },
};

describe('worker schemas', () => {
  it('accepts a stored event and rejects one without its origin', () => {
    expect(Value.Check(StoredEventSchema, event)).toBe(true);
    const { shardId: _shardId, ...withoutShard } = event;
    expect(Value.Check(StoredEventSchema, withoutShard)).toBe(false);
  });

  it('takes the derived category and fingerprint, null for events stored before them', () => {
    expect(Value.Check(StoredEventSchema, { ...event, category: 'DQL', fingerprint: 'select ?' })).toBe(true);
    expect(Value.Check(StoredEventSchema, { ...event, category: null, fingerprint: null })).toBe(true);
    expect(Value.Check(StoredEventSchema, { ...event, category: 'dql' })).toBe(false);
  });

  it('tells live frames apart by type', () => {
    expect(Value.Check(LiveServerFrameSchema, { type: 'events', events: [event], matched: 1, skipped: 0 })).toBe(true);
    // The worker's counts of what matched and what it skipped (the rate cap) come with every frame.
    expect(Value.Check(LiveServerFrameSchema, { type: 'events', events: [event] })).toBe(false);
    expect(Value.Check(LiveServerFrameSchema, { type: 'dropped', count: 3 })).toBe(true);
    expect(Value.Check(LiveServerFrameSchema, { type: 'dropped', count: 0 })).toBe(false);
    expect(Value.Check(LiveServerFrameSchema, { type: 'nope' })).toBe(false);
    expect(Value.Check(LiveClientFrameSchema, { type: 'subscribe', filter: { user: ['a', 'b'], q: 'select' } })).toBe(true);
    expect(Value.Check(LiveClientFrameSchema, { type: 'subscribe', filter: { exitCode: 'maybe' } })).toBe(false);
  });

  it('takes list parameters repeated or single', () => {
    expect(Value.Check(EventsQuerySchema, { user: ['a', 'b'], limit: 10 })).toBe(true);
    expect(Value.Check(EventsQuerySchema, { user: 'a', limit: 1001 })).toBe(false);
  });
});
