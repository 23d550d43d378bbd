// What the bench sections share: Kinesis and KMS without the emulator (bench-aws.ts), streams,
// SDK-written records, and number formatting.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { encryptRecord, type KmsPort } from '@das/core';
import { buildPayload, createEventGenerator } from '@das/core/fixtures';
import { createAwsClients, type AwsClients, type AwsSettings } from '../aws/aws-clients.js';
import { startBenchAws, type BenchAws } from './bench-aws.js';

/** The cluster resource id the bench's records are bound to (the KMS encryption context). */
const RESOURCE_ID = 'cluster-BENCH0000000000000000000000';
/** DAS_TOKEN must be at least 16 characters. */
export const TOKEN = 'bench-token-0123456789';

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

export interface Emulated {
  endpoint: BenchAws;
  clients: AwsClients;
  aws: AwsSettings;
  kms: KmsPort;
  keyArn: string;
  resourceId: string;
}

/** Kinesis (kinesalite) and KMS (in memory) on one loopback endpoint; the worker is pointed at streams by name. */
export async function startEmulated(): Promise<Emulated> {
  const endpoint = await startBenchAws();
  const aws: AwsSettings = { region: 'us-east-1', endpoint: endpoint.endpoint, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } };
  return { endpoint, clients: createAwsClients(aws), aws, kms: endpoint.kms, keyArn: 'alias/das-bench', resourceId: RESOURCE_ID };
}

/** A stream of its own (the worker is pointed at it with DAS_STREAM_NAME + DAS_RESOURCE_ID). */
export async function createBenchStream(env: Emulated, streamName: string, shards: number): Promise<void> {
  await env.clients.kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (;;) {
    const out = await env.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(50);
  }
}

/** Puts records (500 per call, random partition keys, so spread over the shards); returns where each went. */
export async function putAll(env: Emulated, streamName: string, records: readonly Uint8Array[]): Promise<{ shardId: string; sequenceNumber: string }[]> {
  const placed: { shardId: string; sequenceNumber: string }[] = [];
  for (let at = 0; at < records.length; at += 500) {
    const chunk = records.slice(at, at + 500);
    const out = await env.clients.kinesis.send(
      new PutRecordsCommand({ StreamName: streamName, Records: chunk.map((data) => ({ Data: data, PartitionKey: `pk-${Math.random()}` })) }),
    );
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
    for (const r of out.Records ?? []) placed.push({ shardId: r.ShardId ?? '', sequenceNumber: r.SequenceNumber ?? '' });
  }
  return placed;
}

/**
 * Signed (0x0378) records written by the official AWS Encryption SDK, `perRecord` realistic
 * events each (times from an hour ago), under `dataKeys` data keys taken in turn.
 */
export async function sdkRecords(env: Emulated, count: number, perRecord: number, dataKeys: number): Promise<Uint8Array[]> {
  const keys = await Promise.all(Array.from({ length: dataKeys }, () => env.kms.generateDataKey(env.keyArn, { 'aws:rds:dbc-id': env.resourceId })));
  const generator = createEventGenerator({ seed: 31, engine: 'mysql', startTime: new Date(Date.now() - 3_600_000).toISOString() });
  const records: Uint8Array[] = [];
  for (let i = 0; i < count; i += 1) {
    const key = keys[i % dataKeys] as (typeof keys)[number];
    records.push(
      await encryptRecord(buildPayload(generator.events(perRecord), { clusterId: env.resourceId }), {
        kms: env.kms,
        keyId: env.keyArn,
        resourceId: env.resourceId,
        dataKey: { plaintext: Uint8Array.from(key.plaintext), ciphertextBlob: key.ciphertextBlob },
      }),
    );
  }
  return records;
}

/** The environment of a das-worker child process reading `streamName` of the bench's Kinesis. */
export function workerEnv(env: Emulated, dataDir: string, streamName: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DAS_DATA_DIR: dataDir,
    DAS_TOKEN: TOKEN,
    DAS_WORKER_PORT: '0',
    DAS_STREAM_NAME: streamName,
    DAS_RESOURCE_ID: env.resourceId,
    DAS_START_POSITION: 'TRIM_HORIZON',
    // The bench's events are an hour old; nothing may be deleted while counting.
    DAS_RETENTION_HOURS: '0',
    DAS_LOG_LEVEL: 'info',
    AWS_ENDPOINT_URL: env.aws.endpoint as string,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ...extra,
  };
}
