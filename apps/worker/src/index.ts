// @das/worker: consumes a DAS stream (Kinesis → decrypt → store → live) and serves the query API.
export { createWorker, type Worker, type WorkerDeps } from './worker.js';
export { loadWorkerConfig, type WorkerConfig, DEFAULT_CLUSTER_ID, DEFAULT_CONSOLE_ORIGINS } from './config.js';
export { createAwsClients, type AwsClients, type AwsSettings } from './aws/aws-clients.js';
export { createDuckDbEventStore } from './store/duckdb-event-store.js';
export type { EventStore, ShardBatch, ShardCheckpoint, DecodedRecord, RetentionPolicy } from './store/event-store.js';
export { buildWorkerApp } from './http/app.js';
export { createLiveHub, type LiveHub } from './live/live-hub.js';
