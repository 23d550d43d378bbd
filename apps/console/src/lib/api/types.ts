// Wire shapes of the API and the worker as the console reads them. INTERIM: written against the
// agreed routes until `@das/contracts` api/worker schemas land; then these become re-exports.
import type { ActivityEvent, EventFilter } from '../domain.js';

export type { ErrorBody } from '@das/contracts';

/** `GET /console-config` (public). */
export interface ConsoleConfig {
  workerUrl: string;
  apiVersion: string;
  region: string;
  endpointOverride: string | null;
}

/** A KMS key as `GET /keys` lists it. */
export interface KmsKey {
  keyId: string;
  arn: string;
  alias: string | null;
  aliases?: string[];
  description: string;
  keyState: string;
  creationDate?: string;
  deletionDate?: string | null;
  keyAdministrators?: string[];
}

export interface CreateKeyRequest {
  alias: string;
  description: string;
  keyAdministrators: string[];
}

/** Activity stream status as RDS reports it. */
export type ActivityStreamStatus = 'stopped' | 'starting' | 'started' | 'stopping';

export interface ActivityStreamInfo {
  status: ActivityStreamStatus;
  mode: 'sync' | 'async' | null;
  kinesisStreamName: string | null;
  kmsKeyId: string | null;
  engineNativeAuditFieldsIncluded?: boolean | null;
}

/** A DB cluster with its activity stream. */
export interface DbCluster {
  id: string;
  resourceId: string;
  engine: string;
  engineVersion?: string;
  status: string;
  endpoint: string | null;
  readerEndpoint?: string | null;
  port?: number | null;
  activityStream: ActivityStreamInfo;
}

export interface StartActivityStreamRequest {
  kmsKeyId: string;
  mode: 'sync' | 'async';
  applyImmediately: boolean;
  engineNativeAuditFieldsIncluded: boolean;
}

/** `POST`/`DELETE /clusters/:id/activity-stream` answer. */
export interface ActivityStreamChange {
  kinesisStreamName?: string | null;
  kmsKeyId?: string | null;
  status: ActivityStreamStatus;
  mode?: 'sync' | 'async' | null;
  applyImmediately?: boolean;
}

/** One server-sent event of `GET /clusters/:id/status-events`. */
export interface StatusEvent {
  status: ActivityStreamStatus;
  clusterStatus?: string;
  kinesisStreamName?: string | null;
  time?: string;
}

export interface LoadParameters {
  clusterEndpoint: string;
  dbUser: string;
  dbPassword: string;
  warehouses: number;
  threads: number;
  duration: number;
}

export interface CreateLoadRunRequest {
  documentName?: string;
  instanceIds?: string[];
  parameters: LoadParameters;
}

export interface LoadProgress {
  tpmC: number | null;
  elapsed: number;
  percentage: number;
}

/** A load run: one SSM command running the TPC-C-like load. */
export interface LoadRun {
  id: string;
  status: string;
  documentName?: string;
  instanceIds?: string[];
  requestedAt?: string;
  parameters?: Partial<LoadParameters>;
  progress: LoadProgress;
  output?: string;
}

/** An event as the worker stores it: the activity event plus its store id. */
export type StoredEvent = ActivityEvent & { id?: string };

export interface EventPage {
  events: StoredEvent[];
  next: string | null;
}

export interface FacetValue {
  value: string | null;
  count: number;
}

/** `GET /events/facets`: top values per field. */
export type Facets = Record<string, FacetValue[]>;

export interface HistogramBucket {
  time: string;
  count: number;
}

export interface Histogram {
  buckets: HistogramBucket[];
}

export interface DeadLetter {
  id?: string;
  reason: string;
  shardId: string;
  sequenceNumber: string;
  receivedAt?: string;
  data: string;
  error?: string;
}

export interface DeadLetterPage {
  deadLetters: DeadLetter[];
  next?: string | null;
}

/** Live stream status frame. */
export interface LiveStatus {
  type: 'status';
  stream?: string | null;
  streamStatus?: string;
  shards?: number;
  lagMs?: number | null;
  eventsPerSecond?: number;
  [key: string]: unknown;
}

/** Frames the worker sends on `/events/live`. */
export type LiveServerFrame =
  | { type: 'events'; events: StoredEvent[] }
  | LiveStatus
  | { type: 'dropped'; count: number }
  | { type: 'error'; code: string; message: string };

/** Frames the console sends on `/events/live`. */
export interface LiveSubscribeFrame {
  type: 'subscribe';
  filter: EventFilter;
}
