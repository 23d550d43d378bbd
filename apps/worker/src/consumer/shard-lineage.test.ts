import { describe, expect, it } from 'vitest';
import { parseStartPosition, readableShards, shardStart, type ShardInfo } from './shard-lineage.js';
import { compareSequenceNumbers } from '../store/sequence-number.js';

const shard = (shardId: string, parentShardId?: string, adjacentParentShardId?: string): ShardInfo => ({ shardId, parentShardId, adjacentParentShardId, closed: false });

describe('checkpoint rules', () => {
  it('reads a child shard only after all of its listed parents are finished', () => {
    const shards = [shard('p0'), shard('p1'), shard('c0', 'p0'), shard('m', 'p0', 'p1'), shard('orphan', 'trimmed')];
    expect(readableShards(shards, new Set()).map((s) => s.shardId)).toEqual(['p0', 'p1', 'orphan']);
    expect(readableShards(shards, new Set(['p0'])).map((s) => s.shardId)).toEqual(['p1', 'c0', 'orphan']);
    expect(readableShards(shards, new Set(['p0', 'p1'])).map((s) => s.shardId)).toEqual(['c0', 'm', 'orphan']);
  });

  it('resumes after the checkpoint, at TRIM_HORIZON for children, else as configured', () => {
    const latest = { type: 'LATEST' } as const;
    const trimHorizon = { type: 'TRIM_HORIZON' } as const;
    const atTime = { type: 'AT_TIMESTAMP', timestampMs: 500 } as const;
    expect(shardStart(shard('a'), { shardId: 'a', sequenceNumber: '42', finished: false, startedAtMs: 1 }, false, latest)).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '42' });
    expect(shardStart(shard('c', 'a'), undefined, true, latest)).toEqual(trimHorizon);
    expect(shardStart(shard('a'), undefined, false, latest)).toEqual(latest);
    expect(shardStart(shard('a'), undefined, false, atTime)).toEqual(atTime);
  });

  it('pins only LATEST to the time a shard was begun when nothing of it was stored', () => {
    const begun = { shardId: 'a', sequenceNumber: null, finished: false, startedAtMs: 1000 };
    expect(shardStart(shard('a'), begun, false, { type: 'LATEST' })).toEqual({ type: 'AT_TIMESTAMP', timestampMs: 1000 });
    // Records that arrived before the begin time were never read: they must not be skipped.
    expect(shardStart(shard('a'), begun, false, { type: 'TRIM_HORIZON' })).toEqual({ type: 'TRIM_HORIZON' });
    expect(shardStart(shard('a'), begun, false, { type: 'AT_TIMESTAMP', timestampMs: 500 })).toEqual({ type: 'AT_TIMESTAMP', timestampMs: 500 });
    expect(shardStart(shard('c', 'a'), { ...begun, shardId: 'c' }, true, { type: 'LATEST' })).toEqual({ type: 'TRIM_HORIZON' });
  });

  it('parses start positions and compares long sequence numbers numerically', () => {
    expect(parseStartPosition('latest')).toEqual({ type: 'LATEST' });
    expect(parseStartPosition('trim-horizon')).toEqual({ type: 'TRIM_HORIZON' });
    expect(parseStartPosition('TRIM_HORIZON')).toEqual({ type: 'TRIM_HORIZON' });
    expect(parseStartPosition('2026-01-01T00:00:00Z')).toEqual({ type: 'AT_TIMESTAMP', timestampMs: Date.parse('2026-01-01T00:00:00Z') });
    expect(parseStartPosition('soon')).toBeNull();
    expect(compareSequenceNumbers('49582144730299849225116662843750062341849309368654233602', '9')).toBe(1);
    expect(compareSequenceNumbers('100', '99')).toBe(1);
    expect(compareSequenceNumbers('5', '5')).toBe(0);
  });
});
