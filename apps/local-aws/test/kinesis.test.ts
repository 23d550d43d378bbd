import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  ListStreamsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, type LocalAws } from '../src/index.js';
import { removeDir, sdkClients, sdkError, startTestEmulator, waitFor } from './helpers.js';

describe('Kinesis through @aws-sdk/client-kinesis (default HTTP/2 handler)', () => {
  let aws: LocalAws;
  let dataDir: string;
  let kinesis: KinesisClient;

  beforeAll(async () => {
    ({ aws, dataDir } = await startTestEmulator());
    kinesis = sdkClients(aws.endpoint).kinesis;
  });
  afterAll(async () => {
    kinesis?.destroy();
    await aws?.close();
    await removeDir(dataDir);
  });

  const arnOf = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;

  const createActive = async (name: string, shards = 1) => {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await waitActive(name);
  };

  const waitActive = (name: string) =>
    waitFor(
      () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })),
      (out) => out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
    );

  const readAll = async (name: string, shardId: string, type: 'TRIM_HORIZON' = 'TRIM_HORIZON') => {
    const iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: type }))).ShardIterator;
    return (await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }))).Records ?? [];
  };

  const startingSequenceOf = async (name: string) =>
    (await kinesis.send(new ListShardsCommand({ StreamName: name }))).Shards![0]!.SequenceNumberRange!.StartingSequenceNumber;

  it('creates a stream, describes it by name and ARN, and lists its shards', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'describe-me', ShardCount: 2 }));
    const summary = await waitActive('describe-me');
    expect(summary.StreamDescriptionSummary).toMatchObject({ StreamName: 'describe-me', StreamARN: arnOf('describe-me'), OpenShardCount: 2, RetentionPeriodHours: 24 });
    const byArn = await kinesis.send(new DescribeStreamCommand({ StreamARN: arnOf('describe-me') }));
    expect(byArn.StreamDescription!.Shards).toHaveLength(2);
    const shards = await kinesis.send(new ListShardsCommand({ StreamARN: arnOf('describe-me') }));
    expect(shards.Shards!.map((shard) => shard.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const paged = await kinesis.send(new ListShardsCommand({ StreamName: 'describe-me', MaxResults: 1 }));
    expect(paged.Shards).toHaveLength(1);
    const next = await kinesis.send(new ListShardsCommand({ NextToken: paged.NextToken }));
    expect(next.Shards!.map((shard) => shard.ShardId)).toEqual(['shardId-000000000001']);
    expect(next.NextToken).toBeUndefined();
    expect((await sdkError(kinesis.send(new CreateStreamCommand({ StreamName: 'describe-me', ShardCount: 1 })))).name).toBe('ResourceInUseException');
  });

  it('puts records in order and reads them back with every iterator type', async () => {
    await createActive('ordered');
    const first = await kinesis.send(new PutRecordCommand({ StreamARN: arnOf('ordered'), PartitionKey: 'k', Data: Buffer.from('record-0') }));
    expect(first.ShardId).toBe('shardId-000000000000');
    const batch = await kinesis.send(
      new PutRecordsCommand({ StreamName: 'ordered', Records: Array.from({ length: 20 }, (_, i) => ({ PartitionKey: `p${i}`, Data: Buffer.from(`record-${i + 1}`) })) }),
    );
    expect(batch.FailedRecordCount).toBe(0);
    expect(batch.Records).toHaveLength(20);

    const records = await readAll('ordered', 'shardId-000000000000');
    const firstPage = await kinesis.send(
      new GetRecordsCommand({
        Limit: 5,
        ShardIterator: (await kinesis.send(new GetShardIteratorCommand({ StreamName: 'ordered', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator,
      }),
    );
    expect(firstPage.Records).toHaveLength(5);
    expect(firstPage.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const listed = await kinesis.send(new ListStreamsCommand({}));
    expect(listed.StreamSummaries!.find((summary) => summary.StreamName === 'ordered')).toMatchObject({ StreamARN: arnOf('ordered'), StreamStatus: 'ACTIVE' });
    expect(records.map((record) => Buffer.from(record.Data!).toString())).toEqual(Array.from({ length: 21 }, (_, i) => `record-${i}`));
    expect(records[0]!.SequenceNumber).toBe(first.SequenceNumber);
    expect(records[0]!.ApproximateArrivalTimestamp).toBeInstanceOf(Date);

    const at = async (input: Record<string, unknown>) => {
      const iterator = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'ordered', ShardId: 'shardId-000000000000', ...input } as never));
      return (await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records!.map((record) => Buffer.from(record.Data!).toString());
    };
    const fifth = records[5]!.SequenceNumber!;
    expect((await at({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: fifth }))[0]).toBe('record-5');
    expect((await at({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: fifth }))[0]).toBe('record-6');
    expect(await at({ ShardIteratorType: 'LATEST' })).toEqual([]);
    expect(await at({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() - 60_000) })).toHaveLength(21);
    // Nothing at or after the timestamp yet: an iterator that sees later records (never a hang).
    const later = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'ordered', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date() }));
    await kinesis.send(new PutRecordCommand({ StreamName: 'ordered', PartitionKey: 'k', Data: Buffer.from('record-late') }));
    const lateRecords = await kinesis.send(new GetRecordsCommand({ ShardIterator: later.ShardIterator }));
    expect(lateRecords.Records!.map((record) => Buffer.from(record.Data!).toString())).toEqual(['record-late']);
    expect((await sdkError(at({ ShardIteratorType: 'AT_TIMESTAMP' }))).name).toBe('InvalidArgumentException');
  });

  it('answers ResourceNotFoundException and InvalidArgumentException like Kinesis', async () => {
    expect((await sdkError(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'missing' })))).name).toBe('ResourceNotFoundException');
    expect((await sdkError(kinesis.send(new ListShardsCommand({ StreamARN: arnOf('missing') })))).name).toBe('ResourceNotFoundException');
    expect((await sdkError(kinesis.send(new PutRecordCommand({ StreamName: 'missing', PartitionKey: 'k', Data: Buffer.from('x') })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await sdkError(kinesis.send(new GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAE=' })))).name).toBe('InvalidArgumentException');
    expect((await sdkError(kinesis.send(new ListShardsCommand({ StreamARN: 'arn:aws:kinesis:bad' })))).name).toBe('InvalidArgumentException');
    expect((await sdkError(kinesis.send(new ListShardsCommand({ NextToken: 'garbage' })))).name).toBe('InvalidArgumentException');
  });

  it('splits and merges shards; a closed shard ends with ChildShards', async () => {
    await createActive('resplit');
    await kinesis.send(new PutRecordCommand({ StreamName: 'resplit', PartitionKey: 'k', Data: Buffer.from('before') }));
    const beforeSplit = new Date();
    await kinesis.send(new SplitShardCommand({ StreamName: 'resplit', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }));
    await waitActive('resplit');
    const afterSplit = (await kinesis.send(new ListShardsCommand({ StreamName: 'resplit' }))).Shards!;
    expect(afterSplit).toHaveLength(3);
    expect(afterSplit[0]!.SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
    const open = (await kinesis.send(new ListShardsCommand({ StreamName: 'resplit', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!;
    expect(open.map((shard) => shard.ParentShardId)).toEqual(['shardId-000000000000', 'shardId-000000000000']);
    const openThen = (await kinesis.send(new ListShardsCommand({ StreamName: 'resplit', ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: beforeSplit } }))).Shards!;
    expect(openThen.map((shard) => shard.ShardId)).toEqual(['shardId-000000000000']);
    const sinceThen = (await kinesis.send(new ListShardsCommand({ StreamName: 'resplit', ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: beforeSplit } }))).Shards!;
    expect(sinceThen).toHaveLength(3);
    const afterFirst = (await kinesis.send(new ListShardsCommand({ StreamName: 'resplit', ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000000' } }))).Shards!;
    expect(afterFirst.map((shard) => shard.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);

    const iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: 'resplit', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const head = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
    expect(head.Records!.map((record) => Buffer.from(record.Data!).toString())).toEqual(['before']);
    const end = await waitFor(
      () => kinesis.send(new GetRecordsCommand({ ShardIterator: head.NextShardIterator })),
      (out) => out.NextShardIterator === undefined,
    );
    expect(end.ChildShards!.map((child) => child.ShardId).sort()).toEqual(open.map((shard) => shard.ShardId).sort());

    await kinesis.send(new MergeShardsCommand({ StreamName: 'resplit', ShardToMerge: open[0]!.ShardId, AdjacentShardToMerge: open[1]!.ShardId }));
    await waitActive('resplit');
    const merged = (await kinesis.send(new ListShardsCommand({ StreamName: 'resplit', ShardFilter: { Type: 'AT_LATEST' } }))).Shards!;
    expect(merged).toHaveLength(1);
    expect(merged[0]!.HashKeyRange).toEqual({ StartingHashKey: '0', EndingHashKey: (2n ** 128n - 1n).toString() });
    expect((await sdkError(kinesis.send(new MergeShardsCommand({ StreamName: 'resplit', ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000099' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  it('UpdateShardCount scales uniformly up and down through Split/Merge', async () => {
    await createActive('scaled');
    const up = await kinesis.send(new UpdateShardCountCommand({ StreamARN: arnOf('scaled'), TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }));
    expect(up).toMatchObject({ StreamName: 'scaled', CurrentShardCount: 1, TargetShardCount: 2 });
    await aws.settle();
    let open = await openShards('scaled');
    expect(open).toHaveLength(2);
    await kinesis.send(new UpdateShardCountCommand({ StreamName: 'scaled', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }));
    await aws.settle();
    open = await openShards('scaled');
    const width = 2n ** 128n / 4n;
    expect(open.map((shard) => shard.HashKeyRange!.StartingHashKey)).toEqual([0n, width, width * 2n, width * 3n].map(String));
    await kinesis.send(new UpdateShardCountCommand({ StreamName: 'scaled', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }));
    await aws.settle();
    open = await openShards('scaled');
    const third = 2n ** 128n / 3n;
    expect(open.map((shard) => shard.HashKeyRange!.StartingHashKey)).toEqual([0n, third, third * 2n].map(String));
    expect((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'scaled' }))).StreamDescriptionSummary!.OpenShardCount).toBe(3);
    expect((await sdkError(kinesis.send(new UpdateShardCountCommand({ StreamName: 'scaled', TargetShardCount: 7, ScalingType: 'UNIFORM_SCALING' })))).name).toBe(
      'InvalidArgumentException',
    );
    // Records written after scaling land in the open shards.
    const put = await kinesis.send(new PutRecordCommand({ StreamName: 'scaled', PartitionKey: 'x', Data: Buffer.from('y') }));
    expect(open.map((shard) => shard.ShardId)).toContain(put.ShardId);
  });

  it('deletes streams', async () => {
    await createActive('doomed');
    await kinesis.send(new DeleteStreamCommand({ StreamARN: arnOf('doomed') }));
    const error = await waitFor(
      () => sdkError(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'doomed' }))).catch(() => ({ name: 'still there', message: '' })),
      (value) => value.name === 'ResourceNotFoundException',
    );
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('gives a stream created again at once its own creation time and sequence numbers', async () => {
    await createActive('again');
    const first = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'again' }))).StreamDescriptionSummary!.StreamCreationTimestamp!;
    const firstShardStart = await startingSequenceOf('again');
    await kinesis.send(new DeleteStreamCommand({ StreamName: 'again' }));
    await waitFor(
      () => sdkError(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'again' }))).catch(() => ({ name: 'still there' })),
      (value) => value.name === 'ResourceNotFoundException',
    );
    await createActive('again');
    const second = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'again' }))).StreamDescriptionSummary!.StreamCreationTimestamp!;
    // A reader tells incarnations apart by this time, and its checkpoints must not fit the new stream.
    expect(second.getTime()).toBeGreaterThan(first.getTime());
    expect(firstShardStart).not.toBe(await startingSequenceOf('again'));
  });

  it('returns at most 10 MiB per GetRecords and continues at the first record left out', async () => {
    await createActive('big');
    const sent: string[] = [];
    for (let call = 0; call < 3; call += 1) {
      // 4 × ~1 MB per call stays under PutRecords' 5 MiB request limit.
      const records = Array.from({ length: 4 }, (_, i) => ({ Data: new Uint8Array(1_000_000).fill(call * 4 + i), PartitionKey: 'pk' }));
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: 'big', Records: records }));
      expect(out.FailedRecordCount).toBe(0);
      sent.push(...out.Records!.map((r) => r.SequenceNumber!));
    }
    const iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: 'big', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const first = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
    expect(first.Records).toHaveLength(10);
    expect(first.Records!.reduce((sum, r) => sum + r.Data!.length, 0)).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(first.MillisBehindLatest).toBeGreaterThanOrEqual(0);
    const rest = await kinesis.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator }));
    const read = [...first.Records!, ...rest.Records!];
    expect(read.map((r) => r.SequenceNumber)).toEqual(sent);
    expect(read.map((r) => r.Data![0])).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('serves a plain HTTP/1.1 JSON request as boto3 sends it', async () => {
    await createActive('boto');
    const body = JSON.stringify({ StreamName: 'boto', PartitionKey: 'pk', Data: Buffer.from('from-boto').toString('base64') });
    const response = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request(
        `${aws.endpoint}/`,
        {
          method: 'POST',
          headers: signRequest({
            method: 'POST',
            url: `${aws.endpoint}/`,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
            body,
            service: 'kinesis',
            credentials: { accessKeyId: 'AKID', secretAccessKey: 'boto-secret' },
          }),
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(response.body)).toMatchObject({ ShardId: 'shardId-000000000000' });
    expect((await readAll('boto', 'shardId-000000000000')).map((record) => Buffer.from(record.Data!).toString())).toEqual(['from-boto']);
  });

  async function openShards(name: string): Promise<Shard[]> {
    return (await kinesis.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }))).Shards!.sort((a, b) =>
      BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1,
    );
  }
});
