import { CreateKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { CreateStreamCommand, DescribeStreamSummaryCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { Agent, request } from 'node:http';
import { connect as connectH2 } from 'node:http2';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, type LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator, waitFor } from './helpers.js';

interface HostileCase {
  label: string;
  method?: string;
  headers: Record<string, string>;
  body: Buffer | string;
  shape: 'json' | 'xml';
  /** SigV4 service to sign for (a well-formed signature, as every SDK sends); unsigned if absent. */
  sign?: string;
}

const JSON_TYPE = 'application/x-amz-json-1.1';

/** A small deterministic PRNG so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostileCases(count: number): HostileCase[] {
  const random = prng(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const junk = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
  // Members each operation reads, and values of the wrong type or outside the constraints.
  const notAString: unknown[] = [123, -1, 1e308, true, [], [1, 'a'], {}, { nested: { deep: [] } }, '', 'A'.repeat(5000)];
  const notANumber: unknown[] = ['x', '', true, [], {}, -5, 1e12];
  const notABlob: unknown[] = [123, true, [], {}, '%%%', 'abc', '\u0000'];
  const notAMap: unknown[] = ['x', 5, [1], { a: 1 }, { a: { b: 'c' } }];
  const kmsMembers: Record<string, Record<string, unknown[]>> = {
    CreateKey: { Description: notAString, Policy: [...notAString, 'not json'], Tags: ['x', [1], [{ TagKey: 1 }]], KeySpec: ['RSA_2048', 5], KeyUsage: ['SIGN_VERIFY', []] },
    DescribeKey: { KeyId: notAString },
    Encrypt: { KeyId: notAString, Plaintext: notABlob, EncryptionContext: notAMap },
    Decrypt: { CiphertextBlob: notABlob, EncryptionContext: notAMap },
    GenerateDataKey: { KeyId: notAString, KeySpec: ['AES_512', 5, []], NumberOfBytes: [...notANumber, 0, 1025] },
    CreateAlias: { AliasName: [...notAString, 'alias/aws/x', 'nope', 'alias/with space'], TargetKeyId: notAString },
    DeleteAlias: { AliasName: [...notAString, 'alias/missing'] },
    ListAliases: { Limit: [...notANumber, 0, 101], Marker: [5, [], '!!!!'], KeyId: notAString },
    ListKeys: { Limit: [...notANumber, 0, 1001], Marker: [5, [], '!!!!'] },
    EnableKey: { KeyId: notAString },
    ScheduleKeyDeletion: { KeyId: notAString, PendingWindowInDays: [...notANumber, 1, 31] },
    CancelKeyDeletion: { KeyId: notAString },
    GetKeyPolicy: { KeyId: notAString },
  };
  const kinesisMembers: Record<string, Record<string, unknown[]>> = {
    CreateStream: { StreamName: [...notAString, 'bad name!'], ShardCount: [...notANumber, 0, 100_000] },
    DeleteStream: { StreamName: [...notAString, 'missing-stream'], StreamARN: [...notAString, 'arn:aws:kinesis:x'] },
    DescribeStream: { StreamName: [...notAString, 'missing-stream'] },
    DescribeStreamSummary: { StreamName: [...notAString, 'missing-stream'], StreamARN: [...notAString, 'arn:aws:kinesis:eu-west-1:000000000000:stream/hostile'] },
    ListShards: { StreamName: [...notAString, 'missing-stream'], NextToken: [...notAString, 'bm9wZQ=='], MaxResults: [...notANumber, 0] },
    GetShardIterator: { StreamName: notAString, ShardId: notAString, ShardIteratorType: [...notAString, 'SIDEWAYS'] },
    GetRecords: { ShardIterator: [...notAString, 'AAAAAAAAAAE='], Limit: notANumber },
    PutRecord: { StreamName: notAString, Data: notABlob, PartitionKey: [...notAString, 'P'.repeat(300)] },
    PutRecords: { StreamName: notAString, Records: ['x', 5, {}, [], [null], [{ Data: 5 }], Array.from({ length: 501 }, () => ({ Data: 'YQ==', PartitionKey: 'p' }))] },
    SplitShard: { StreamName: notAString, ShardToSplit: notAString, NewStartingHashKey: [...notAString, '-1'] },
    MergeShards: { StreamName: notAString, ShardToMerge: notAString, AdjacentShardToMerge: notAString },
    UpdateShardCount: { StreamName: notAString, TargetShardCount: [...notANumber, 0, 1000], ScalingType: [...notAString, 'LINEAR'] },
  };
  const validKinesisBase: Record<string, Record<string, unknown>> = {
    GetShardIterator: { StreamName: 'hostile', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' },
    PutRecord: { StreamName: 'hostile', Data: 'YQ==', PartitionKey: 'p' },
    PutRecords: { StreamName: 'hostile', Records: [{ Data: 'YQ==', PartitionKey: 'p' }] },
    SplitShard: { StreamName: 'hostile', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '100' },
    MergeShards: { StreamName: 'hostile', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000001' },
    UpdateShardCount: { StreamName: 'hostile', TargetShardCount: 1, ScalingType: 'UNIFORM_SCALING' },
    CreateStream: { StreamName: 'hostile', ShardCount: 1 },
  };
  const validKmsBase: Record<string, Record<string, unknown>> = {
    Encrypt: { KeyId: 'alias/none', Plaintext: 'YQ==' },
    GenerateDataKey: { KeyId: 'alias/none', KeySpec: 'AES_256' },
    CreateAlias: { AliasName: 'alias/hostile', TargetKeyId: '00000000-0000-0000-0000-000000000000' },
  };
  const rdsBodies = [
    '{"Action":"DescribeDBClusters"}',
    'Version=2014-10-31',
    'Action=DeleteDBCluster&Version=2014-10-31',
    'Action=..%2F..%2Fetc&Version=2014-10-31',
    'Action=Describe%20DB&Version=2014-10-31',
    'Action=StartActivityStream&Version=2014-10-31',
    'Action=StartActivityStream&ResourceArn=arn%3Anope&Mode=async&KmsKeyId=alias%2Fnone',
    'Action=StartActivityStream&ResourceArn=arn%3Aaws%3Ards%3Aus-east-1%3A000000000000%3Acluster%3Aauroralab-mysql-cluster&Mode=both&KmsKeyId=alias%2Fnone',
    'Action=StartActivityStream&ResourceArn=arn%3Aaws%3Ards%3Aus-east-1%3A000000000000%3Acluster%3Aauroralab-mysql-cluster&Mode=async&KmsKeyId=alias%2Fnone',
    'Action=StartActivityStream&ResourceArn=arn%3Aaws%3Ards%3Aus-east-1%3A000000000000%3Acluster%3Aauroralab-mysql-cluster&Mode=async&KmsKeyId=alias%2Fnone&ApplyImmediately=maybe',
    'Action=StopActivityStream&ResourceArn=arn%3Aaws%3Ards%3Aus-east-1%3A000000000000%3Acluster%3Aauroralab-mysql-cluster',
    'Action=StopActivityStream&ResourceArn=arn%3Aaws%3Ards%3Aus-east-1%3A000000000000%3Acluster%3Aghost',
    'Action=DescribeDBClusters&MaxRecords=5',
    'Action=DescribeDBClusters&MaxRecords=lots',
    'Action=DescribeDBClusters&Marker=-3',
    'Action=DescribeDBClusters&DBClusterIdentifier=ghost',
    'Action=DescribeDBClusters&Filters.Filter.1.Name=colour&Filters.Filter.1.Values.Value.1=red',
    'Action=DescribeDBInstances&DBInstanceIdentifier=ghost',
    'Action=DescribeDBInstances&Filters.Filter.1.Name=colour',
    'Action=%ZZ%',
  ];

  const jsonCase = (service: 'kms' | 'kinesis', label: string, headers: Record<string, string>, body: Buffer | string): HostileCase => ({
    label: `${service}: ${label}`,
    headers,
    sign: service,
    body,
    shape: 'json',
  });

  const generators: Array<() => HostileCase> = [
    () => {
      const service = pick(['kms', 'kinesis'] as const);
      const table = service === 'kms' ? kmsMembers : kinesisMembers;
      const op = pick(Object.keys(table));
      const member = pick(Object.keys(table[op]!));
      const value = pick(table[op]![member]!);
      const base = (service === 'kms' ? validKmsBase : validKinesisBase)[op] ?? {};
      const prefix = service === 'kms' ? 'TrentService' : 'Kinesis_20131202';
      return jsonCase(service, `${op} with ${member}=${JSON.stringify(value)?.slice(0, 40)}`, { 'content-type': JSON_TYPE, 'x-amz-target': `${prefix}.${op}` }, JSON.stringify({ ...base, [member]: value }));
    },
    () => {
      const service = pick(['kms', 'kinesis'] as const);
      const prefix = service === 'kms' ? 'TrentService' : 'Kinesis_20131202';
      return jsonCase(service, 'body that is not JSON', { 'content-type': JSON_TYPE, 'x-amz-target': `${prefix}.${pick(Object.keys(service === 'kms' ? kmsMembers : kinesisMembers))}` }, junk(1 + Math.floor(random() * 300)));
    },
    () => jsonCase('kms', 'JSON that is not an object', { 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.Encrypt' }, pick(['[]', '"str"', '42', 'null', 'true', '[{"KeyId":1}]'])),
    () => jsonCase(pick(['kms', 'kinesis'] as const), 'unknown target', { 'content-type': JSON_TYPE, 'x-amz-target': pick(['TrentService.Nope', 'Kinesis_20131202.DropAll', 'Foo.Bar', 'TrentService', '.', 'TrentService.Encrypt.Extra', '']) }, '{}'),
    () => jsonCase(pick(['kms', 'kinesis'] as const), 'wrong content type', { 'content-type': pick(['text/plain', 'application/xml', 'application/x-amz-cbor-1.1', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']), 'x-amz-target': pick(['TrentService.ListKeys', 'Kinesis_20131202.ListStreams']) }, '{}'),
    () => jsonCase('kinesis', 'records of wrong shapes', { 'content-type': JSON_TYPE, 'x-amz-target': 'Kinesis_20131202.PutRecords' }, JSON.stringify({ StreamName: 'hostile', Records: [pick(['x', 5, [], null, { Data: 'YQ==' }]), { Data: pick(notABlob), PartitionKey: pick(notAString) }] })),
    () => jsonCase('kinesis', 'iterator garbage', { 'content-type': JSON_TYPE, 'x-amz-target': 'Kinesis_20131202.GetRecords' }, JSON.stringify({ ShardIterator: junk(20 + Math.floor(random() * 200)).toString('base64') })),
    () => jsonCase('kinesis', 'GetShardIterator nonsense', { 'content-type': JSON_TYPE, 'x-amz-target': 'Kinesis_20131202.GetShardIterator' }, JSON.stringify({ StreamName: 'hostile', ShardId: pick(['shardId-000000000099', 'x', 'shardId--1', '']), ShardIteratorType: pick(['AT_TIMESTAMP', 'AT_SEQUENCE_NUMBER', 'LATEST', 'SIDEWAYS']), StartingSequenceNumber: pick(['1', 'abc', '9'.repeat(80)]), Timestamp: pick([1, -5, 'now', 9e15]) })),
    () => jsonCase('kms', 'decrypt of junk blobs', { 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.Decrypt' }, JSON.stringify({ CiphertextBlob: junk(Math.floor(random() * 120)).toString('base64'), EncryptionContext: { a: 'b' } })),
    () => ({ label: 'kms via GET', method: pick(['GET', 'PUT', 'DELETE', 'PATCH']), headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': JSON_TYPE }, sign: 'kms', body: '', shape: 'json' }),
    () => ({
      label: 'rds: bad form',
      headers: { 'content-type': pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']) },
      sign: 'rds',
      body: random() < 0.15 ? junk(1 + Math.floor(random() * 200)) : pick(rdsBodies),
      shape: 'xml',
    }),
    () => ({ label: 'no way to route', headers: { 'content-type': pick(['text/plain', 'application/octet-stream']) }, body: junk(Math.floor(random() * 100)), shape: 'json' }),
  ];

  // Shapes that once reach deep into kinesalite's actions: always included.
  const kinesis = (op: string, body: unknown) => jsonCase('kinesis', `fixed ${op} ${JSON.stringify(body).slice(0, 60)}`, { 'content-type': JSON_TYPE, 'x-amz-target': `Kinesis_20131202.${op}` }, JSON.stringify(body));
  const fixed = [
    kinesis('PutRecords', { StreamName: 'hostile', Records: [null] }),
    kinesis('PutRecords', { StreamName: 'hostile', Records: [{}] }),
    kinesis('PutRecords', { StreamName: 'hostile', Records: [{ Data: 'YQ==', PartitionKey: 'p', ExplicitHashKey: '-1' }] }),
    kinesis('PutRecord', { StreamName: 'hostile', Data: 'YQ==', PartitionKey: 'p', ExplicitHashKey: '340282366920938463463374607431768211456' }),
    kinesis('GetShardIterator', { StreamName: 'hostile', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: '1' }),
    kinesis('GetShardIterator', { StreamName: 'hostile', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: 'yesterday' }),
    kinesis('ListShards', { StreamName: 'hostile', ShardFilter: { Type: 'AT_TIMESTAMP' } }),
    kinesis('ListShards', { StreamName: 'hostile', ShardFilter: { Type: 'SIDEWAYS' } }),
    kinesis('ListShards', { StreamName: 'hostile', ShardFilter: 'x' }),
    kinesis('ListShards', { NextToken: Buffer.from('{"streamName":"hostile","afterShardId":"a","expires":1}').toString('base64') }),
    kinesis('UpdateShardCount', { StreamName: 'hostile', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' }),
    kinesis('SplitShard', { StreamName: 'hostile', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1' }),
  ];
  return [...fixed, ...Array.from({ length: count - fixed.length }, () => pick(generators)())];
}

function send(endpoint: string, agent: Agent, item: HostileCase): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL('/', endpoint);
    const method = item.method ?? 'POST';
    const headers = item.sign === undefined ? item.headers : signRequest({ method, url, headers: item.headers, body: item.body, service: item.sign });
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(item.body);
  });
}

describe('hostile input', () => {
  let aws: LocalAws;
  let dataDir: string;
  let logs: string[];

  beforeAll(async () => {
    ({ aws, dataDir, logs } = await startTestEmulator({ maxBodyBytes: 1024 * 1024 }));
    const { kinesis } = sdkClients(aws.endpoint);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'hostile', ShardCount: 1 }));
    await waitFor(() => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'hostile' })), (out) => out.StreamDescriptionSummary!.StreamStatus === 'ACTIVE');
    kinesis.destroy();
  });
  afterAll(async () => {
    await aws?.close();
    await removeDir(dataDir);
  });

  it('answers 1,000 malformed requests each with a 4xx in the service shape', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const cases = hostileCases(1000);
    const failures: string[] = [];
    try {
      for (let offset = 0; offset < cases.length; offset += 25) {
        await Promise.all(
          cases.slice(offset, offset + 25).map(async (item) => {
            const response = await send(aws.endpoint, agent, item);
            const shaped =
              item.shape === 'json'
                ? typeof (JSON.parse(response.body) as { __type?: unknown }).__type === 'string'
                : /^<\?xml[^>]*>\n<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>\w+<\/Code><Message>[^<]+<\/Message>/.test(response.body);
            if (response.status < 400 || response.status > 499 || !shaped) failures.push(`${item.label} → ${response.status} ${response.body.slice(0, 160)}`);
          }),
        );
      }
    } finally {
      agent.destroy();
    }
    expect(failures).toEqual([]);
    expect(logs.filter((line) => /failed/.test(line))).toEqual([]);
  });

  it('rejects bodies over the limit with a 413 in the service shape, and stays usable', async () => {
    const agent = new Agent({ keepAlive: false });
    try {
      const big = Buffer.alloc(1024 * 1024 + 10, 0x61);
      const kms = await send(aws.endpoint, agent, { label: 'big kms', sign: 'kms', headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.Encrypt' }, body: big, shape: 'json' });
      expect(kms.status).toBe(413);
      expect(JSON.parse(kms.body).__type).toBe('RequestEntityTooLargeException');
      const rds = await send(aws.endpoint, agent, { label: 'big rds', sign: 'rds', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big, shape: 'xml' });
      expect(rds.status).toBe(413);
      expect(rds.body).toContain('<Code>RequestEntityTooLargeException</Code>');
    } finally {
      agent.destroy();
    }
    // Declared far past the limit: answered at once, connection closed, nothing buffered.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(aws.port, '127.0.0.1', () => {
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.Encrypt\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${1024 ** 3}\r\n\r\n{"KeyId":`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
    expect(reply).toContain('RequestEntityTooLargeException');
  });

  it('survives garbage that is not HTTP and broken HTTP/2', async () => {
    const garbage = await new Promise<string>((resolve, reject) => {
      const socket = connect(aws.port, '127.0.0.1', () => socket.write('\u0000\u0001\u0002 this is not http at all\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    await new Promise<void>((resolve) => {
      const socket = connect(aws.port, '127.0.0.1', () => socket.end('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff'));
      socket.resume();
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    // An h2 request without a body and with an unknown target still gets a JSON error.
    const h2 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const session = connectH2(aws.endpoint);
      session.on('error', reject);
      const signed = signRequest({ method: 'POST', url: aws.endpoint, headers: { 'x-amz-target': 'Kinesis_20131202.Explode', 'content-type': JSON_TYPE }, service: 'kinesis' });
      const { host: _host, ...h2Headers } = signed;
      const stream = session.request({ ':method': 'POST', ':path': '/', ...h2Headers });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('end', () => {
        session.close();
        resolve({ status, body });
      });
      stream.end();
    });
    expect(h2.status).toBe(400);
    expect(JSON.parse(h2.body).__type).toBe('UnknownOperationException');
  });

  it('still serves every service normally afterwards', async () => {
    const { kms, kinesis, rds } = sdkClients(aws.endpoint);
    try {
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      expect((await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('ok') }))).CiphertextBlob).toBeDefined();
      expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toContain('hostile');
      expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters).toHaveLength(1);
    } finally {
      for (const client of [kms, kinesis, rds]) client.destroy();
    }
  });
});
