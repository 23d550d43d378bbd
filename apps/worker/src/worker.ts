import { setTimeout as sleep } from 'node:timers/promises';
import { kmsPortFromClient, type KmsPort } from '@das/core';
import type { DeadLetterReplayQuery, DeadLetterReplayResult, ShardStatus, StreamState, WorkerStatus } from '@das/contracts';
import { loadOrCreateToken } from '@das/server-kit';
import { createAwsClients, type AwsClients } from './aws/aws-clients.js';
import type { WorkerConfig } from './config.js';
import { createStreamConsumer, type StreamConsumer } from './consumer/stream-consumer.js';
import { StreamGoneError } from './consumer/shard-reader.js';
import { createStreamLocator, type LocatedStream } from './consumer/stream-locator.js';
import { replayDeadLetters } from './dead-letters/replay-dead-letters.js';
import { createDecryptPool, type DecryptPool } from './decrypt/decrypt-pool.js';
import { buildWorkerApp, type WorkerApp } from './http/app.js';
import { createLiveHub } from './live/live-hub.js';
import { createRateMeter, createWorkerMetrics } from './metrics.js';
import { createDuckDbEventStore } from './store/duckdb-event-store.js';
import type { EventStore } from './store/event-store.js';

export interface WorkerDeps {
  config: WorkerConfig;
  /** Defaults to clients built from `config.aws`. */
  clients?: AwsClients;
  /** Defaults to the DuckDB store at `config.storePath`. */
  store?: EventStore;
  /** KMS for in-thread decryption (threads: 0); tests wrap it to simulate outages. */
  kms?: KmsPort;
  /** Listen (default true); tests may only `inject`. */
  listen?: boolean;
  /** Live hub tuning (tests use small buffers). */
  live?: { flushIntervalMs?: number; maxBufferedBytes?: number };
  /** Consumer tuning (tests). */
  consumer?: { shardDiscoveryMs?: number; minCallIntervalMs?: number; kmsBackoffMs?: { first: number; max: number } };
  retentionIntervalMs?: number;
}

export interface Worker {
  /** `tokenFile` is set when the token was generated now (tell the user where it is, never the token). */
  start(): Promise<{ url: string | null; token: string; tokenFile?: string }>;
  /** Stops reading, stores and checkpoints what is in flight, closes everything. */
  stop(): Promise<void>;
  status(): WorkerStatus;
  readonly app: WorkerApp | undefined;
}

/**
 * The DAS worker: locates the activity stream, consumes it (shard reader → decrypt pool → event
 * store + checkpoints → live hub), follows a restarted stream, and serves the query API.
 */
export function createWorker(deps: WorkerDeps): Worker {
  const { config } = deps;
  const clients = deps.clients ?? createAwsClients(config.aws);
  const eventsRate = createRateMeter();
  const recordsRate = createRateMeter();
  let store: EventStore | undefined = deps.store;
  let app: WorkerApp | undefined;
  let pool: DecryptPool | undefined;
  let consumer: StreamConsumer | undefined;
  let stream: LocatedStream | undefined;
  let state: StreamState = 'starting';
  let message: string | undefined;
  let counts = { events: 0, deadLetters: 0 };
  const stopping = new AbortController();
  let consumeAbort: AbortController | undefined;
  /** Dead-letter replays running on the current stream's pool: the pool closes only after them. */
  const replays = new Set<Promise<unknown>>();
  let loop: Promise<void> | undefined;
  const timers: NodeJS.Timeout[] = [];
  const lagByShard = new Map<string, number | null>();

  const hub = createLiveHub({
    ...deps.live,
    onDropped: (n) => metrics.droppedEvents.inc(n),
  });
  const metrics = createWorkerMetrics({
    kms: () => pool?.stats() ?? { kmsCalls: 0, cacheHits: 0, cacheMisses: 0 },
    liveClients: () => hub.clientCount,
  });
  const log = (level: 'info' | 'warn' | 'error', text: string, details: Record<string, unknown> = {}) => {
    app?.log[level](details, text);
  };

  function status(): WorkerStatus {
    const shards: ShardStatus[] = consumer?.shards() ?? [];
    const lags = shards.filter((s) => s.state === 'reading').map((s) => s.millisBehindLatest).filter((n): n is number => n !== null);
    return {
      state,
      clusterId: config.streamName === undefined ? config.clusterId : null,
      streamName: stream?.streamName ?? config.streamName ?? null,
      resourceId: stream?.resourceId ?? config.resourceId ?? null,
      shards,
      lagMs: lags.length === 0 ? null : Math.max(...lags),
      eventsPerSecond: eventsRate.perSecond(),
      recordsPerSecond: recordsRate.perSecond(),
      storedEvents: counts.events,
      deadLetters: counts.deadLetters,
      ...(message === undefined ? {} : { message }),
    };
  }

  function setState(next: StreamState, why?: string) {
    if (next !== state || why !== message) log('info', `stream: ${next}${why === undefined ? '' : ` (${why})`}`);
    state = next;
    message = why;
  }

  const locator = createStreamLocator({ ...clients, clusterId: config.clusterId, streamName: config.streamName, resourceId: config.resourceId });

  /**
   * The configured start applies to the first stream this store sees. A later incarnation of the
   * same stream (stopped and started again) is new from its first record: read it from TRIM_HORIZON.
   */
  async function startPositionFor(located: LocatedStream, eventStore: EventStore) {
    const keys = await eventStore.streamKeys();
    const earlier = keys.some((key) => key !== located.streamKey && key.startsWith(`${located.streamName}@`));
    return earlier ? ({ type: 'TRIM_HORIZON' } as const) : config.startPosition;
  }

  async function consume(located: LocatedStream, eventStore: EventStore): Promise<void> {
    stream = located;
    const startPosition = await startPositionFor(located, eventStore);
    pool = createDecryptPool({
      threads: deps.kms !== undefined ? 0 : config.decryptThreads,
      resourceId: located.resourceId,
      kms: deps.kms ?? (config.decryptThreads === 0 ? kmsPortFromClient(clients.kms) : undefined),
      aws: config.aws,
    });
    consumeAbort = new AbortController();
    const abort = consumeAbort;
    const stopListener = () => abort.abort();
    stopping.signal.addEventListener('abort', stopListener, { once: true });
    consumer = createStreamConsumer({
      kinesis: clients.kinesis,
      streamName: located.streamName,
      streamKey: located.streamKey,
      pool,
      store: eventStore,
      startPosition,
      ...deps.consumer,
      hooks: {
        onStored(events, deadLetters) {
          metrics.events.inc(events.length);
          eventsRate.add(events.length);
          counts.events += events.length;
          // Counted once stored, so that /status never runs ahead of /dead-letters.
          counts.deadLetters += deadLetters;
          if (events.length > 0) hub.publish(events);
        },
        onRecords(shardId, n) {
          metrics.records.inc({ shard: shardId }, n);
          recordsRate.add(n);
        },
        onDeadLetter(reason) {
          metrics.decryptFailures.inc({ reason });
        },
        onKmsRetry(why) {
          metrics.kmsRetries.inc();
          log('warn', 'KMS unavailable, retrying with back-off', { reason: why });
        },
        onThrottled(shardId) {
          metrics.throttled.inc({ shard: shardId });
        },
        onLag(shardId, ms) {
          lagByShard.set(shardId, ms);
          if (ms !== null) metrics.lag.set({ shard: shardId }, ms);
        },
      },
    });
    setState('consuming');
    // Watch the cluster: a stopped, deleted or restarted stream ends this incarnation.
    const watch = (async () => {
      while (!abort.signal.aborted) {
        await sleep(config.clusterPollMs, undefined, { signal: abort.signal }).catch(() => undefined);
        if (abort.signal.aborted) return;
        try {
          const now = await locator.locate();
          if (!now.found || now.stream.streamKey !== located.streamKey) {
            log('info', 'activity stream changed', { reason: now.found ? 'new stream incarnation' : now.reason });
            abort.abort();
          }
        } catch (error) {
          log('warn', 'could not check the activity stream', { error: String(error) });
        }
      }
    })();
    try {
      await consumer.run(abort.signal);
    } catch (error) {
      if (error instanceof StreamGoneError) log('info', 'activity stream is gone', { stream: located.streamName });
      else log('warn', 'consumer stopped', { error: String(error) });
    } finally {
      abort.abort();
      stopping.signal.removeEventListener('abort', stopListener);
      await watch;
      // A replay stops at its next page once the stream has ended; let it finish the page it decodes.
      await Promise.allSettled(replays);
      await pool.close();
    }
  }

  /** Decrypts dead letters again with the running stream's pool; recovered events go live too. */
  async function replay(eventStore: EventStore, query: DeadLetterReplayQuery): Promise<DeadLetterReplayResult | null> {
    const decoder = pool;
    const signal = consumeAbort?.signal;
    if (state !== 'consuming' || decoder === undefined || signal === undefined || signal.aborted) return null;
    const running = replayDeadLetters({
      store: eventStore,
      decode: (records) => decoder.decode(records),
      reason: query.reason,
      limit: query.limit ?? 10_000,
      signal,
      onRecovered(events) {
        metrics.events.inc(events.length);
        hub.publish(events);
      },
    });
    replays.add(running);
    try {
      const result = await running;
      counts = await eventStore.counts();
      return result;
    } finally {
      replays.delete(running);
    }
  }

  /**
   * The automatic retry (`DAS_DEAD_LETTER_RETRY_SECONDS`) of letters a key policy or a disabled key
   * set aside. It probes with the newest such letter, one KMS call while access is still denied,
   * and replays them all only once that letter decrypts.
   */
  let retrying = false;
  async function retryKeyFailures(eventStore: EventStore): Promise<void> {
    if (retrying || state !== 'consuming' || counts.deadLetters === 0) return;
    retrying = true;
    try {
      const probe = await replay(eventStore, { reason: 'KEY_DECRYPT_FAILED', limit: 1 });
      if (probe === null || probe.recovered === 0) return;
      const rest = await replay(eventStore, { reason: 'KEY_DECRYPT_FAILED' });
      log('info', 'dead letters recovered on their own: KMS decrypts their data keys now', {
        recovered: probe.recovered + (rest?.recovered ?? 0),
        events: probe.events + (rest?.events ?? 0),
        stillFailing: rest?.stillFailing ?? 0,
      });
    } catch (error) {
      log('warn', 'automatic dead-letter retry failed', { error: String(error) });
    } finally {
      retrying = false;
    }
  }

  async function superviseStream(eventStore: EventStore): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const located = await locator.locate();
        if (located.found) {
          await consume(located.stream, eventStore);
          continue;
        }
        setState('waiting for activity stream', located.reason);
      } catch (error) {
        setState('error', error instanceof Error ? error.message : String(error));
      }
      await sleep(config.clusterPollMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  }

  return {
    get app() {
      return app;
    },
    status,

    async start() {
      const tokenSource = await loadOrCreateToken({ ...(config.token === undefined ? {} : { token: config.token }), dataDir: config.dataDir });
      const token = tokenSource.token;
      store ??= await createDuckDbEventStore({ path: config.storePath });
      const eventStore = store;
      counts = await eventStore.counts();
      app = await buildWorkerApp({
        token,
        store: eventStore,
        hub,
        registry: metrics.registry,
        status,
        ready: () => state === 'consuming' || state === 'waiting for activity stream',
        corsOrigins: config.consoleOrigins,
        replayDeadLetters: (query) => replay(eventStore, query),
        logLevel: config.logLevel,
      });
      let url: string | null = null;
      if (deps.listen !== false) url = await app.listen({ host: config.host, port: config.port });
      timers.push(setInterval(() => hub.broadcastStatus(status()), 1000));
      timers.push(
        setInterval(() => {
          void eventStore
            .applyRetention(config.retention)
            .then(async (removed) => {
              if (removed > 0) counts = await eventStore.counts();
            })
            .catch((error: unknown) => log('warn', 'retention failed', { error: String(error) }));
        }, deps.retentionIntervalMs ?? 30_000),
      );
      if (config.deadLetterRetryMs > 0) timers.push(setInterval(() => void retryKeyFailures(eventStore), config.deadLetterRetryMs));
      for (const timer of timers) timer.unref();
      loop = superviseStream(eventStore);
      return { url, token, ...(tokenSource.created && tokenSource.path !== undefined ? { tokenFile: tokenSource.path } : {}) };
    },

    async stop() {
      setState('stopping');
      stopping.abort();
      consumeAbort?.abort();
      await loop;
      for (const timer of timers) clearInterval(timer);
      hub.flush();
      await app?.close();
      hub.close();
      await store?.close();
      setState('stopped');
    },
  };
}
