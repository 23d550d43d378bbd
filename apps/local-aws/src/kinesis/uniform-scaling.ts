import type { KinesaliteShard } from './kinesalite-engine.js';

const HASH_SPACE = 1n << 128n;
/**
 * Shard edges this close to a target boundary count as on it: floor(2^128/n)·i differs by a few
 * keys between shard counts (3 → 6), and an edge cannot be moved by one key.
 */
export const BOUNDARY_TOLERANCE = 1n << 64n;

/**
 * Target hash-key boundaries for `count` uniform shards, computed as kinesalite lays out a
 * new stream (floor(2^128 / count) × i), so a fresh stream is already uniform.
 */
export function uniformBoundaries(count: number): bigint[] {
  const width = HASH_SPACE / BigInt(count);
  return Array.from({ length: count - 1 }, (_, index) => width * BigInt(index + 1));
}

export type ReshardStep =
  | { kind: 'split'; shardId: string; newStartingHashKey: string }
  | { kind: 'merge'; shardId: string; adjacentShardId: string };

/**
 * The next Split or Merge that moves the open shards towards `target` uniform shards, or
 * undefined when done. Splits first (every open shard then lies inside one target range),
 * then merges of neighbours that share a range.
 */
export function nextReshardStep(openShards: readonly KinesaliteShard[], target: number): ReshardStep | undefined {
  const boundaries = uniformBoundaries(target);
  const shards = [...openShards].sort((a, b) => compare(BigInt(a.HashKeyRange.StartingHashKey), BigInt(b.HashKeyRange.StartingHashKey)));
  for (const shard of shards) {
    const start = BigInt(shard.HashKeyRange.StartingHashKey);
    const end = BigInt(shard.HashKeyRange.EndingHashKey);
    const inside = boundaries.find((boundary) => boundary > start + BOUNDARY_TOLERANCE && boundary < end - BOUNDARY_TOLERANCE);
    if (inside !== undefined) return { kind: 'split', shardId: shard.ShardId, newStartingHashKey: inside.toString() };
  }
  const rangeOf = (shard: KinesaliteShard): number => {
    const start = BigInt(shard.HashKeyRange.StartingHashKey);
    return boundaries.filter((boundary) => boundary <= start + BOUNDARY_TOLERANCE).length;
  };
  for (let index = 0; index + 1 < shards.length; index++) {
    const left = shards[index]!;
    const right = shards[index + 1]!;
    if (rangeOf(left) === rangeOf(right)) return { kind: 'merge', shardId: left.ShardId, adjacentShardId: right.ShardId };
  }
  return undefined;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
