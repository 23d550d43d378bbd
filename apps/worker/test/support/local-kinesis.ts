import { createRequire } from 'node:module';
import type kinesaliteFactory from 'kinesalite';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { createKinesisClient, type AwsSettings } from '../../src/aws/aws-clients.js';

// Loaded through Node's own require: vitest's interop breaks kinesalite's bignumber.js import.
const kinesalite = createRequire(import.meta.url)('kinesalite') as typeof kinesaliteFactory;

/** In-process kinesalite on a free loopback port, with a real SDK client pointed at it. */
export async function startKinesalite() {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const aws: AwsSettings = {
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const kinesis = createKinesisClient(aws);
  return {
    aws,
    kinesis,
    async close() {
      kinesis.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function waitForStreamActive(kinesis: KinesisClient, streamName: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName })).catch(() => undefined);
    if (out?.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(50);
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

export async function createStream(kinesis: KinesisClient, streamName: string, shardCount = 1): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  await waitForStreamActive(kinesis, streamName);
}

/** Puts records (≤ 500 per call) and returns their shard and sequence numbers in order. */
export async function putRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly { data: Uint8Array; partitionKey: string }[],
): Promise<{ shardId: string; sequenceNumber: string }[]> {
  const placed: { shardId: string; sequenceNumber: string }[] = [];
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const out = await kinesis.send(
      new PutRecordsCommand({ StreamName: streamName, Records: chunk.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })) }),
    );
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
    for (const r of out.Records ?? []) placed.push({ shardId: r.ShardId ?? '', sequenceNumber: r.SequenceNumber ?? '' });
  }
  return placed;
}
