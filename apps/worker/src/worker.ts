import { hostname } from 'node:os';
import type { KmsPort } from '@das/core';
import type { WorkerStatus } from '@das/contracts';
import { loadOrCreateToken } from '@das/server-kit';
import { createAwsClients, type AwsClients } from './aws/aws-clients.js';
import type { WorkerConfig } from './config.js';
import { createStreamSupervisor, type ConsumerTuning, type StreamSupervisor, type SupervisorLog } from './consumer/stream-supervisor.js';
import { createDeadLetterService } from './dead-letters/dead-letter-service.js';
import { buildWorkerApp, type WorkerApp } from './http/app.js';
import { createEventPublisher, type EventPublisher } from './live/event-publisher.js';
import { createLiveHub } from './live/live-hub.js';
import { createWorkerMetrics } from './metrics.js';
import { openEventStore } from './store/open-store.js';
import { fleetView } from './fleet/fleet-view.js';
import type { EventStore } from './store/event-store.js';
import type { LoadedRule } from './alerts/alert-rules.js';
import { startWorkerAlerts, type WorkerAlerts } from './alerts/worker-alerts.js';
import { createAlertHub } from './live/alert-hub.js';

export interface WorkerDeps {
  config: WorkerConfig;
  /** Defaults to clients built from `config.aws`. */
  clients?: AwsClients;
  /** Defaults to the PostgreSQL store at `config.storeUrl`, else the DuckDB store at `config.storePath`. */
  store?: EventStore;
  /** KMS for in-thread decryption (threads: 0); tests wrap it to simulate outages. */
  kms?: KmsPort;
  /** Listen (default true); tests may only `inject`. */
  listen?: boolean;
  /** Live hub tuning (tests use small buffers). */
  live?: { flushIntervalMs?: number; maxBufferedBytes?: number };
  /** Consumer tuning (tests). */
  consumer?: ConsumerTuning;
  retentionIntervalMs?: number;
  /** Instead of the built-in rules and `DAS_ALERT_RULES` (tests: business hours that do not depend on the time of day). */
  alertRules?: LoadedRule[];
  /** How often stream silence is checked (ms, default 5000). */
  alertTickMs?: number;
  /** Webhook delivery tuning (tests: short back-off). */
  delivery?: { pollIntervalMs?: number; backoff?: { baseMs?: number; maxMs?: number }; timeoutMs?: number; maxAttempts?: number };
}

export interface Worker {
  /** `tokenFile` is set when the token was generated now (tell the user where it is, never the token). */
  start(): Promise<{ url: string | null; token: string; tokenFile?: string }>;
  /** Stops reading, stores and checkpoints what is in flight, closes everything; `onStep` hears each step as it begins. */
  stop(onStep?: (step: string) => void): Promise<void>;
  status(): WorkerStatus;
  readonly app: WorkerApp | undefined;
}

/**
 * The DAS worker, composed: a stream supervisor (consumer/) feeds the event store, a publisher
 * (live/) fans stored events out to WebSocket clients, a dead-letter service (dead-letters/)
 * replays what could not be decrypted, and the HTTP app (http/) serves it all.
 */
export function createWorker(deps: WorkerDeps): Worker {
  const { config } = deps;
  const clients = deps.clients ?? createAwsClients(config.aws);
  let store: EventStore | undefined = deps.store;
  let app: WorkerApp | undefined;
  let supervisor: StreamSupervisor | undefined;
  let publisher: EventPublisher | undefined;
  let loop: Promise<void> | undefined;
  let alerting: WorkerAlerts | undefined;
  const timers: NodeJS.Timeout[] = [];
  const alertHub = createAlertHub();

  const hub = createLiveHub({ ...deps.live, onDropped: (n) => metrics.droppedEvents.inc(n) });
  const metrics = createWorkerMetrics({
    kms: () => supervisor?.kmsStats() ?? { kmsCalls: 0, cacheHits: 0, cacheMisses: 0 },
    liveClients: () => hub.clientCount,
    ...(config.storeUrl === undefined ? {} : { workerId: config.fleet.workerId }),
  });
  const startedAt = new Date().toISOString();
  let listeningUrl: string | null = null;
  const log: SupervisorLog = (level, text, details = {}) => app?.log[level](details, text);

  function status(): WorkerStatus {
    const shards = supervisor?.shards() ?? [];
    const lags = shards.filter((s) => s.state === 'reading').map((s) => s.millisBehindLatest).filter((n): n is number => n !== null);
    const stream = supervisor?.stream();
    const counts = publisher?.counts() ?? { events: 0, deadLetters: 0 };
    const { state, message } = supervisor?.state() ?? { state: 'starting' as const };
    return {
      state,
      clusterId: config.streamName === undefined ? config.clusterId : null,
      streamName: stream?.streamName ?? config.streamName ?? null,
      resourceId: stream?.resourceId ?? config.resourceId ?? null,
      shards,
      lagMs: lags.length === 0 ? null : Math.max(...lags),
      eventsPerSecond: publisher?.eventsPerSecond() ?? 0,
      recordsPerSecond: supervisor?.recordsPerSecond() ?? 0,
      storedEvents: counts.events,
      deadLetters: counts.deadLetters,
      ...(message === undefined ? {} : { message }),
    };
  }

  return {
    get app() {
      return app;
    },
    status,

    async start() {
      const tokenSource = await loadOrCreateToken({ ...(config.token === undefined ? {} : { token: config.token }), dataDir: config.dataDir });
      const token = tokenSource.token;
      store ??= await openEventStore(config, (text, details) => log('info', text, details));
      const eventStore = store;
      if (config.alerts.enabled) {
        alerting = await startWorkerAlerts({ settings: config.alerts, store: eventStore, metrics, hub: alertHub, log, rules: deps.alertRules, delivery: deps.delivery });
      }
      const alerts = alerting?.evaluator;
      const events = createEventPublisher({ store: eventStore, hub, metrics, ...(alerts === undefined ? {} : { onPublished: (stored) => alerts.evaluate(stored) }) });
      publisher = events;
      await events.recount();
      events.followStore((error) => log('warn', 'live feed from the shared store failed; retrying', { error: String(error) }));
      const streams = createStreamSupervisor({
        config,
        clients,
        store: eventStore,
        publisher: events,
        metrics,
        log,
        ...(deps.kms === undefined ? {} : { kms: deps.kms }),
        ...(deps.consumer === undefined ? {} : { consumer: deps.consumer }),
        self: () => ({ host: hostname(), pid: process.pid, url: listeningUrl, startedAt, eventsPerSecond: events.eventsPerSecond() }),
        // Events name their cluster by its resource id, as the stream does.
        onStreamGone: (stream) => alerts?.signal({ type: 'stream_stopped', clusterId: stream.resourceId, time: new Date().toISOString() }),
      });
      supervisor = streams;
      const deadLetters = createDeadLetterService({ store: eventStore, supervisor: streams, publisher: events, log });
      app = await buildWorkerApp({
        token,
        store: eventStore,
        hub,
        registry: metrics.registry,
        status,
        fleet: () =>
          fleetView({
            store: eventStore,
            supervisor: streams,
            settings: config.fleet,
            self: () => ({ host: hostname(), pid: process.pid, url: listeningUrl, startedAt, eventsPerSecond: events.eventsPerSecond(), recordsPerSecond: streams.recordsPerSecond() }),
          }),
        ready: () => ['consuming', 'waiting for activity stream'].includes(streams.state().state),
        corsOrigins: config.consoleOrigins,
        replayDeadLetters: (query) => deadLetters.replay(query),
        alertRules: () => alerting?.rules ?? [],
        ...(alerting === undefined ? {} : { alertRuleAdmin: alerting }),
        alertHub,
        logLevel: config.logLevel,
      });
      let url: string | null = null;
      if (deps.listen !== false) url = await app.listen({ host: config.host, port: config.port });
      listeningUrl = url;
      timers.push(setInterval(() => hub.broadcastStatus(status()), 1000));
      timers.push(
        setInterval(() => {
          void eventStore
            .applyRetention(config.retention)
            .then(async (removed) => {
              if (removed > 0) await events.recount();
            })
            .catch((error: unknown) => log('warn', 'retention failed', { error: String(error) }));
        }, deps.retentionIntervalMs ?? 30_000),
      );
      if (alerts !== undefined) timers.push(setInterval(() => alerts.tick(), deps.alertTickMs ?? 5000));
      if (config.deadLetterRetryMs > 0) timers.push(setInterval(() => void deadLetters.retryKeyFailures(), config.deadLetterRetryMs));
      for (const timer of timers) timer.unref();
      loop = streams.run();
      return { url, token, ...(tokenSource.created && tokenSource.path !== undefined ? { tokenFile: tokenSource.path } : {}) };
    },

    async stop(onStep = () => undefined) {
      supervisor?.setState('stopping');
      supervisor?.stop();
      onStep('the stream loop (storing and checkpointing its records in flight)');
      await loop;
      for (const timer of timers) clearInterval(timer);
      onStep('the alert publisher');
      await publisher?.close();
      onStep('the alert evaluator');
      await alerting?.stop();
      hub.flush();
      onStep('the HTTP server (open requests and sockets)');
      await app?.close();
      hub.close();
      onStep('the event store');
      await store?.close();
      supervisor?.setState('stopped');
    },
  };
}
