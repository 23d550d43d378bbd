import type { ShardCheckpoint } from '../store/event-store.js';
import type { ShardStart } from './shard-reader.js';

/** The configured start of a stream never read before: `DAS_START_POSITION`. */
export type StartPosition = { type: 'LATEST' } | { type: 'TRIM_HORIZON' } | { type: 'AT_TIMESTAMP'; timestampMs: number };

export interface ShardInfo {
  shardId: string;
  parentShardId?: string | undefined;
  adjacentParentShardId?: string | undefined;
  /** The shard is closed (resharded): its end is known. */
  closed: boolean;
}

/** The parents of a shard that are listed on the stream (trimmed parents cannot hold it back). */
export function listedParents(shard: ShardInfo, listed: ReadonlySet<string>): string[] {
  return [shard.parentShardId, shard.adjacentParentShardId].filter((id): id is string => id !== undefined && listed.has(id));
}

/**
 * Shards that may be read now: not finished, and every listed parent finished. A child shard is
 * thus read only after its parents are, which keeps the order of a partition key across resharding.
 */
export function readableShards(shards: readonly ShardInfo[], finished: ReadonlySet<string>): ShardInfo[] {
  const listed = new Set(shards.map((s) => s.shardId));
  return shards.filter((s) => !finished.has(s.shardId) && listedParents(s, listed).every((p) => finished.has(p)));
}

/**
 * Where to start reading a shard. A checkpoint wins (AFTER_SEQUENCE_NUMBER: nothing lost,
 * nothing twice). Otherwise a child whose parent this worker read starts at TRIM_HORIZON (its
 * first record follows the parent's last), anything else at the configured position. LATEST is
 * the one position that moves: a shard begun at LATEST and left without a stored record resumes
 * at the time it was begun, so that a restart skips nothing that arrived in between. TRIM_HORIZON
 * and a configured time stay where they are: resuming those at the begin time would skip the
 * records that arrived before it.
 */
export function shardStart(
  shard: ShardInfo,
  checkpoint: ShardCheckpoint | undefined,
  parentWasRead: boolean,
  configured: StartPosition,
): ShardStart {
  if (checkpoint?.sequenceNumber != null) return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber };
  const start: StartPosition = parentWasRead ? { type: 'TRIM_HORIZON' } : configured;
  if (start.type === 'LATEST' && checkpoint?.startedAtMs != null) return { type: 'AT_TIMESTAMP', timestampMs: checkpoint.startedAtMs };
  return start;
}

/** Parses `DAS_START_POSITION`: LATEST, TRIM_HORIZON or an ISO 8601 time. Null when invalid. */
export function parseStartPosition(text: string): StartPosition | null {
  const upper = text.trim().toUpperCase().replace('-', '_');
  if (upper === 'LATEST') return { type: 'LATEST' };
  if (upper === 'TRIM_HORIZON') return { type: 'TRIM_HORIZON' };
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? null : { type: 'AT_TIMESTAMP', timestampMs: ms };
}
