import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { decryptRecord, kmsPortFromClient, type DasPayload } from '@das/core';
import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../src/index.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'das-local-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** An emulator on a free port with fast transitions and a fresh data dir. */
export async function startTestEmulator(overrides: Partial<LocalAwsOptions> = {}): Promise<{ aws: LocalAws; dataDir: string; logs: string[] }> {
  const dataDir = overrides.dataDir ?? (await makeDataDir());
  const logs: string[] = [];
  const aws = await startLocalAws({
    port: 0,
    dataDir,
    activityStreamDelayMs: 100,
    kinesisDelayMs: 20,
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { aws, dataDir, logs };
}

/** The SDK clients as a user builds them: default handlers (Kinesis = HTTP/2), any credentials. */
export function sdkClients(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return { kms: new KMSClient(config), kinesis: new KinesisClient(config), rds: new RDSClient(config) };
}

/** Polls `read` until `accept` holds or the deadline passes (then throws with the last value). */
export async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The error an SDK call rejects with (fails the test if it resolves). */
export async function sdkError(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

/**
 * Every record of a cluster's activity stream from the start, decrypted with @das/core as a
 * reader would (SDK Kinesis and KMS clients); `check` sees each record's payload and version.
 */
export async function readActivityStream<T>(
  clients: ReturnType<typeof sdkClients>,
  cluster: DBCluster,
  check: (payload: DasPayload, version: string) => void = () => undefined,
): Promise<T[]> {
  const streamName = cluster.ActivityStreamKinesisStreamName as string;
  const kms = kmsPortFromClient(clients.kms);
  const events: T[] = [];
  const shards = (await clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (await clients.kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator !== undefined) {
      const page = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        const { payload, version } = await decryptRecord(record.Data as Uint8Array, { kms, resourceId: cluster.DbClusterResourceId as string });
        check(payload, version);
        events.push(...(payload.databaseActivityEventList as unknown as T[]));
      }
      if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return events;
}
