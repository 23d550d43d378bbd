import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_WORKER_PORT } from '@das/contracts';
import { createEnvReader } from '@das/server-kit';
import type { DecryptEngine } from '@das/core';
import type { AwsSettings } from './aws/aws-clients.js';
import { parseStartPosition, type StartPosition } from './consumer/shard-lineage.js';
import type { RetentionPolicy } from './store/event-store.js';
import type { FleetSettings } from './fleet/lease-coordinator.js';
import { hostname } from 'node:os';
import type { WebhookEndpoint } from '@das/alerts-delivery';
import { parseAlertWebhooks } from './alerts/alert-webhooks.js';
import { randomBytes } from 'node:crypto';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DECRYPT_ENGINES = ['fast', 'sdk'] as const satisfies readonly DecryptEngine[];

/** The worker's validated configuration (read from the environment once, in main). */
export interface WorkerConfig {
  host: string;
  port: number;
  /** `DAS_TOKEN`; when absent the token file `<dataDir>/token` is used (created if needed). */
  token?: string | undefined;
  dataDir: string;
  /** The DuckDB file, `<dataDir>/worker/events.duckdb` (used when `storeUrl` is not set). */
  storePath: string;
  /** `DAS_STORE_URL`: a PostgreSQL store shared by a fleet of workers (`postgres://…`). */
  storeUrl?: string | undefined;
  /** Lease settings when the store is shared. */
  fleet: FleetSettings;
  clusterId: string;
  streamName?: string | undefined;
  resourceId?: string | undefined;
  startPosition: StartPosition;
  decryptThreads: number;
  /** `DAS_DECRYPT_ENGINE`: @das/core's node:crypto path (`fast`) or the AWS Encryption SDK alone (`sdk`). */
  decryptEngine: DecryptEngine;
  /** Per-shard flow control: GetRecords `Limit` and records read ahead of the store (consumer options). */
  flow: { recordsPerRead: number; maxQueuedRecords: number };
  /** `DAS_STORE_REDACTED_TEXT`: store statement text with its literals replaced (`redactStatement`), never as written. */
  storeRedactedText: boolean;
  /** DuckDB's own limits (event store options): buffer memory in MB and threads. */
  storeLimits: { memoryLimitMb: number; threads: number };
  consoleOrigins: string[];
  aws: AwsSettings;
  retention: RetentionPolicy;
  /** How often the cluster/stream is polled while waiting or to notice a restarted stream (ms). */
  clusterPollMs: number;
  /** `DAS_DEAD_LETTER_RETRY_SECONDS` in ms: retry `KEY_DECRYPT_FAILED` letters on their own; 0 = only on request. */
  deadLetterRetryMs: number;
  /** Alert rules evaluated on what is stored. */
  alerts: AlertSettings;
  logLevel: string;
}

export interface AlertSettings {
  /** `DAS_ALERTS` (default true): evaluate the rules. */
  enabled: boolean;
  /** `DAS_ALERT_RULES`: a JSON or YAML file of rules added to (or replacing) the built-in ones. */
  rulesFile?: string | undefined;
  /** `DAS_SENSITIVE_OBJECTS`: tables (`table` or `schema.table`, comma-separated) whose reads alert. */
  sensitiveObjects: string[];
  /** `DAS_ALERT_WEBHOOKS`: where alerts are delivered (signed JSON or Slack), retried until delivered or dead. */
  webhooks: WebhookEndpoint[];
}

export const DEFAULT_CLUSTER_ID = 'auroralab-mysql-cluster';
export const DEFAULT_CONSOLE_ORIGINS = ['http://127.0.0.1:7400', 'http://127.0.0.1:5173', 'http://localhost:5173'];

/** Decrypt threads by default: the cores left after the main thread, at least 1. */
export function defaultDecryptThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Reads and validates the worker's environment; throws ConfigError listing every bad value. */
export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const read = createEnvReader(env);
  const dataDir = resolve(read.string('DAS_DATA_DIR', '.das-local') as string);
  const streamName = read.string('DAS_STREAM_NAME');
  const resourceId = read.string('DAS_RESOURCE_ID');
  if ((streamName === undefined) !== (resourceId === undefined)) {
    read.problem('DAS_STREAM_NAME and DAS_RESOURCE_ID go together: set both, or neither to find the stream from DAS_CLUSTER_ID');
  }
  const startText = read.string('DAS_START_POSITION', 'LATEST') as string;
  const startPosition = parseStartPosition(startText);
  if (startPosition === null) read.problem(`DAS_START_POSITION=${JSON.stringify(startText)} must be LATEST, TRIM_HORIZON or an ISO 8601 time`);
  const origins = (read.string('DAS_CONSOLE_ORIGIN') ?? DEFAULT_CONSOLE_ORIGINS.join(','))
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  const accessKeyId = read.string('AWS_ACCESS_KEY_ID');
  const secretAccessKey = read.string('AWS_SECRET_ACCESS_KEY');
  const endpoint = read.url('AWS_ENDPOINT_URL');
  const storeUrl = read.string('DAS_STORE_URL');
  if (storeUrl !== undefined && !/^postgres(ql)?:\/\//.test(storeUrl)) read.problem('DAS_STORE_URL must be a postgres:// URL (leave it unset for the embedded DuckDB store)');
  const leaseTtlMs = read.int('DAS_LEASE_TTL_MS', 10_000, { min: 1000, max: 600_000 });
  const leaseRenewMs = read.int('DAS_LEASE_RENEW_MS', Math.max(200, Math.floor(leaseTtlMs / 5)), { min: 100, max: 300_000 });
  if (leaseRenewMs * 2 > leaseTtlMs) read.problem(`DAS_LEASE_RENEW_MS=${leaseRenewMs} must be at most half of DAS_LEASE_TTL_MS=${leaseTtlMs}, or leases expire between renewals`);
  const retentionHours = read.int('DAS_RETENTION_HOURS', 168, { min: 0, max: 24 * 3650 });
  const retentionEvents = read.int('DAS_RETENTION_MAX_EVENTS', 5_000_000, { min: 0, max: 1_000_000_000 });
  const recordsPerRead = read.int('DAS_SHARD_READ_LIMIT', 500, { min: 1, max: 10_000 });
  // At least one whole GetRecords answer must fit what a shard may hold unstored.
  const queuedRecords = read.int('DAS_SHARD_QUEUE_RECORDS', 1000, { min: 1, max: 1_000_000 });
  const webhooks = parseAlertWebhooks(read.string('DAS_ALERT_WEBHOOKS'));
  for (const problem of webhooks.problems) read.problem(problem);
  const config: WorkerConfig = {
    host: read.string('DAS_WORKER_HOST', '127.0.0.1') as string,
    port: read.port('DAS_WORKER_PORT', DEFAULT_WORKER_PORT),
    token: read.token('DAS_TOKEN'),
    dataDir,
    storePath: join(dataDir, 'worker', 'events.duckdb'),
    storeUrl,
    fleet: {
      workerId: read.string('DAS_WORKER_ID') ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`,
      leaseTtlMs,
      leaseRenewMs,
    },
    clusterId: read.string('DAS_CLUSTER_ID', DEFAULT_CLUSTER_ID) as string,
    streamName,
    resourceId,
    startPosition: startPosition ?? { type: 'LATEST' },
    decryptThreads: read.int('DAS_DECRYPT_THREADS', defaultDecryptThreads(), { min: 0, max: 64 }),
    decryptEngine: read.oneOf('DAS_DECRYPT_ENGINE', DECRYPT_ENGINES, 'fast'),
    flow: { recordsPerRead, maxQueuedRecords: Math.max(recordsPerRead, queuedRecords) },
    storeRedactedText: read.oneOf('DAS_STORE_REDACTED_TEXT', ['true', 'false'] as const, 'false') === 'true',
    storeLimits: {
      memoryLimitMb: read.int('DAS_STORE_MEMORY_MB', 512, { min: 16, max: 1_048_576 }),
      threads: read.int('DAS_STORE_THREADS', 1, { min: 1, max: 64 }),
    },
    consoleOrigins: origins,
    aws: {
      region: read.string('AWS_REGION') ?? read.string('AWS_DEFAULT_REGION') ?? 'us-east-1',
      endpoint,
      credentials:
        accessKeyId !== undefined && secretAccessKey !== undefined
          ? { accessKeyId, secretAccessKey, sessionToken: read.string('AWS_SESSION_TOKEN') }
          : undefined,
    },
    // 0 turns a limit off.
    retention: { maxAgeHours: retentionHours === 0 ? null : retentionHours, maxEvents: retentionEvents === 0 ? null : retentionEvents },
    clusterPollMs: read.int('DAS_CLUSTER_POLL_MS', 3000, { min: 100, max: 600_000 }),
    deadLetterRetryMs: read.int('DAS_DEAD_LETTER_RETRY_SECONDS', 0, { min: 0, max: 86_400 }) * 1000,
    alerts: {
      enabled: read.oneOf('DAS_ALERTS', ['true', 'false'] as const, 'true') === 'true',
      rulesFile: read.string('DAS_ALERT_RULES'),
      sensitiveObjects: (read.string('DAS_SENSITIVE_OBJECTS') ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
      webhooks: webhooks.endpoints,
    },
    // DAS_LOG_LEVEL, or the common LOG_LEVEL as the API also reads it.
    logLevel: read.oneOf('DAS_LOG_LEVEL', LOG_LEVELS, read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info')),
  };
  read.done();
  return config;
}
