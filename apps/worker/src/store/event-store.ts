import type { ActivityEvent, EventFilter } from '@das/core';
import type { DeadLetter, Facets, Histogram, HistogramGroupBy, StoredEvent, TopStatements } from '@das/contracts';
import type { DeliveryStore } from '@das/alerts-delivery';
import type { AlertStore } from './alert-store.js';

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
  /**
   * The lease the batch is written under (a shared store): the append fails with
   * {@link LeaseLostError} unless this worker still holds the shard's lease with this counter.
   */
  lease?: ShardLease;
}

/** A worker's hold on a shard: the lease counter grows each time the shard changes owner. */
export interface ShardLease {
  owner: string;
  counter: number;
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

/** Time order of a page of events: newest first (`desc`, the default) or oldest first. */
export type SortOrder = 'asc' | 'desc';

/** A page of events: the cursor goes on in the same order (a cursor of the other order is refused). */
export interface EventPageRequest extends PageRequest {
  order?: SortOrder | undefined;
}

/** What a histogram's buckets are split by (each a stored column). */
export type { HistogramGroupBy } from '@das/contracts';

export interface HistogramOptions {
  /** Default `command`. */
  groupBy?: HistogramGroupBy | undefined;
  /** The most frequent values over the whole range kept apart (default 8); the rest are summed in `other`. */
  top?: number | undefined;
}

export interface DeadLetterQuery {
  reason?: string | undefined;
  /** Only these letters. */
  ids?: readonly number[] | undefined;
  withData?: boolean | undefined;
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
  /** A page of events in time order (`order`, newest first by default), ties by id in the same direction. */
  query(filter: EventFilter, page: EventPageRequest): Promise<{ events: StoredEvent[]; next: string | null }>;
  get(id: number): Promise<StoredEvent | null>;
  /** Events stored after `afterId`, in id order (the rule engine catching up after a restart). */
  eventsAfter(afterId: number, limit: number): Promise<StoredEvent[]>;
  /** Alerts and the rule engine's saved state. */
  readonly alerts: AlertStore;
  /** Webhook deliveries of alerts (@das/alerts-delivery's port). */
  readonly deliveries: DeliveryStore;
  facets(filter: EventFilter, top?: number): Promise<Facets>;
  histogram(filter: EventFilter, intervalMs: number, options?: HistogramOptions): Promise<Histogram>;
  /** The most frequent statement fingerprints under the filter, most frequent first (events without one left out). */
  topStatements(filter: EventFilter, limit: number): Promise<TopStatements['statements']>;
  /** Newest first, in chunks, without holding the whole result in memory. */
  export(filter: EventFilter, limit?: number): AsyncIterable<StoredEvent>;
  /**
   * Dead letters, newest first, by reason and/or among `ids`; without their data (possibly
   * hundreds of KB each) unless `withData`.
   */
  deadLetters(query: DeadLetterQuery & PageRequest): Promise<{ deadLetters: DeadLetter[]; next: string | null }>;
  /** One dead letter with its data. */
  getDeadLetter(id: number): Promise<DeadLetter | null>;
  /** How many dead letters there are per reason, most first. */
  deadLetterReasons(): Promise<{ reason: string; count: number }[]>;
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
  /** A store shared by a fleet of workers: its shard leases (absent on an embedded store, whose one worker reads every shard). */
  readonly leases?: LeaseTable;
  /**
   * Follows what every worker stores, in commit order, from now on (a shared store): the live
   * feed of a fleet. Absent on an embedded store, whose consumer publishes what it stores.
   */
  follow?(onStored: (events: StoredEvent[], deadLetters: number) => void, onError: (error: unknown) => void): { close(): Promise<void> };
}

/** A row of the shared lease table. */
export interface LeaseRow {
  shardId: string;
  parents: string[];
  owner: string | null;
  counter: number;
  expired: boolean;
  expiresAt: string | null;
  checkpoint: string | null;
  finished: boolean;
  lagMs: number | null;
}

/** A worker of the fleet, as it last reported itself. */
export interface FleetWorkerRow {
  workerId: string;
  host: string;
  pid: number;
  url: string | null;
  startedAt: string;
  lastSeen: string;
  alive: boolean;
  eventsPerSecond: number;
  recordsPerSecond: number;
}

/**
 * The fleet's shard leases (the KCL's lease table, on the shared store). Every change that takes a
 * lease compares the counter it saw, so that two workers never both win; times are the database's.
 */
export interface LeaseTable {
  /** Adds rows for shards seen on the stream (existing rows are left alone). */
  register(streamKey: string, shards: readonly { shardId: string; parents: string[] }[]): Promise<void>;
  list(streamKey: string): Promise<LeaseRow[]>;
  /** Takes a lease that is free, expired or (stealing) held by `from`, if its counter is still `seen`. */
  take(streamKey: string, shardId: string, owner: string, seen: number, ttlMs: number, from?: string): Promise<ShardLease | null>;
  /** Extends the leases this owner holds; returns the ones still held (a missing one was taken). */
  renew(streamKey: string, owner: string, held: readonly { shardId: string; counter: number; lagMs: number | null }[], ttlMs: number): Promise<Set<string>>;
  /** Gives up leases (after storing what was in flight), so others take them at once. */
  release(streamKey: string, owner: string, shardIds?: readonly string[]): Promise<void>;
  /** Records that this worker is alive, with its rates. */
  heartbeat(worker: { workerId: string; host: string; pid: number; url: string | null; startedAt: string; eventsPerSecond: number; recordsPerSecond: number }): Promise<void>;
  /** Workers seen within `aliveMs` are alive; older rows are listed as not alive (and pruned after a day). */
  workers(aliveMs: number): Promise<FleetWorkerRow[]>;
  leave(workerId: string): Promise<void>;
}

/** The worker no longer holds the shard's lease: another worker took it, so nothing of this batch was stored. */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
  constructor(readonly shardId: string) {
    super(`the lease of ${shardId} was taken by another worker`);
    this.name = 'LeaseLostError';
  }
}

/** A malformed `cursor` query parameter. */
export class CursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('cursor is not one this worker handed out');
    this.name = 'CursorError';
  }
}
