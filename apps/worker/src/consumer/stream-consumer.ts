import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredEvent } from '@das/contracts';
import type { DecodeOutcome, DecryptPool } from '../decrypt/decrypt-pool.js';
import type { DecodedRecord, EventStore, ShardCheckpoint } from '../store/event-store.js';

/** The part of an {@link EventStore} the consumer writes to. */
export type BatchSink = Pick<EventStore, 'append' | 'checkpoints'>;
import { listedParents, readableShards, shardStart, type ShardInfo, type StartPosition } from './shard-lineage.js';
import { createShardReader, StreamGoneError, type KinesisRecordData } from './shard-reader.js';

export interface ConsumerHooks {
  /** Called after a batch is stored and checkpointed (the live hub fans the events out). */
  onStored?(events: StoredEvent[], deadLetters: number): void;
  onRecords?(shardId: string, count: number): void;
  /** Called when a record is found bad, before it is stored as a dead letter. */
  onDeadLetter?(reason: string): void;
  onKmsRetry?(message: string): void;
  onThrottled?(shardId: string): void;
  onLag?(shardId: string, millisBehindLatest: number | null): void;
  onShardDone?(shardId: string): void;
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
  let followed = new Set<string>();

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

  async function readShard(shard: ShardInfo, checkpoint: ShardCheckpoint | undefined, parentWasRead: boolean, signal: AbortSignal) {
    const start = shardStart(shard, checkpoint, parentWasRead, options.startPosition);
    const entry: ShardProgress = { shardId: shard.shardId, state: 'reading', millisBehindLatest: null, lastSequenceNumber: checkpoint?.sequenceNumber ?? null };
    progress.set(shard.shardId, entry);
    if (checkpoint === undefined && !shard.closed) {
      // Remember when this open shard was begun, so a restart before its first record resumes from
      // there (closed shards are simply read again from the configured position).
      await options.store.append({
        streamKey: options.streamKey,
        shardId: shard.shardId,
        records: [],
        startedAtMs: Date.now() - START_TIME_MARGIN_MS,
      });
    }
    const reader = createShardReader({
      kinesis: options.kinesis,
      streamName: options.streamName,
      shardId: shard.shardId,
      start,
      signal,
      ...(options.minCallIntervalMs === undefined ? {} : { minCallIntervalMs: options.minCallIntervalMs }),
      onThrottled: () => hooks.onThrottled?.(shard.shardId),
    });
    // The next GetRecords runs while this batch is decrypted and stored (it is paced by the reader).
    let pending: Promise<Awaited<ReturnType<typeof reader.read>>> | undefined = reader.read();
    pending.catch(() => undefined);
    while (!signal.aborted && pending !== undefined) {
      let result;
      try {
        result = await pending;
      } catch (error) {
        if (signal.aborted) break;
        throw error;
      }
      pending = result.finished ? undefined : reader.read();
      pending?.catch(() => undefined);
      entry.millisBehindLatest = result.millisBehindLatest;
      hooks.onLag?.(shard.shardId, result.millisBehindLatest);
      if (result.records.length > 0) hooks.onRecords?.(shard.shardId, result.records.length);
      const decoded = result.records.length > 0 ? await decodeAll(result.records, signal) : [];
      const complete = decoded.length === result.records.length;
      if (decoded.length > 0 || (result.finished && complete)) {
        const { stored, deadLetters } = await options.store.append({
          streamKey: options.streamKey,
          shardId: shard.shardId,
          records: decoded,
          shardFinished: result.finished && complete,
        });
        const last = decoded.at(-1);
        if (last !== undefined) {
          entry.lastSequenceNumber = last.sequenceNumber;
          followed.add(shard.shardId);
        }
        if (stored.length > 0 || deadLetters > 0) hooks.onStored?.(stored, deadLetters);
      }
      if (!complete) break; // aborted while KMS was out: the rest is read again after a restart
      if (result.finished) {
        entry.state = 'finished';
        entry.millisBehindLatest = 0;
        hooks.onShardDone?.(shard.shardId);
        return true;
      }
    }
    return false;
  }

  async function run(outer: AbortSignal): Promise<void> {
    // One shard failing stops the others too; the caller decides what happens next.
    const inner = new AbortController();
    const signal = inner.signal;
    const abort = () => inner.abort();
    outer.addEventListener('abort', abort, { once: true });
    if (outer.aborted) inner.abort();
    const checkpoints = new Map((await options.store.checkpoints(options.streamKey)).map((c) => [c.shardId, c]));
    const finished = new Set([...checkpoints.values()].filter((c) => c.finished).map((c) => c.shardId));
    // Shards followed while they were open (or with records stored): their children continue them
    // and start at TRIM_HORIZON; children of shards that were already closed at a LATEST/timestamp
    // start keep the configured position instead of replaying history.
    followed = new Set(
      [...checkpoints.values()].filter((c) => c.sequenceNumber !== null || c.startedAtMs !== null).map((c) => c.shardId),
    );
    const running = new Map<string, Promise<void>>();
    let wake: (() => void) | undefined;
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
        for (const shard of shards) {
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
          const parents = listedParents(shard, listed);
          const parentWasRead = parents.some((p) => followed.has(p));
          if (!shard.closed) followed.add(shard.shardId);
          const task = readShard(shard, checkpoints.get(shard.shardId), parentWasRead, signal)
            .then((done) => {
              if (done) finished.add(shard.shardId);
            })
            .catch((error: unknown) => {
              if (signal.aborted) return;
              failure = error;
              inner.abort();
            })
            .finally(() => {
              running.delete(shard.shardId);
              nudge();
            });
          running.set(shard.shardId, task);
        }
        if (signal.aborted) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.shardDiscoveryMs ?? 10_000);
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
      await Promise.allSettled([...running.values()]);
    }
    if (failure !== undefined) throw failure;
  }

  return {
    run,
    shards: (): ShardProgress[] => [...progress.values()].sort((a, b) => a.shardId.localeCompare(b.shardId)),
  };
}

export type StreamConsumer = ReturnType<typeof createStreamConsumer>;
