import { createHash, randomBytes } from 'node:crypto';
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand, GenerateDataKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator, TEST_CREDENTIALS, waitFor } from './helpers.js';
import { rawRequest } from './raw-http.js';

describe('the shared endpoint', () => {
  let aws: LocalAws;
  let dataDir: string;

  beforeAll(async () => {
    ({ aws, dataDir } = await startTestEmulator({ port: 0 }));
  });
  afterAll(async () => {
    await aws?.close();
    await removeDir(dataDir);
  });

  it('answers GET / and /health with services, region and version', async () => {
    for (const path of ['/', '/health']) {
      const response = await rawRequest(aws.endpoint, { method: 'GET', path, sign: false });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ status: 'ok', region: 'us-east-1', version: '0.1.0', services: expect.arrayContaining(['kms', 'kinesis', 'rds']) });
    }
    expect(aws.endpoint).toBe(`http://127.0.0.1:${aws.port}`);
  });

  it('serves KMS, RDS (HTTP/1.1) and Kinesis (h2c) to default SDK clients on one port, counted per operation', async () => {
    await rawRequest(aws.endpoint, { method: 'DELETE', path: '/_local/stats' });
    const { kms, kinesis, rds } = sdkClients(aws.endpoint);
    try {
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
      await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
      await kms.send(new ListKeysCommand({}));
      expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
      expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters).toHaveLength(1);
    } finally {
      for (const client of [kms, kinesis, rds]) client.destroy();
    }
    const stats = JSON.parse((await rawRequest(aws.endpoint, { method: 'GET', path: '/_local/stats' })).body);
    expect(stats.calls).toEqual({
      kinesis: { ListStreams: 1 },
      kms: { CreateKey: 1, GenerateDataKey: 2, ListKeys: 1 },
      rds: { DescribeDBClusters: 1 },
    });
    expect(stats.httpVersions['2']).toBe(1);
    expect(stats.httpVersions['1.1']).toBeGreaterThanOrEqual(5);
  });

  it('routes by the SigV4 scope first, then by X-Amz-Target or the form Action', async () => {
    // Signed for a service that is not emulated: the X-Amz-Target decides.
    const byTarget = await rawRequest(aws.endpoint, {
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' },
      body: '{}',
      sign: 'execute-api',
    });
    expect(byTarget.status).toBe(200);
    expect(JSON.parse(byTarget.body)).toHaveProperty('Keys');
    const byAction = await rawRequest(aws.endpoint, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeDBClusters&Version=2014-10-31',
      sign: 'execute-api',
    });
    expect(byAction.status).toBe(200);
    expect(byAction.body).toContain('<DescribeDBClustersResponse');
    const unknownService = await rawRequest(aws.endpoint, { body: '', sign: 's3' });
    expect(unknownService.status).toBe(400);
    expect(JSON.parse(unknownService.body).message).toMatch(/'s3' is not emulated/);
  });

  it('answers unknown operations in each service shape', async () => {
    const kms = await rawRequest(aws.endpoint, {
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Sign' },
      body: '{}',
    });
    expect(kms.status).toBe(400);
    expect(JSON.parse(kms.body)).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('Sign') });
    const rds = await rawRequest(aws.endpoint, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DeleteDBCluster&Version=2014-10-31',
    });
    expect(rds.status).toBe(400);
    expect(rds.body).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>[^<]*DeleteDBCluster/);
    expect(rds.headers['x-amzn-requestid']).toBeTruthy();
  });

  it('keeps large HTTP/1.1 bodies intact on fresh connections (the sniffed bytes are replayed in order)', async () => {
    const { kinesis } = sdkClients(aws.endpoint);
    try {
      await kinesis.send(new CreateStreamCommand({ StreamName: 'intact', ShardCount: 1 }));
      await waitFor(() => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'intact' })), (out) => out.StreamDescriptionSummary!.StreamStatus === 'ACTIVE');
      const payloads = Array.from({ length: 8 }, () => randomBytes(512 * 1024));
      const responses = await Promise.all(
        payloads.map((payload) =>
          rawRequest(aws.endpoint, {
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
            body: JSON.stringify({ StreamName: 'intact', PartitionKey: 'p', Data: payload.toString('base64') }),
          }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(payloads.map(() => 200));
      const iterator = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'intact', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
      const records = (await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records!;
      const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
      expect(records.map((record) => digest(record.Data!)).sort()).toEqual(payloads.map(digest).sort());
    } finally {
      kinesis.destroy();
    }
  });

  it('is found through AWS_ENDPOINT_URL by clients built without an endpoint', async () => {
    const saved = process.env['AWS_ENDPOINT_URL'];
    process.env['AWS_ENDPOINT_URL'] = aws.endpoint;
    const kms = new KMSClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
    try {
      const before = JSON.parse((await rawRequest(aws.endpoint, { method: 'GET', path: '/_local/stats' })).body).calls.kms?.ListKeys ?? 0;
      expect((await kms.send(new ListKeysCommand({}))).Keys).toBeDefined();
      expect(JSON.parse((await rawRequest(aws.endpoint, { method: 'GET', path: '/_local/stats' })).body).calls.kms.ListKeys).toBe(before + 1);
    } finally {
      kms.destroy();
      if (saved === undefined) delete process.env['AWS_ENDPOINT_URL'];
      else process.env['AWS_ENDPOINT_URL'] = saved;
    }
  });
});
