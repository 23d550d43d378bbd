import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../local-aws.js';
import { CallLog, callerAccessKeyId } from './call-log.js';
import { fetchLocal } from './sign-request.js';

describe('callerAccessKeyId', () => {
  it('reads the key id from the Authorization header or a presigned query', () => {
    const header = 'AWS4-HMAC-SHA256 Credential=worker-test/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=ab';
    expect(callerAccessKeyId({ authorization: header }, '/')).toBe('worker-test');
    expect(callerAccessKeyId({}, '/?X-Amz-Credential=tail-test%2F20260101%2Fus-east-1%2Frds%2Faws4_request')).toBe('tail-test');
    expect(callerAccessKeyId({ authorization: 'AWS4-HMAC-SHA256 Credential=\u0001bad/x' }, '/')).toBe('unknown');
  });
});

describe('CallLog', () => {
  it('counts actions per caller and keeps the recent entries bounded', () => {
    const log = new CallLog({ recentLimit: 2 });
    for (let i = 0; i < 5; i++) log.record('api-test', 'kms', 'ListKeys');
    log.record('worker-test', 'kinesis', 'GetRecords');
    const json = log.toJSON();
    expect(json.callers).toEqual({ 'api-test': { 'kms:ListKeys': 5 }, 'worker-test': { 'kinesis:GetRecords': 1 } });
    expect(json.recent.map((entry) => entry.action)).toEqual(['kms:ListKeys', 'kinesis:GetRecords']);
    log.reset();
    expect(log.toJSON().callers).toEqual({});
  });
});

describe('GET /_local/calls over HTTP', () => {
  let aws: LocalAws;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'das-call-log-'));
    aws = await startLocalAws({ port: 0, dataDir, callLogFile: true, activityStreamDelayMs: 0 });
  });
  afterAll(async () => {
    await aws?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records each served action under the caller access key, in memory and in calls.jsonl', async () => {
    const client = (accessKeyId: string) => ({ endpoint: aws.endpoint, region: aws.region, credentials: { accessKeyId, secretAccessKey: 'x' } });
    const kms = new KMSClient(client('api-test'));
    const rds = new RDSClient(client('worker-test'));
    await kms.send(new ListKeysCommand({}));
    await kms.send(new ListKeysCommand({}));
    await rds.send(new DescribeDBClustersCommand({}));
    kms.destroy();
    rds.destroy();

    const calls = (await (await fetchLocal(aws.endpoint, '/_local/calls')).json()) as { callers: Record<string, Record<string, number>> };
    expect(calls.callers).toEqual({ 'api-test': { 'kms:ListKeys': 2 }, 'worker-test': { 'rds:DescribeDBClusters': 1 } });
    const lines = (await readFile(join(dataDir, 'calls.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { accessKeyId: string; action: string });
    expect(lines.map((line) => `${line.accessKeyId} ${line.action}`)).toEqual(['api-test kms:ListKeys', 'api-test kms:ListKeys', 'worker-test rds:DescribeDBClusters']);

    expect((await fetchLocal(aws.endpoint, '/_local/calls', { method: 'DELETE' })).status).toBe(200);
    const after = (await (await fetchLocal(aws.endpoint, '/_local/calls')).json()) as { callers: Record<string, unknown> };
    expect(after.callers).toEqual({});
    // The control call itself is not an AWS action.
    expect(JSON.stringify(after)).not.toContain('das-local');
  });

  it('refuses unsigned reads like the other control endpoints', async () => {
    const response = await fetch(`${aws.endpoint}/_local/calls`);
    expect(response.status).toBe(403);
  });
});
