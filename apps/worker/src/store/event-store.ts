import type { ActivityEvent, EventFilter } from '@das/core';
import type { DeadLetter, Facets, Histogram, StoredEvent } from '@das/contracts';

/** What one Kinesis record turned into: its events, or the reason it was set aside. */
export type DecodedRecord =
  | { sequenceNumber: string; arrivedAtMs: number | null; events: ActivityEvent[] }
  | { sequenceNumber: string; arrivedAtMs: number | null; deadLetter: { reason: string; message: string; data: Uint8Array } };

/** The records of one shard, in shard order, to be stored together with the shard's checkpoint. */
export interface ShardBatch {
  /** Identifies one incarnation of the stream: `<name>@<creation ms>`. */
  streamKey: string;
  shardId: string;
  records: DecodedRecord[];
  /** Set when the shard has been read to its end (closed by resharding). */
  shardFinished?: boolean;
  /** When reading of the shard began (kept from the first batch): where to resume if no record was stored. */
  startedAtMs?: number;
}

export interface ShardCheckpoint {
  shardId: string;
  sequenceNumber: string | null;
  finished: boolean;
  startedAtMs: number | null;
}

export interface AppendResult {
  /** Events stored by this call (replayed records are skipped), with their ids. */
  stored: StoredEvent[];
  deadLetters: number;
  /** Records skipped because the checkpoint already covered them. */
  replayed: number;
}

export interface PageRequest {
  cursor?: string | undefined;
  limit: number;
}

export interface RetentionPolicy {
  maxAgeHours: number | null;
  maxEvents: number | null;
}

/**
 * The worker's storage: events, dead letters and per-shard checkpoints. `append` stores a shard
 * batch and moves that shard's checkpoint in one transaction, so a checkpoint never runs ahead of
 * the events it covers; records at or below the checkpoint are recognised as replays and skipped.
 * An embedded implementation exists (DuckDB); a shared server store can implement the same.
 */
export interface EventStore {
  append(batch: ShardBatch): Promise<AppendResult>;
  checkpoints(streamKey: string): Promise<ShardCheckpoint[]>;
  /** Every stream incarnation (`<name>@<creation ms>`) that has checkpoints here. */
  streamKeys(): Promise<string[]>;
  query(filter: EventFilter, page: PageRequest): Promise<{ events: StoredEvent[]; next: string | null }>;
  get(id: number): Promise<StoredEvent | null>;
  facets(filter: EventFilter, top?: number): Promise<Facets>;
  histogram(filter: EventFilter, intervalMs: number): Promise<Histogram>;
  /** Newest first, in chunks, without holding the whole result in memory. */
  export(filter: EventFilter, limit?: number): AsyncIterable<StoredEvent>;
  deadLetters(query: { reason?: string | undefined } & PageRequest): Promise<{ deadLetters: DeadLetter[]; next: string | null }>;
  /**
   * Stores the events dead letters decode to now and removes the letters, in one transaction.
   * Returns the stored events by letter id; a letter already gone (retention, a concurrent
   * replay) is left out.
   */
  resolveDeadLetters(resolved: readonly { id: number; events: ActivityEvent[] }[]): Promise<Map<number, StoredEvent[]>>;
  /** Records why a dead letter still fails. */
  updateDeadLetter(id: number, reason: string, message: string): Promise<void>;
  /** Deletes what the policy no longer keeps; returns how many events went. */
  applyRetention(policy: RetentionPolicy, nowMs?: number): Promise<number>;
  counts(): Promise<{ events: number; deadLetters: number }>;
  close(): Promise<void>;
}

/** A malformed `cursor` query parameter. */
export class CursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('cursor is not one this worker handed out');
    this.name = 'CursorError';
  }
}
