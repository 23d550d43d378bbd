import { setTimeout as sleep } from 'node:timers/promises';
import { kmsPortFromClient, type KmsPort } from '@das/core';
import type { ShardStatus, StreamState } from '@das/contracts';
import type { AwsClients } from '../aws/aws-clients.js';
import type { WorkerConfig } from '../config.js';
import { createDecryptPool, type DecodeOutcome, type DecryptPool } from '../decrypt/decrypt-pool.js';
import type { WorkerMetrics } from '../metrics.js';
import { createRateMeter } from '../metrics.js';
import type { EventStore } from '../store/event-store.js';
import type { EventPublisher } from '../live/event-publisher.js';
import { StreamGoneError } from './shard-reader.js';
import { createStreamConsumer, type StreamConsumer, type StreamConsumerOptions } from './stream-consumer.js';
import { createStreamLocator, type LocatedStream } from './stream-locator.js';
import { createLeaseCoordinator, type ShardOwnership } from '../fleet/lease-coordinator.js';

export type SupervisorLog = (level: 'info' | 'warn' | 'error', text: string, details?: Record<string, unknown>) => void;

/** Consumer tuning that tests shorten. */
export type ConsumerTuning = Partial<Pick<StreamConsumerOptions, 'shardDiscoveryMs' | 'minCallIntervalMs' | 'kmsBackoffMs'>>;

export interface StreamSupervisorOptions {
  config: WorkerConfig;
  clients: AwsClients;
  store: EventStore;
  publisher: EventPublisher;
  metrics: WorkerMetrics;
  log: SupervisorLog;
  /** KMS for in-thread decryption (tests wrap it to simulate outages). */
  kms?: KmsPort;
  consumer?: ConsumerTuning;
  /** The cluster no longer shows the stream being read (stopped, deleted, or started again as a new one): the alert rules hear of it. */
  onStreamGone?: (stream: LocatedStream) => void;
  /** This worker as the fleet's workers table shows it (a shared store only). */
  self?: () => { host: string; pid: number; url: string | null; startedAt: string; eventsPerSecond: number };
}

/** The running incarnation's decoder, for work that must use the same keyring (dead-letter replay). */
export interface ActiveDecoder {
  decode(records: readonly Uint8Array[]): Promise<DecodeOutcome[]>;
  /** Aborted when this incarnation ends. */
  signal: AbortSignal;
  /** Keeps the incarnation's decrypt pool open until `work` settles. */
  hold(work: Promise<unknown>): void;
}

export interface StreamSupervisor {
  /** Locates the stream and consumes incarnation after incarnation until `stop`. */
  run(): Promise<void>;
  /** Stops reading; `run` settles once what is in flight is stored and checkpointed. */
  stop(): void;
  setState(next: StreamState, why?: string): void;
  state(): { state: StreamState; message?: string };
  stream(): LocatedStream | undefined;
  shards(): ShardStatus[];
  recordsPerSecond(): number;
  kmsStats(): { kmsCalls: number; cacheHits: number; cacheMisses: number };
  /** Defined only while consuming. */
  activeDecoder(): ActiveDecoder | undefined;
}

/**
 * Supervises the activity stream's incarnations: finds the stream, consumes it (shard readers →
 * decrypt pool → store), watches the cluster, and when the stream is stopped, deleted or started
 * again, ends that incarnation and waits for the next.
 */
export function createStreamSupervisor(options: StreamSupervisorOptions): StreamSupervisor {
  const { config, clients, store, publisher, metrics, log } = options;
  const recordsRate = createRateMeter();
  const stopping = new AbortController();
  let state: StreamState = 'starting';
  let message: string | undefined;
  let located: LocatedStream | undefined;
  let consumer: StreamConsumer | undefined;
  let pool: DecryptPool | undefined;
  let incarnation: AbortController | undefined;
  /** Incarnations that ended because their stream did (stopped, deleted, started again), not because the worker stops. */
  const streamGone = new WeakSet<AbortController>();
  /** Work on the current pool (replays): the pool closes only after it. */
  const held = new Set<Promise<unknown>>();

  const locator = createStreamLocator({ ...clients, clusterId: config.clusterId, streamName: config.streamName, resourceId: config.resourceId });

  function setState(next: StreamState, why?: string) {
    if (next !== state || why !== message) log('info', `stream: ${next}${why === undefined ? '' : ` (${why})`}`);
    state = next;
    message = why;
  }

  /**
   * The configured start applies to the first stream this store sees. A later incarnation of the
   * same stream (stopped and started again) is new from its first record: read it from TRIM_HORIZON.
   */
  async function startPositionFor(stream: LocatedStream) {
    const keys = await store.streamKeys();
    const earlier = keys.some((key) => key !== stream.streamKey && key.startsWith(`${stream.streamName}@`));
    return earlier ? ({ type: 'TRIM_HORIZON' } as const) : config.startPosition;
  }

  /** Ends the incarnation when the cluster no longer shows this stream (stopped, deleted, restarted). */
  async function watchCluster(stream: LocatedStream, abort: AbortController) {
    while (!abort.signal.aborted) {
      await sleep(config.clusterPollMs, undefined, { signal: abort.signal }).catch(() => undefined);
      if (abort.signal.aborted) return;
      try {
        const now = await locator.locate();
        if (!now.found || now.stream.streamKey !== stream.streamKey) {
          log('info', 'activity stream changed', { reason: now.found ? 'new stream incarnation' : now.reason });
          streamGone.add(abort);
          abort.abort();
        }
      } catch (error) {
        log('warn', 'could not check the activity stream', { error: String(error) });
      }
    }
  }

  async function consume(stream: LocatedStream): Promise<void> {
    located = stream;
    const startPosition = await startPositionFor(stream);
    const decoder = createDecryptPool({
      threads: options.kms !== undefined ? 0 : config.decryptThreads,
      resourceId: stream.resourceId,
      kms: options.kms ?? (config.decryptThreads === 0 ? kmsPortFromClient(clients.kms) : undefined),
      aws: config.aws,
      decryptEngine: config.decryptEngine,
    });
    pool = decoder;
    const abort = new AbortController();
    incarnation = abort;
    const stopListener = () => abort.abort();
    stopping.signal.addEventListener('abort', stopListener, { once: true });
    const ownership = store.leases === undefined ? undefined : leaseOwnership(stream);
    consumer = createStreamConsumer({
      kinesis: clients.kinesis,
      streamName: stream.streamName,
      streamKey: stream.streamKey,
      pool: decoder,
      store,
      startPosition,
      ...config.flow,
      ...options.consumer,
      ...(ownership === undefined ? {} : { ownership, leaseCheckMs: config.fleet.leaseRenewMs }),
      hooks: {
        onStored: (events, deadLetters) => publisher.stored(events, deadLetters),
        onRecords(shardId, n) {
          metrics.records.inc({ shard: shardId }, n);
          recordsRate.add(n);
        },
        onDeadLetter: (reason) => metrics.decryptFailures.inc({ reason }),
        onNewerContract: () => metrics.newerContractRecords.inc(),
        onKmsRetry(why) {
          metrics.kmsRetries.inc();
          log('warn', 'KMS unavailable, retrying with back-off', { reason: why });
        },
        onThrottled: (shardId) => metrics.throttled.inc({ shard: shardId }),
        onLag(shardId, ms) {
          if (ms !== null) metrics.lag.set({ shard: shardId }, ms);
        },
        onLeaseLost(shardId) {
          metrics.lag.remove({ shard: shardId });
          log('info', 'stopped reading a shard whose lease another worker took', { shard: shardId });
        },
      },
    });
    setState('consuming');
    const watch = watchCluster(stream, abort);
    try {
      await consumer.run(abort.signal);
    } catch (error) {
      if (error instanceof StreamGoneError) {
        log('info', 'activity stream is gone', { stream: stream.streamName });
        streamGone.add(abort);
      }
      else log('warn', 'consumer stopped', { error: String(error) });
    } finally {
      abort.abort();
      stopping.signal.removeEventListener('abort', stopListener);
      await watch;
      // A replay stops at its next page once the stream has ended; let it finish the page it decodes.
      await Promise.allSettled(held);
      await decoder.close();
      // Only now, with what was in flight stored: the next owner resumes after it.
      await ownership?.release();
      // The stream itself ended (not this worker stopping, not an error of its own).
      if (streamGone.has(abort)) options.onStreamGone?.(stream);
    }
  }

  /** The fleet's leases for this incarnation: which of its shards this worker reads. */
  function leaseOwnership(stream: LocatedStream): ShardOwnership {
    return createLeaseCoordinator({
      ...config.fleet,
      leases: store.leases as NonNullable<EventStore['leases']>,
      streamKey: stream.streamKey,
      self: () => ({
        ...(options.self?.() ?? { host: 'unknown', pid: process.pid, url: null, startedAt: new Date().toISOString(), eventsPerSecond: 0 }),
        recordsPerSecond: recordsRate.perSecond(),
      }),
      lagOf: (shardId) => consumer?.shards().find((s) => s.shardId === shardId)?.millisBehindLatest ?? null,
      onChange: () => consumer?.wake(),
      log,
    });
  }

  return {
    async run() {
      while (!stopping.signal.aborted) {
        try {
          const result = await locator.locate();
          if (result.found) {
            await consume(result.stream);
            continue;
          }
          setState('waiting for activity stream', result.reason);
        } catch (error) {
          setState('error', error instanceof Error ? error.message : String(error));
        }
        await sleep(config.clusterPollMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    },
    stop() {
      stopping.abort();
      incarnation?.abort();
    },
    setState,
    state: () => ({ state, ...(message === undefined ? {} : { message }) }),
    stream: () => located,
    shards: () => consumer?.shards() ?? [],
    recordsPerSecond: () => recordsRate.perSecond(),
    kmsStats: () => pool?.stats() ?? { kmsCalls: 0, cacheHits: 0, cacheMisses: 0 },
    activeDecoder() {
      const decoder = pool;
      const signal = incarnation?.signal;
      if (state !== 'consuming' || decoder === undefined || signal === undefined || signal.aborted) return undefined;
      return {
        decode: (records) => decoder.decode(records),
        signal,
        hold(work) {
          held.add(work);
          void work.finally(() => held.delete(work)).catch(() => undefined);
        },
      };
    },
  };
}
