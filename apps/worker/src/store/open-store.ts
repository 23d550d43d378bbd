import type { WorkerConfig } from '../config.js';
import { createDuckDbEventStore } from './duckdb-event-store.js';
import type { EventStore } from './event-store.js';
import { createPgEventStore } from './postgres/pg-event-store.js';

/**
 * The store the configuration names: PostgreSQL, shared by a fleet, when `DAS_STORE_URL` is set;
 * otherwise the embedded DuckDB file in the data directory.
 */
export async function openEventStore(config: WorkerConfig, log: (text: string, details: Record<string, unknown>) => void): Promise<EventStore> {
  const redactText = config.storeRedactedText;
  if (config.storeUrl === undefined) return createDuckDbEventStore({ path: config.storePath, ...config.storeLimits, redactText });
  const store = await createPgEventStore({
    url: config.storeUrl,
    redactText,
    // A worker stopped inside a transaction (paused, cut off) must not hold a lease row locked for long.
    idleInTransactionTimeoutMs: config.fleet.leaseTtlMs,
    onMigrated: (outcome) => log('store schema ready', { version: outcome.version, applied: outcome.applied, skipped: outcome.skipped.map((s) => s.version) }),
  });
  log('using the shared PostgreSQL store', { store: store.url, textSearch: store.trigramSearch ? 'pg_trgm index' : 'sequential scan', worker: config.fleet.workerId });
  return store;
}
