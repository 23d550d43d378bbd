import { describe, expect, it } from 'vitest';
import type { KinesaliteShard } from './kinesalite-engine.js';
import { BOUNDARY_TOLERANCE, nextReshardStep, uniformBoundaries } from './uniform-scaling.js';

const TOP = (1n << 128n) - 1n;

function shard(id: number, start: bigint, end: bigint): KinesaliteShard {
  return { ShardId: `shardId-${String(id).padStart(12, '0')}`, HashKeyRange: { StartingHashKey: start.toString(), EndingHashKey: end.toString() }, SequenceNumberRange: { StartingSequenceNumber: '1' } };
}

/** Applies steps to an in-memory shard set until done, as the service does through kinesalite. */
function reshard(shards: KinesaliteShard[], target: number): { shards: KinesaliteShard[]; steps: number } {
  let next = Math.max(...shards.map((s) => Number(s.ShardId.slice(-12)))) + 1;
  let steps = 0;
  for (;;) {
    const step = nextReshardStep(shards, target);
    if (!step) return { shards, steps };
    steps++;
    if (step.kind === 'split') {
      const parent = shards.find((s) => s.ShardId === step.shardId)!;
      const at = BigInt(step.newStartingHashKey);
      shards = shards.filter((s) => s !== parent);
      shards.push(shard(next++, BigInt(parent.HashKeyRange.StartingHashKey), at - 1n), shard(next++, at, BigInt(parent.HashKeyRange.EndingHashKey)));
    } else {
      const left = shards.find((s) => s.ShardId === step.shardId)!;
      const right = shards.find((s) => s.ShardId === step.adjacentShardId)!;
      expect(BigInt(left.HashKeyRange.EndingHashKey) + 1n).toBe(BigInt(right.HashKeyRange.StartingHashKey));
      shards = shards.filter((s) => s !== left && s !== right);
      shards.push(shard(next++, BigInt(left.HashKeyRange.StartingHashKey), BigInt(right.HashKeyRange.EndingHashKey)));
    }
  }
}

function starts(shards: KinesaliteShard[]): bigint[] {
  return shards.map((s) => BigInt(s.HashKeyRange.StartingHashKey)).sort((a, b) => (a < b ? -1 : 1));
}

describe('uniform scaling', () => {
  it('lays boundaries out as kinesalite does for a new stream', () => {
    expect(uniformBoundaries(1)).toEqual([]);
    expect(uniformBoundaries(4)).toEqual([1n, 2n, 3n].map((i) => ((1n << 128n) / 4n) * i));
  });

  it('scales 1 → 3 → 6 → 4 → 1 to exactly uniform shards', () => {
    let shards = [shard(0, 0n, TOP)];
    for (const target of [3, 6, 4, 1]) {
      ({ shards } = reshard(shards, target));
      const expected = [0n, ...uniformBoundaries(target)];
      const actual = starts(shards);
      expect(actual).toHaveLength(target);
      actual.forEach((start, index) => {
        const distance = start > expected[index]! ? start - expected[index]! : expected[index]! - start;
        expect(distance <= BOUNDARY_TOLERANCE).toBe(true);
      });
    }
  });

  it('does nothing when the layout is already uniform', () => {
    const width = (1n << 128n) / 2n;
    expect(nextReshardStep([shard(0, 0n, width - 1n), shard(1, width, TOP)], 2)).toBeUndefined();
  });

  it('needs few steps for doubling and halving', () => {
    expect(reshard([shard(0, 0n, TOP)], 2).steps).toBe(1);
    expect(reshard(reshard([shard(0, 0n, TOP)], 4).shards, 2).steps).toBe(2);
  });
});
