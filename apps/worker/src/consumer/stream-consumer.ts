import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredEvent } from '@das/contracts';
import type { DecodeOutcome, DecryptPool } from '../decrypt/decrypt-pool.js';
import { LeaseLostError, type DecodedRecord, type EventStore, type ShardCheckpoint, type ShardLease } from '../store/event-store.js';
import type { ShardOwnership } from '../fleet/lease-coordinator.js';

/** The part of an {@link EventStore} the consumer writes to. */
export type BatchSink = Pick<EventStore, 'append' | 'checkpoints'>;
import { listedParents, readableShards, shardStart, type ShardInfo, type StartPosition } from './shard-lineage.js';
import { createBoundedQueue, type BoundedQueue } from './bounded-queue.js';
import { createShardReader, StreamGoneError, type KinesisRecordData, type ShardReader } from './shard-reader.js';

export interface ConsumerHooks {
  /** Called after a batch is stored and checkpointed (the live hub fans the events out). */
  onStored?(events: StoredEvent[], deadLetters: number): void;
  onRecords?(shardId: string, count: number): void;
  /** Called when a record is found bad, before it is stored as a dead letter. */
  onDeadLetter?(reason: string): void;
  /** A record of a later 1.x contract than @das/core documents was decoded (Aurora added fields). */
  onNewerContract?(): void;
  onKmsRetry?(message: string): void;
  onThrottled?(shardId: string): void;
  onLag?(shardId: string, millisBehindLatest: number | null): void;
  onShardDone?(shardId: string): void;
  /** Another worker took this shard's lease: reading it stopped here. */
  onLeaseLost?(shardId: string): void;
}

export interface StreamConsumerOptions {
  kinesis: KinesisClient;
  streamName: string;
  /** `<name>@<creation ms>`: checkpoints belong to one incarnation of the stream. */
  streamKey: string;
  pool: DecryptPool;
  /** Where batches go: the event store, or the CLI's printer. */
  store: BatchSink;
  startPosition: StartPosition;
  hooks?: ConsumerHooks;
  /** How often new shards are looked for besides when a shard finishes (ms). */
  shardDiscoveryMs?: number;
  /** GetRecords pacing per shard (ms, ≥ 200 within Kinesis limits). */
  minCallIntervalMs?: number;
  /** First and maximum back-off while KMS is unavailable (ms). */
  kmsBackoffMs?: { first: number; max: number };
  /** GetRecords `Limit` per call (≤ 10,000); a backlog is read in answers of at most this many records. */
  recordsPerRead?: number;
  /** Records read and not yet stored, per shard; reading waits while a whole answer would not fit. */
  maxQueuedRecords?: number;
  /** Records decrypted and stored together (one store transaction with the checkpoint). */
  recordsPerBatch?: number;
  /** Batches decrypting or decrypted and not yet stored, across all shards: bounds decoded events in memory. */
  maxBatchesInFlight?: number;
  /**
   * A fleet's shard leases: only shards whose lease this worker holds are read, and each batch is
   * stored under its lease. Without it (the embedded store) every shard is read.
   */
  ownership?: ShardOwnership;
  /** How often leases are looked at when there is `ownership` (ms). */
  leaseCheckMs?: number;
}

/**
 * Flow-control defaults: per shard ≤ 1,000 records read ahead in answers of ≤ 500, stored 100 at
 * a time; ≤ 4 batches decoded or decoding at once (enough to keep the threads and the store busy).
 */
export const FLOW_DEFAULTS = { recordsPerRead: 500, maxQueuedRecords: 1000, recordsPerBatch: 100, maxBatchesInFlight: 4 } as const;

/** A counting semaphore (FIFO). */
function createPermits(count: number) {
  let free = count;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<void> {
      if (free > 0) {
        free -= 1;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next === undefined) free += 1;
      else next();
    },
  };
}

/** Records of one shard, decrypted and stored together, in shard order. */
interface ShardChunk {
  records: KinesisRecordData[];
  /** The shard's last chunk: it is closed and read to its end. */
  finished: boolean;
}

export interface ShardProgress {
  shardId: string;
  state: 'waiting for parents' | 'reading' | 'finished';
  millisBehindLatest: number | null;
  lastSequenceNumber: string | null;
}

function toShardInfo(shard: Shard): ShardInfo {
  return {
    shardId: shard.ShardId ?? '',
    parentShardId: shard.ParentShardId,
    adjacentParentShardId: shard.AdjacentParentShardId,
    closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
  };
}

/** Lists every shard of the stream (all pages). */
export async function listAllShards(kinesis: KinesisClient, streamName: string, signal?: AbortSignal): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let nextToken: string | undefined;
  do {
    const out = await kinesis.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
      { abortSignal: signal },
    );
    shards.push(...(out.Shards ?? []).map(toShardInfo));
    nextToken = out.NextToken;
  } while (nextToken !== undefined);
  return shards;
}

/** Margin for clock skew when resuming a shard at the time it was begun (nothing of it was stored). */
const START_TIME_MARGIN_MS = 1000;

/**
 * Consumes one stream incarnation: every shard read by its own loop (parents before children),
 * each batch decrypted by the pool in shard order, stored with its checkpoint, then published.
 * Resolves when aborted (after storing what is in flight) or rejects with StreamGoneError.
 */
export function createStreamConsumer(options: StreamConsumerOptions) {
  const hooks = options.hooks ?? {};
  const progress = new Map<string, ShardProgress>();
  const kmsBackoff = options.kmsBackoffMs ?? { first: 250, max: 5000 };
  const maxQueuedRecords = Math.max(1, options.maxQueuedRecords ?? FLOW_DEFAULTS.maxQueuedRecords);
  // An answer must fit the queue, or reading would wait for room that never comes.
  const recordsPerRead = Math.min(Math.max(1, options.recordsPerRead ?? FLOW_DEFAULTS.recordsPerRead), 10_000, maxQueuedRecords);
  const recordsPerBatch = Math.max(1, options.recordsPerBatch ?? FLOW_DEFAULTS.recordsPerBatch);
  // Never below 2: a shard stores one batch while the next decrypts.
  const batchPermits = createPermits(Math.max(2, options.maxBatchesInFlight ?? FLOW_DEFAULTS.maxBatchesInFlight));
  let followed = new Set<string>();
  /** Ends the current wait between rounds (a shard finished, leases changed). */
  let wake: (() => void) | undefined;

  /** Decodes records, retrying with back-off the ones KMS could not serve. Stops early only when aborted. */
  async function decodeAll(records: KinesisRecordData[], signal: AbortSignal): Promise<DecodedRecord[]> {
    const outcomes: (DecodeOutcome | undefined)[] = await options.pool.decode(records.map((r) => r.data));
    let delay = kmsBackoff.first;
    for (;;) {
      const retry = outcomes.flatMap((o, i) => (o?.kind === 'retry' ? [i] : []));
      if (retry.length === 0) break;
      hooks.onKmsRetry?.((outcomes[retry[0] as number] as { message: string }).message);
      if (signal.aborted) break;
      await sleep(delay).catch(() => undefined);
      delay = Math.min(kmsBackoff.max, delay * 2);
      const again = await options.pool.decode(retry.map((i) => (records[i] as KinesisRecordData).data));
      retry.forEach((index, j) => {
        outcomes[index] = again[j];
      });
    }
    const decoded: DecodedRecord[] = [];
    for (const [i, record] of records.entries()) {
      const outcome = outcomes[i];
      // Nothing past a record KMS could not serve is stored or checkpointed.
      if (outcome === undefined || outcome.kind === 'retry') break;
      if (outcome.kind === 'events') {
        if (outcome.newerContract === true) hooks.onNewerContract?.();
        decoded.push({ sequenceNumber: record.sequenceNumber, arrivedAtMs: record.arrivedAtMs, events: outcome.events });
      } else {
        hooks.onDeadLetter?.(outcome.reason);
        decoded.push({
          sequenceNumber: record.sequenceNumber,
          arrivedAtMs: record.arrivedAtMs,
          deadLetter: { reason: outcome.reason, message: outcome.message, data: record.data },
        });
      }
    }
    return decoded;
  }

  async function readShard(
    shard: ShardInfo,
    checkpoint: ShardCheckpoint | undefined,
    parentWasRead: boolean,
    signal: AbortSignal,
    lease: ShardLease | undefined,
  ) {
    const start = shardStart(shard, checkpoint, parentWasRead, options.startPosition);
    const entry: ShardProgress = { shardId: shard.shardId, state: 'reading', millisBehindLatest: null, lastSequenceNumber: checkpoint?.sequenceNumber ?? null };
    progress.set(shard.shardId, entry);
    if (checkpoint?.sequenceNumber == null && checkpoint?.startedAtMs == null && !shard.closed) {
      // Remember when this open shard was begun, so a restart before its first record resumes from
      // there (closed shards are simply read again from the configured position).
      await options.store.append({
        streamKey: options.streamKey,
        shardId: shard.shardId,
        records: [],
        startedAtMs: Date.now() - START_TIME_MARGIN_MS,
        ...(lease === undefined ? {} : { lease }),
      });
    }
    // Reading stops with the shard loop (done, failed) as well as with the consumer.
    const stopReading = new AbortController();
    const stop = () => stopReading.abort();
    signal.addEventListener('abort', stop, { once: true });
    const reader = createShardReader({
      kinesis: options.kinesis,
      streamName: options.streamName,
      shardId: shard.shardId,
      start,
      signal: stopReading.signal,
      limit: recordsPerRead,
      ...(options.minCallIntervalMs === undefined ? {} : { minCallIntervalMs: options.minCallIntervalMs }),
      onThrottled: () => hooks.onThrottled?.(shard.shardId),
    });
    const queue = createBoundedQueue<ShardChunk>(maxQueuedRecords);
    const reading = fillQueue(shard.shardId, entry, reader, queue, stopReading.signal);
    try {
      return await drainQueue(shard.shardId, entry, queue, signal, lease);
    } finally {
      stop();
      signal.removeEventListener('abort', stop);
      await reading;
    }
  }

  /**
   * The reading half of a shard: GetRecords (bounded by `recordsPerRead`) only while the queue has
   * room for a whole answer, each answer split into decrypt+store chunks. Ends the queue with the
   * error that stopped reading (none when stopped on purpose).
   */
  async function fillQueue(shardId: string, entry: ShardProgress, reader: ShardReader, queue: BoundedQueue<ShardChunk>, stopped: AbortSignal) {
    try {
      for (;;) {
        await queue.waitForRoom(recordsPerRead, stopped);
        const result = await reader.read();
        entry.millisBehindLatest = result.millisBehindLatest;
        hooks.onLag?.(shardId, result.millisBehindLatest);
        const { records } = result;
        if (records.length > 0) hooks.onRecords?.(shardId, records.length);
        for (let at = 0; at < records.length; at += recordsPerBatch) {
          const chunk = records.slice(at, at + recordsPerBatch);
          queue.push({ records: chunk, finished: result.finished && at + recordsPerBatch >= records.length }, chunk.length);
        }
        if (result.finished) {
          if (records.length === 0) queue.push({ records: [], finished: true }, 0);
          break;
        }
      }
      queue.close();
    } catch (error) {
      queue.close(stopped.aborted ? undefined : error);
    }
  }

  /**
   * The decrypt+store half: chunks in shard order, the next one decrypting while this one is
   * stored. Once aborted it stores the chunks in flight (in hand, decrypting ahead) and takes no
   * more; queued ones are read again after a restart. True when the shard was read to its end.
   */
  async function drainQueue(
    shardId: string,
    entry: ShardProgress,
    queue: BoundedQueue<ShardChunk>,
    signal: AbortSignal,
    lease: ShardLease | undefined,
  ): Promise<boolean> {
    // The chunk ahead may fail (stream gone) while this one is still being stored: it is awaited
    // by the loop, so mark it handled now or Node ends the process for an unhandled rejection.
    const decodeNext = () => {
      const ahead = decodeChunk();
      ahead.catch(() => undefined);
      return ahead;
    };
    const decodeChunk = async () => {
      if (signal.aborted) return undefined;
      const chunk = await queue.take();
      if (chunk === undefined) return undefined;
      await batchPermits.acquire();
      try {
        return { chunk, decoded: chunk.records.length > 0 ? await decodeAll(chunk.records, signal) : [] };
      } catch (error) {
        batchPermits.release();
        throw error;
      }
    };
    let next = decodeNext();
    try {
      for (;;) {
        const item = await next;
        if (item === undefined) return false;
        const { chunk, decoded } = item;
        const complete = decoded.length === chunk.records.length;
        // Ahead: the next chunk decrypts in the pool while this one is stored.
        next = complete && !chunk.finished ? decodeNext() : Promise.resolve(undefined);
        try {
          await storeChunk(shardId, entry, chunk, decoded, complete, lease);
        } finally {
          batchPermits.release();
        }
        if (!complete) return false; // aborted while KMS was out: the rest is read again after a restart
        if (chunk.finished) {
          entry.state = 'finished';
          entry.millisBehindLatest = 0;
          hooks.onShardDone?.(shardId);
          return true;
        }
      }
    } catch (error) {
      if (signal.aborted) return false;
      throw error;
    } finally {
      // A chunk decrypted ahead and not stored is read again after a restart.
      next.then((item) => item !== undefined && batchPermits.release(), () => undefined);
    }
  }

  /** Stores a decrypted chunk with the shard's checkpoint (one transaction), then publishes it. */
  async function storeChunk(
    shardId: string,
    entry: ShardProgress,
    chunk: ShardChunk,
    decoded: DecodedRecord[],
    complete: boolean,
    lease: ShardLease | undefined,
  ) {
    if (decoded.length === 0 && !(chunk.finished && complete)) return;
    const { stored, deadLetters } = await options.store.append({
      streamKey: options.streamKey,
      shardId,
      records: decoded,
      shardFinished: chunk.finished && complete,
      ...(lease === undefined ? {} : { lease }),
    });
    const last = decoded.at(-1);
    if (last !== undefined) {
      entry.lastSequenceNumber = last.sequenceNumber;
      followed.add(shardId);
    }
    if (stored.length > 0 || deadLetters > 0) hooks.onStored?.(stored, deadLetters);
  }

  async function run(outer: AbortSignal): Promise<void> {
    // One shard failing stops the others too; the caller decides what happens next.
    const inner = new AbortController();
    const signal = inner.signal;
    const abort = () => inner.abort();
    outer.addEventListener('abort', abort, { once: true });
    if (outer.aborted) inner.abort();
    const { ownership } = options;
    let checkpoints = new Map<string, ShardCheckpoint>();
    const finished = new Set<string>();
    followed = new Set();
    /** Reads the shared checkpoints again: in a fleet, other workers finish and follow shards too. */
    async function loadCheckpoints() {
      checkpoints = new Map((await options.store.checkpoints(options.streamKey)).map((c) => [c.shardId, c]));
      for (const c of checkpoints.values()) {
        if (c.finished) finished.add(c.shardId);
        // Shards followed while they were open (or with records stored): their children continue
        // them and start at TRIM_HORIZON; children of shards that were already closed at a
        // LATEST/timestamp start keep the configured position instead of replaying history.
        if (c.sequenceNumber !== null || c.startedAtMs !== null) followed.add(c.shardId);
      }
    }
    await loadCheckpoints();
    const leaseLost = (shardId: string) => {
      ownership?.drop(shardId);
      progress.delete(shardId);
      hooks.onLeaseLost?.(shardId);
    };
    const running = new Map<string, { task: Promise<void>; stop: AbortController }>();
    const leaseWatch = ownership?.run(signal);
    let failure: unknown;
    const nudge = () => wake?.();
    signal.addEventListener('abort', nudge, { once: true });

    try {
      while (!signal.aborted) {
        let shards: ShardInfo[];
        try {
          shards = await listAllShards(options.kinesis, options.streamName, signal);
        } catch (error) {
          if (signal.aborted) break;
          if (error instanceof Error && error.name === 'ResourceNotFoundException') throw new StreamGoneError(`stream ${options.streamName} is gone`);
          throw error;
        }
        const listed = new Set(shards.map((s) => s.shardId));
        // The leases held now, then the checkpoints: a checkpoint read after the lease was taken
        // includes everything the previous owner stored.
        let held: ReadonlyMap<string, ShardLease> | undefined;
        if (ownership !== undefined) {
          await ownership.observe(shards);
          held = new Map(ownership.held());
          await loadCheckpoints();
          for (const [shardId, entry] of running) if (!held.has(shardId)) entry.stop.abort();
        }
        for (const shard of shards) {
          if (held !== undefined && !held.has(shard.shardId)) continue;
          if (!progress.has(shard.shardId)) {
            progress.set(shard.shardId, {
              shardId: shard.shardId,
              state: finished.has(shard.shardId) ? 'finished' : 'waiting for parents',
              millisBehindLatest: null,
              lastSequenceNumber: checkpoints.get(shard.shardId)?.sequenceNumber ?? null,
            });
          }
        }
        for (const shard of readableShards(shards, finished)) {
          if (running.has(shard.shardId)) continue;
          const lease = held?.get(shard.shardId);
          if (held !== undefined && lease === undefined) continue;
          const parents = listedParents(shard, listed);
          const parentWasRead = parents.some((p) => followed.has(p));
          if (!shard.closed) followed.add(shard.shardId);
          // Each shard stops with the consumer, or alone when its lease is lost.
          const stop = new AbortController();
          const stopShard = () => stop.abort();
          signal.addEventListener('abort', stopShard, { once: true });
          const task = readShard(shard, checkpoints.get(shard.shardId), parentWasRead, stop.signal, lease)
            .then((done) => {
              if (done) finished.add(shard.shardId);
              else if (stop.signal.aborted && !signal.aborted) leaseLost(shard.shardId);
            })
            .catch((error: unknown) => {
              if (signal.aborted) return;
              if (error instanceof LeaseLostError || stop.signal.aborted) return leaseLost(shard.shardId);
              failure = error;
              inner.abort();
            })
            .finally(() => {
              signal.removeEventListener('abort', stopShard);
              running.delete(shard.shardId);
              nudge();
            });
          running.set(shard.shardId, { task, stop });
        }
        if (signal.aborted) break;
        await new Promise<void>((resolve) => {
          const discoveryMs = options.shardDiscoveryMs ?? 10_000;
          const timer = setTimeout(resolve, ownership === undefined ? discoveryMs : Math.min(discoveryMs, options.leaseCheckMs ?? 2000));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      outer.removeEventListener('abort', abort);
      inner.abort();
      // The shard loops see the abort; wait for their in-flight batch to be stored and checkpointed.
      await Promise.allSettled([...running.values()].map((r) => r.task));
      await leaseWatch;
    }
    if (failure !== undefined) throw failure;
  }

  return {
    run,
    /** Looks at the shards and leases again now. */
    wake: () => wake?.(),
    shards: (): ShardProgress[] => [...progress.values()].sort((a, b) => a.shardId.localeCompare(b.shardId)),
  };
}

export type StreamConsumer = ReturnType<typeof createStreamConsumer>;
