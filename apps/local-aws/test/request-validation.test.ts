// Operation names, numbers and enums are checked as AWS checks them, and cases the fuzz tier
// (test/fuzz.test.ts) or the security review found are kept here as plain regression tests.
import { connect } from 'node:net';
import { CreateStreamCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, type LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator, waitFor } from './helpers.js';
import { rawRequest, type RawResponse } from './raw-http.js';

const JSON_TYPE = 'application/x-amz-json-1.1';
const PROTOTYPE_NAMES = ['__proto__', 'hasOwnProperty', 'valueOf', 'toString', 'constructor', 'isPrototypeOf', 'propertyIsEnumerable'];

let aws: LocalAws;
let dataDir: string;
let logs: string[];
let keyId: string;

beforeAll(async () => {
  ({ aws, dataDir, logs } = await startTestEmulator());
  const { kms, kinesis } = sdkClients(aws.endpoint);
  try {
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await kinesis.send(new CreateStreamCommand({ StreamName: 'checked', ShardCount: 2 }));
    await waitFor(() => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'checked' })), (out) => out.StreamDescriptionSummary!.StreamStatus === 'ACTIVE');
  } finally {
    kms.destroy();
    kinesis.destroy();
  }
});
afterAll(async () => {
  await aws?.close();
  await removeDir(dataDir);
});

const call = (target: string, body: unknown) => rawRequest(aws.endpoint, { headers: { 'content-type': JSON_TYPE, 'x-amz-target': target }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const form = (body: string) => rawRequest(aws.endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${body}&Version=2014-10-31` });
const error = (response: RawResponse) => {
  const body = JSON.parse(response.body) as { __type: string; message?: string; Message?: string };
  return { status: response.status, type: body.__type, message: body.message ?? body.Message };
};
const xmlError = (response: RawResponse) => ({ status: response.status, code: /<Code>(\w+)<\/Code>/.exec(response.body)?.[1], message: /<Message>([^<]*)<\/Message>/.exec(response.body)?.[1] });

describe('operation names', () => {
  it('are looked up as own properties in every service (security review: AmazonSSM.__proto__ answered 500)', async () => {
    for (const prefix of ['TrentService', 'Kinesis_20131202', 'AmazonSSM']) {
      for (const name of PROTOTYPE_NAMES) {
        const response = await call(`${prefix}.${name}`, {});
        expect([`${prefix}.${name}`, error(response).status, error(response).type]).toEqual([`${prefix}.${name}`, 400, 'UnknownOperationException']);
      }
    }
    for (const name of PROTOTYPE_NAMES) expect(xmlError(await form(`Action=${name}`))).toMatchObject({ status: 400, code: 'InvalidAction' });
    expect(logs.filter((line) => / failed: /.test(line))).toEqual([]);
  });

  it('keeps filter names to own properties too (RDS Filters, SSM instance filters)', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      expect(xmlError(await form(`Action=DescribeDBClusters&Filters.Filter.1.Name=${name}&Filters.Filter.1.Values.Value.1=x`))).toMatchObject({ status: 400, code: 'InvalidParameterValue' });
      const ssm = await call('AmazonSSM.DescribeInstanceInformation', { Filters: [{ Key: name, Values: ['x'] }] });
      expect(error(ssm)).toMatchObject({ status: 400, type: 'InvalidFilterKey' });
    }
  });
});

describe('numbers and enums', () => {
  it('refuses a fractional NumberOfBytes (security review: 1.5 succeeded) and states ranges as AWS does', async () => {
    expect(error(await call('TrentService.GenerateDataKey', { KeyId: keyId, NumberOfBytes: 1.5 }))).toEqual({
      status: 400,
      type: 'ValidationException',
      message: "1 validation error detected: Value '1.5' at 'numberOfBytes' failed to satisfy constraint: Member must be an integer",
    });
    expect(error(await call('TrentService.GenerateDataKey', { KeyId: keyId, NumberOfBytes: 1025 })).message).toBe(
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    expect(error(await call('TrentService.ListKeys', { Limit: 0 })).message).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect((await call('TrentService.GenerateDataKey', { KeyId: keyId, NumberOfBytes: 24 })).status).toBe(200);
    expect(error(await call('Kinesis_20131202.DescribeStream', { StreamName: 'checked', Limit: 2.5 }))).toMatchObject({ status: 400, type: 'ValidationException', message: expect.stringContaining("at 'limit'") });
    expect(error(await call('Kinesis_20131202.PutRecords', { StreamName: 'checked', Records: [{ Data: 'YQ==', PartitionKey: 'p' }], Extra: 1 })).status).toBe(200);
    expect(error(await call('Kinesis_20131202.UpdateShardCount', { StreamName: 'checked', TargetShardCount: 2.5, ScalingType: 'UNIFORM_SCALING' })).type).toBe('ValidationException');
    expect(error(await call('AmazonSSM.ListCommands', { MaxResults: 2.5 }))).toMatchObject({ status: 400, type: 'ValidationException', message: expect.stringContaining("at 'maxResults'") });
    expect(xmlError(await form('Action=DescribeDBClusters&MaxRecords=20.5'))).toMatchObject({ status: 400, code: 'InvalidParameterValue' });
    expect(xmlError(await form('Action=DescribeDBClusters&MaxRecords=1e2'))).toMatchObject({ status: 400, code: 'InvalidParameterValue' });
  });

  it('checks enum members against the model sets', async () => {
    expect(error(await call('TrentService.GenerateDataKey', { KeyId: keyId, KeySpec: 'AES_512' })).message).toBe(
      "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
    expect(error(await call('TrentService.CreateKey', { KeyUsage: 'SIGN_EVERYTHING' })).type).toBe('ValidationException');
    // A modelled value the emulator does not implement is a different error.
    expect(error(await call('TrentService.CreateKey', { KeySpec: 'RSA_2048' })).type).toBe('UnsupportedOperationException');
    expect(error(await call('TrentService.Encrypt', { KeyId: keyId, Plaintext: 'YQ==', EncryptionAlgorithm: 'ROT13' })).type).toBe('ValidationException');
    expect(error(await call('Kinesis_20131202.ListShards', { StreamName: 'checked', ShardFilter: { Type: 'SIDEWAYS' } })).message).toMatch(/at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum value set/);
    expect(error(await call('Kinesis_20131202.CreateStream', { StreamName: 'mode', ShardCount: 1, StreamModeDetails: { StreamMode: 'SOMETIMES' } })).message).toMatch(/at 'streamModeDetails.streamMode'/);
    expect(error(await call('Kinesis_20131202.UpdateShardCount', { StreamName: 'checked', TargetShardCount: 2, ScalingType: 'LINEAR' })).type).toBe('ValidationException');
  });

  it('answers a Query parameter given twice with different values as InvalidParameterCombination', async () => {
    expect(xmlError(await form('Action=DescribeDBClusters&MaxRecords=20&MaxRecords=30'))).toMatchObject({ status: 400, code: 'InvalidParameterCombination', message: expect.stringContaining('MaxRecords') });
    expect(xmlError(await form('Action=DescribeDBClusters&Action=StopActivityStream'))).toMatchObject({ status: 400, code: 'InvalidParameterCombination' });
    expect((await form('Action=DescribeDBClusters&MaxRecords=20&MaxRecords=20')).status).toBe(200);
  });
});

describe('fuzz regressions', () => {
  it('a null map value in AddTagsToStream is a 400, not a crash inside kinesalite (fuzz seed 1)', async () => {
    for (const body of [{ StreamName: 'checked', Tags: { a: null } }, { Tags: { '': null } }, { StreamName: 'checked', Records: [{ Data: 'YQ==', PartitionKey: null }] }]) {
      const response = await call(body.Records ? 'Kinesis_20131202.PutRecords' : 'Kinesis_20131202.AddTagsToStream', body);
      expect(error(response)).toMatchObject({ status: 400, type: 'SerializationException' });
    }
    expect(logs.filter((line) => / failed: /.test(line))).toEqual([]);
  });

  it("an Expect header other than 100-continue is served, not answered with Node's bare 417 (fuzz seed 20261206)", async () => {
    const headers = signRequest({ method: 'POST', url: aws.endpoint, headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'AmazonSSM.ListCommands', expect: 'gzip' }, body: '{}', service: 'ssm' });
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(aws.port, '127.0.0.1', () => {
        socket.write(`POST / HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply).toContain('"Commands"');
  });

  it('a ShardFilter nested 100 000 levels deep pages without overflowing the NextToken encoder (fuzz deep-body case)', async () => {
    const depth = 100_000;
    const body = `{"StreamName":"checked","MaxResults":1,"ShardFilter":{"Type":"AT_LATEST","Junk":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const first = await call('Kinesis_20131202.ListShards', body);
    expect(first.status).toBe(200);
    const { Shards, NextToken } = JSON.parse(first.body) as { Shards: unknown[]; NextToken: string };
    expect(Shards).toHaveLength(1);
    const second = await call('Kinesis_20131202.ListShards', { NextToken });
    expect((JSON.parse(second.body) as { Shards: unknown[] }).Shards).toHaveLength(1);
    const deepRecords = await call('Kinesis_20131202.PutRecords', `{"StreamName":"checked","Records":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(deepRecords.status).toBeLessThan(500);
  });
});
