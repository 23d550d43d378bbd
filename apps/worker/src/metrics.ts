import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  kms(): { kmsCalls: number; cacheHits: number; cacheMisses: number };
  liveClients(): number;
  /** Set on every series (a fleet's workers share one scrape job): the lease table's worker id. */
  workerId?: string;
}

/** The worker's Prometheus metrics, on a registry of its own (several workers may share a process in tests). */
export function createWorkerMetrics(sources: MetricsSources) {
  const registry = new Registry();
  if (sources.workerId !== undefined) registry.setDefaultLabels({ worker: sources.workerId });
  collectDefaultMetrics({ register: registry, prefix: 'das_worker_' });
  const records = new Counter({ name: 'das_worker_records_total', help: 'Kinesis records read', registers: [registry], labelNames: ['shard'] });
  const events = new Counter({ name: 'das_worker_events_total', help: 'Activity events stored', registers: [registry] });
  const decryptFailures = new Counter({
    name: 'das_worker_decrypt_failures_total',
    help: 'Records dead-lettered, by @das/core reason code',
    labelNames: ['reason'],
    registers: [registry],
  });
  const newerContractRecords = new Counter({
    name: 'das_worker_newer_contract_records_total',
    help: 'Records of a later 1.x contract version than this worker documents, decoded (new fields kept in the raw event)',
    registers: [registry],
  });
  const kmsRetries = new Counter({ name: 'das_worker_kms_retries_total', help: 'Decrypt attempts retried because KMS was unavailable', registers: [registry] });
  const throttled = new Counter({ name: 'das_worker_kinesis_throttled_total', help: 'Kinesis throttling answers', labelNames: ['shard'], registers: [registry] });
  const lag = new Gauge({ name: 'das_worker_shard_lag_ms', help: 'MillisBehindLatest per shard', labelNames: ['shard'], registers: [registry] });
  const droppedEvents = new Counter({ name: 'das_worker_live_dropped_events_total', help: 'Live events dropped for slow WebSocket clients', registers: [registry] });
  const alerts = new Counter({ name: 'das_worker_alerts_total', help: 'Alerts stored, by rule and severity', labelNames: ['rule', 'severity'], registers: [registry] });
  const alertErrors = new Counter({
    name: 'das_worker_alert_errors_total',
    help: 'Alert work that failed (evaluating, storing, saving state, delivering), by what',
    labelNames: ['what'],
    registers: [registry],
  });
  new Gauge({
    name: 'das_worker_kms_calls',
    help: 'KMS Decrypt calls made by the data-key cache (current stream)',
    registers: [registry],
    collect() {
      this.set(sources.kms().kmsCalls);
    },
  });
  new Gauge({
    name: 'das_worker_data_key_cache_hit_ratio',
    help: 'Share of data-key lookups served from memory (current stream)',
    registers: [registry],
    collect() {
      const { cacheHits, cacheMisses } = sources.kms();
      const total = cacheHits + cacheMisses;
      this.set(total === 0 ? 0 : cacheHits / total);
    },
  });
  new Gauge({
    name: 'das_worker_websocket_clients',
    help: 'Connected /events/live clients',
    registers: [registry],
    collect() {
      this.set(sources.liveClients());
    },
  });
  return { registry, records, events, decryptFailures, newerContractRecords, kmsRetries, throttled, lag, droppedEvents, alerts, alertErrors };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Events per second over a sliding window of whole seconds. */
export function createRateMeter(windowSeconds = 5) {
  const buckets = new Map<number, number>();
  return {
    add(n: number, nowMs = Date.now()) {
      const second = Math.floor(nowMs / 1000);
      buckets.set(second, (buckets.get(second) ?? 0) + n);
      for (const key of buckets.keys()) if (key < second - windowSeconds) buckets.delete(key);
    },
    perSecond(nowMs = Date.now()): number {
      const second = Math.floor(nowMs / 1000);
      let sum = 0;
      // Whole seconds only: the current one is still filling.
      for (let s = second - windowSeconds; s < second; s += 1) sum += buckets.get(s) ?? 0;
      return sum / windowSeconds;
    },
  };
}
