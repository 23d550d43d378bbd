// Fuzz tier: fast-check generates malformed requests for every service's operations — targets
// and actions, bodies (edge numbers, huge and deep values, wrong types, bad encodings, duplicated
// parameters) and headers — and sends them over real HTTP. Whatever comes in: no 5xx, an
// AWS-shaped error on every 4xx, and the emulator still serves afterwards. Fixed seed (printed
// on failure with the shrunk case); bounded by time. FUZZ_SEED / FUZZ_MS override.
import { Agent, request } from 'node:http';
import { CreateStreamCommand, DescribeStreamSummaryCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { CreateAliasCommand, CreateKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, type LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator, waitFor } from './helpers.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261206);
const TIME_LIMIT_MS = Number(process.env['FUZZ_MS'] ?? 12_000);
const MAX_BODY = 256 * 1024;
const CLUSTER_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:auroralab-mysql-cluster';

type Service = 'kms' | 'kinesis' | 'ssm' | 'rds';

/** Operations and the members each reads (from the service models), per JSON service. */
const JSON_OPERATIONS: Record<Exclude<Service, 'rds'>, { prefix: string; operations: Record<string, string[]> }> = {
  kms: {
    prefix: 'TrentService',
    operations: {
      CreateKey: ['Description', 'Policy', 'KeySpec', 'CustomerMasterKeySpec', 'KeyUsage', 'Origin', 'Tags', 'MultiRegion'],
      DescribeKey: ['KeyId', 'GrantTokens'],
      ListKeys: ['Limit', 'Marker'],
      ListAliases: ['KeyId', 'Limit', 'Marker'],
      CreateAlias: ['AliasName', 'TargetKeyId'],
      DeleteAlias: ['AliasName'],
      Encrypt: ['KeyId', 'Plaintext', 'EncryptionContext', 'EncryptionAlgorithm', 'DryRun'],
      Decrypt: ['CiphertextBlob', 'EncryptionContext', 'KeyId', 'EncryptionAlgorithm', 'DryRun'],
      GenerateDataKey: ['KeyId', 'KeySpec', 'NumberOfBytes', 'EncryptionContext', 'DryRun'],
      GenerateDataKeyWithoutPlaintext: ['KeyId', 'KeySpec', 'NumberOfBytes', 'EncryptionContext'],
      EnableKey: ['KeyId'],
      DisableKey: ['KeyId'],
      ScheduleKeyDeletion: ['KeyId', 'PendingWindowInDays'],
      CancelKeyDeletion: ['KeyId'],
      GetKeyPolicy: ['KeyId', 'PolicyName'],
      PutKeyPolicy: ['KeyId', 'PolicyName', 'Policy'],
      ListKeyPolicies: ['KeyId', 'Limit', 'Marker'],
      ListResourceTags: ['KeyId', 'Limit', 'Marker'],
    },
  },
  kinesis: {
    prefix: 'Kinesis_20131202',
    operations: {
      CreateStream: ['StreamName', 'ShardCount', 'StreamModeDetails'],
      DeleteStream: ['StreamName', 'StreamARN', 'EnforceConsumerDeletion'],
      DescribeStream: ['StreamName', 'Limit', 'ExclusiveStartShardId'],
      DescribeStreamSummary: ['StreamName', 'StreamARN'],
      ListStreams: ['Limit', 'ExclusiveStartStreamName', 'NextToken'],
      ListShards: ['StreamName', 'NextToken', 'MaxResults', 'ExclusiveStartShardId', 'ShardFilter', 'StreamCreationTimestamp'],
      GetShardIterator: ['StreamName', 'ShardId', 'ShardIteratorType', 'StartingSequenceNumber', 'Timestamp'],
      GetRecords: ['ShardIterator', 'Limit', 'StreamARN'],
      PutRecord: ['StreamName', 'Data', 'PartitionKey', 'ExplicitHashKey', 'SequenceNumberForOrdering'],
      PutRecords: ['StreamName', 'Records'],
      SplitShard: ['StreamName', 'ShardToSplit', 'NewStartingHashKey'],
      MergeShards: ['StreamName', 'ShardToMerge', 'AdjacentShardToMerge'],
      UpdateShardCount: ['StreamName', 'TargetShardCount', 'ScalingType'],
      AddTagsToStream: ['StreamName', 'Tags'],
      RemoveTagsFromStream: ['StreamName', 'TagKeys'],
      ListTagsForStream: ['StreamName', 'Limit', 'ExclusiveStartTagKey'],
      IncreaseStreamRetentionPeriod: ['StreamName', 'RetentionPeriodHours'],
      DecreaseStreamRetentionPeriod: ['StreamName', 'RetentionPeriodHours'],
    },
  },
  ssm: {
    prefix: 'AmazonSSM',
    operations: {
      // No valid instance id is ever generated: SendCommand must not start real loads.
      SendCommand: ['DocumentName', 'InstanceIds', 'Targets', 'Parameters', 'TimeoutSeconds', 'Comment', 'DocumentVersion'],
      GetCommandInvocation: ['CommandId', 'InstanceId', 'PluginName'],
      ListCommands: ['CommandId', 'InstanceId', 'MaxResults', 'NextToken', 'Filters'],
      ListCommandInvocations: ['CommandId', 'InstanceId', 'MaxResults', 'NextToken', 'Filters', 'Details'],
      CancelCommand: ['CommandId', 'InstanceIds'],
      DescribeInstanceInformation: ['Filters', 'InstanceInformationFilterList', 'MaxResults'],
      ListDocuments: ['DocumentFilterList', 'Filters'],
      DescribeDocument: ['Name', 'DocumentVersion'],
      GetDocument: ['Name', 'DocumentVersion'],
    },
  },
};

const RDS_ACTIONS: Record<string, string[]> = {
  DescribeDBClusters: ['DBClusterIdentifier', 'Filters.Filter.1.Name', 'Filters.Filter.1.Values.Value.1', 'MaxRecords', 'Marker'],
  DescribeDBInstances: ['DBInstanceIdentifier', 'Filters.Filter.1.Name', 'Filters.Filter.1.Values.Value.1', 'MaxRecords', 'Marker'],
  StartActivityStream: ['ResourceArn', 'Mode', 'KmsKeyId', 'ApplyImmediately', 'EngineNativeAuditFieldsIncluded'],
  StopActivityStream: ['ResourceArn', 'ApplyImmediately'],
};

/** Valid members a case may start from, so that one mutation reaches past the first check. */
const VALID_BASE: Record<Exclude<Service, 'rds'>, Record<string, unknown>> = {
  kms: { KeyId: 'alias/fuzz', KeySpec: 'AES_256', Plaintext: 'YQ==' },
  kinesis: { StreamName: 'fuzz', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON', PartitionKey: 'p', Data: 'YQ==' },
  ssm: { DocumentName: 'DAS-Lab-TpccLoad', Name: 'DAS-Lab-TpccLoad', InstanceIds: ['i-0123456789abcdef0'] },
};
const RDS_VALID_BASE: Record<string, string> = { ResourceArn: CLUSTER_ARN, Mode: 'async', KmsKeyId: 'alias/fuzz' };

/** Names that are not operations but exist on every object. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'prototype'];

// ---- values -------------------------------------------------------------------------------

const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 1.5, -0.5, 0.1, 1e-300, 1e308, -1e308, 2 ** 31 - 1, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1024, 1025, 10_000, 100_001),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const edgeString = fc.oneof(
  fc.constantFrom(
    '', ' ', '__proto__', 'constructor', 'toString', 'fuzz', 'alias/', 'alias/aws/x', 'alias/fuzz', 'shardId-000000000000', 'shardId-999999999999',
    'AES_256', 'AES_512', 'SYMMETRIC_DEFAULT', 'RSA_2048', 'UNIFORM_SCALING', 'TRIM_HORIZON', 'AT_TIMESTAMP', 'ON_DEMAND', 'YQ==', '====', 'YQ=', '%%%%',
    'arn:aws:kinesis:us-east-1:000000000000:stream/fuzz', 'arn:aws:kinesis:eu-west-1:000000000000:stream/fuzz', CLUSTER_ARN, 'AWS-RunDasLoad',
    'Status', 'InvokedAfter', 'i-0123456789abcdef0', '00000000-0000-0000-0000-000000000000', '340282366920938463463374607431768211456', '-1',
    '\u0000', '\ud800', 'é'.repeat(300), '{"Version":"2012-10-17"}', '[]',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('A'.repeat(70_000), 'x'.repeat(4097), 'y'.repeat(257)),
);
const scalar = fc.oneof(edgeNumber, edgeString, fc.boolean(), fc.constant(null));
/** Arrays or objects nested up to a few thousand levels. */
const deepValue = fc.tuple(fc.integer({ min: 2, max: 4000 }), fc.boolean()).map(([depth, asArray]) => {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = asArray ? [value] : { Nested: value };
  return value;
});
const memberValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(fc.oneof(scalar, fc.dictionary(fc.constantFrom('Data', 'PartitionKey', 'Key', 'Values', 'TagKey', 'TagValue', 'key', 'value', '__proto__'), scalar, { maxKeys: 3 })), { maxLength: 6 }) },
  { weight: 2, arbitrary: fc.dictionary(fc.oneof(edgeString, fc.constantFrom('Type', 'ShardId', 'Timestamp', 'StreamMode', '__proto__')), scalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.constant({ Data: 'YQ==', PartitionKey: 'p' }), { minLength: 499, maxLength: 502 }) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

// ---- requests -----------------------------------------------------------------------------

interface FuzzRequest {
  service: Service;
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** sign | unsigned | a broken Authorization header | a page's Origin | a foreign Host. */
  auth: 'sign' | 'unsigned' | 'malformed' | 'origin' | 'foreign-host';
  malformedAuth?: string;
}

const authMode = fc.oneof(
  { weight: 16, arbitrary: fc.constant('sign' as const) },
  { weight: 1, arbitrary: fc.constantFrom('unsigned' as const, 'malformed' as const, 'origin' as const, 'foreign-host' as const) },
);
const malformedAuthorization = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e', 'AWS AKID:sig', 'Bearer x', 'AWS4-HMAC-SHA256 Credential=,SignedHeaders=,Signature='),
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 70 })).map(
    ([credential, signed, signature]) => `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=${signature}`,
  ),
);
const extraHeaders = fc.dictionary(
  fc.constantFrom('content-encoding', 'x-amz-date', 'x-amz-security-token', 'accept', 'x-amz-content-sha256', 'expect', 'x-amz-user-agent'),
  fc.constantFrom('gzip', 'br', '20261206T000000Z', 'nonsense', '*/*', 'UNSIGNED-PAYLOAD', 'x'.repeat(2000)),
  { maxKeys: 2 },
);

/** A JSON body as text, sometimes with a member given twice, in a bad encoding or cut short. */
function encodeJson(members: Array<[string, unknown]>, encoding: string): Buffer {
  const json = JSON.stringify(Object.fromEntries(members)) ?? '{}';
  switch (encoding) {
    case 'duplicate': {
      const [name, value] = members[0] ?? ['KeyId', 'x'];
      return Buffer.from(`{${JSON.stringify(name)}:${JSON.stringify(value) ?? 'null'},${json.slice(1)}`);
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]);
    case 'utf16':
      return Buffer.from(json, 'utf16le');
    case 'invalid-utf8':
      return Buffer.concat([Buffer.from('{"KeyId":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    case 'truncated':
      return Buffer.from(json.slice(0, Math.max(1, Math.floor(json.length / 2))));
    case 'empty':
      return Buffer.alloc(0);
    case 'deep': {
      // Built as text: 100 000 levels would overflow JSON.stringify here, and any recursive walk there.
      const name = members[0]?.[0] ?? 'Records';
      const depth = 100_000;
      return Buffer.from(`{${json.length > 2 ? `${json.slice(1, -1)},` : ''}${JSON.stringify(name)}:${'['.repeat(depth)}${']'.repeat(depth)}}`);
    }
    case 'not-object':
      return Buffer.from(JSON.stringify(members.map(([, value]) => value)) ?? '[]');
    default:
      return Buffer.from(json);
  }
}
const jsonEncoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant('plain') },
  { weight: 1, arbitrary: fc.constantFrom('duplicate', 'bom', 'utf16', 'invalid-utf8', 'truncated', 'empty', 'not-object', 'deep') },
);

function jsonRequests(service: Exclude<Service, 'rds'>): fc.Arbitrary<FuzzRequest> {
  const { prefix, operations } = JSON_OPERATIONS[service];
  const operation = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...Object.keys(operations)) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 30 })) },
  );
  return fc
    .record({
      operation,
      targetStyle: fc.oneof({ weight: 20, arbitrary: fc.constant('ok') }, { weight: 1, arbitrary: fc.constantFrom('prefix-only', 'extra-dot', 'other-prefix', 'lower', 'none') }),
      members: fc.array(fc.tuple(fc.nat(), memberValue), { maxLength: 5 }),
      foreignMember: fc.option(fc.tuple(fc.oneof(edgeString, fc.constantFrom(...PROTOTYPE_NAMES)), memberValue), { freq: 5 }),
      encoding: jsonEncoding,
      fromValid: fc.boolean(),
      contentType: fc.oneof(
        { weight: 12, arbitrary: fc.constant('application/x-amz-json-1.1') },
        { weight: 1, arbitrary: fc.constantFrom('application/x-amz-json-1.0', 'application/json', 'APPLICATION/X-AMZ-JSON-1.1; charset=utf-8', 'application/x-amz-cbor-1.1', 'text/plain', 'application/x-www-form-urlencoded', '') },
      ),
      method: fc.oneof({ weight: 20, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH') }),
      auth: authMode,
      malformedAuth: malformedAuthorization,
      extra: extraHeaders,
    })
    .map((draw) => {
      const known = operations[draw.operation] ?? ['KeyId', 'StreamName', 'CommandId'];
      const mutated: Array<[string, unknown]> = draw.members.map(([index, value]) => [known[index % known.length]!, value]);
      const members: Array<[string, unknown]> = draw.fromValid
        ? Object.entries({ ...VALID_BASE[service], ...Object.fromEntries(mutated.slice(0, 1)) })
        : mutated;
      if (draw.foreignMember) members.push(draw.foreignMember);
      const target = {
        ok: `${prefix}.${draw.operation}`,
        'prefix-only': prefix,
        'extra-dot': `${prefix}.${draw.operation}.x`,
        'other-prefix': `Nope_2020.${draw.operation}`,
        lower: `${prefix.toLowerCase()}.${draw.operation}`,
        none: '',
      }[draw.targetStyle]!;
      const headers: Record<string, string> = { ...draw.extra };
      if (draw.contentType) headers['content-type'] = draw.contentType;
      if (target) headers['x-amz-target'] = target;
      return {
        service,
        label: `${service} ${target || '(no target)'} ${draw.encoding} ${draw.auth}`,
        method: draw.method,
        path: '/',
        headers,
        body: encodeJson(members, draw.encoding),
        auth: draw.auth,
        malformedAuth: draw.malformedAuth,
      };
    });
}

const rdsRequests: fc.Arbitrary<FuzzRequest> = fc
  .record({
    action: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...Object.keys(RDS_ACTIONS)) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'DeleteDBCluster', '', '../x'), fc.string({ maxLength: 30 })) },
    ),
    params: fc.array(fc.tuple(fc.nat(), fc.oneof(edgeString, edgeNumber.map(String), fc.constantFrom('true', 'false', 'sync', 'async', 'db-cluster-id', 'engine', '20', '100', '1e2', '1.5')))),
    duplicate: fc.option(fc.tuple(fc.nat(), edgeString, edgeString), { freq: 4 }),
    fromValid: fc.boolean(),
    style: fc.oneof(
      { weight: 12, arbitrary: fc.constant('form') },
      { weight: 1, arbitrary: fc.constantFrom('get', 'bad-percent', 'json', 'junk', 'no-version', 'both') },
    ),
    junk: fc.uint8Array({ maxLength: 200 }),
    auth: authMode,
    malformedAuth: malformedAuthorization,
    extra: extraHeaders,
  })
  .map((draw) => {
    const known = RDS_ACTIONS[draw.action] ?? ['DBClusterIdentifier'];
    const form = new URLSearchParams();
    if (draw.action) form.append('Action', draw.action);
    if (draw.style !== 'no-version') form.append('Version', '2014-10-31');
    const params: Array<[string, string]> = draw.params.map(([index, value]) => [known[index % known.length]!, value]);
    const chosen = draw.fromValid ? Object.entries({ ...RDS_VALID_BASE, ...Object.fromEntries(params.slice(0, 1)) }) : params;
    for (const [name, value] of chosen) form.append(name, value);
    if (draw.duplicate) {
      const name = known[draw.duplicate[0] % known.length]!;
      form.append(name, draw.duplicate[1]);
      form.append(name, draw.duplicate[2]);
    }
    const text = form.toString();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...draw.extra };
    let body: Buffer = Buffer.from(text);
    let path = '/';
    let method = 'POST';
    if (draw.style === 'get') [method, path, body] = ['GET', `/?${text}`, Buffer.alloc(0)];
    if (draw.style === 'both') path = `/?Action=${encodeURIComponent(draw.action === 'StopActivityStream' ? 'DescribeDBClusters' : 'StopActivityStream')}`;
    if (draw.style === 'bad-percent') body = Buffer.from(`${text}&Marker=%ZZ&%=%&Action%`);
    if (draw.style === 'json') body = Buffer.from(JSON.stringify(Object.fromEntries(form)));
    if (draw.style === 'junk') body = Buffer.from(draw.junk);
    return { service: 'rds' as const, label: `rds ${draw.action} ${draw.style} ${draw.auth}`, method, path, headers, body, auth: draw.auth, malformedAuth: draw.malformedAuth };
  });

const anyRequest = fc.oneof(jsonRequests('kms'), jsonRequests('kinesis'), jsonRequests('ssm'), rdsRequests);

// ---- sending and judging ----------------------------------------------------------------

const SIGNING_NAME: Record<Service, string> = { kms: 'kms', kinesis: 'kinesis', ssm: 'ssm', rds: 'rds' };

function send(endpoint: string, agent: Agent, item: FuzzRequest): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(item.path, endpoint);
  let headers = { ...item.headers };
  if (item.auth === 'foreign-host') headers['host'] = 'evil.example';
  if (item.auth === 'sign' || item.auth === 'foreign-host' || item.auth === 'origin') {
    headers = signRequest({ method: item.method, url, headers, body: item.body, service: SIGNING_NAME[item.service] });
  }
  if (item.auth === 'origin') headers['origin'] = 'https://evil.example';
  if (item.auth === 'malformed') headers['authorization'] = item.malformedAuth ?? 'x';
  return new Promise((resolve, reject) => {
    const req = request(url, { method: item.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(item.body);
  });
}

/** A JSON error `{__type, message|Message}` or a Query `<ErrorResponse>` with a Code and Message. */
function isAwsShapedError(response: { headers: Record<string, unknown>; body: string }): boolean {
  const type = String(response.headers['content-type'] ?? '');
  if (type === 'application/x-amz-json-1.1') {
    try {
      const body = JSON.parse(response.body) as Record<string, unknown>;
      return typeof body['__type'] === 'string' && body['__type'] !== '' && typeof (body['message'] ?? body['Message']) === 'string';
    } catch {
      return false;
    }
  }
  return type === 'text/xml' && /^<\?xml[^>]*>\n<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>\w+<\/Code><Message>[^<]*<\/Message><\/Error><RequestId>[\w-]+<\/RequestId><\/ErrorResponse>$/.test(response.body);
}

describe('fuzz: malformed requests over HTTP', () => {
  let aws: LocalAws;
  let dataDir: string;
  let logs: string[];

  beforeAll(async () => {
    ({ aws, dataDir, logs } = await startTestEmulator({ maxBodyBytes: MAX_BODY }));
    const { kms, kinesis } = sdkClients(aws.endpoint);
    try {
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/fuzz', TargetKeyId: key.KeyId }));
      await kinesis.send(new CreateStreamCommand({ StreamName: 'fuzz', ShardCount: 2 }));
      await waitFor(() => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'fuzz' })), (out) => out.StreamDescriptionSummary!.StreamStatus === 'ACTIVE');
    } finally {
      kms.destroy();
      kinesis.destroy();
    }
  });
  afterAll(async () => {
    await aws?.close();
    await removeDir(dataDir);
  });

  it(`answers every generated request below 500, AWS-shaped on 4xx (seed ${SEED}, ~${TIME_LIMIT_MS / 1000} s)`, { timeout: TIME_LIMIT_MS + 60_000 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const byService = new Map<Service, Map<number, number>>();
    let sent = 0;
    try {
      await fc.assert(
        fc.asyncProperty(anyRequest, async (item) => {
          const response = await send(aws.endpoint, agent, item);
          sent++;
          const statuses = byService.get(item.service) ?? new Map<number, number>();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          byService.set(item.service, statuses);
          expect(response.status, `${item.label}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) expect(isAwsShapedError(response), `${item.label} → ${response.status} ${response.body.slice(0, 300)}`).toBe(true);
          expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
        }),
        { seed: SEED, numRuns: 1_000_000, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: false },
      );
    } catch (error) {
      console.log(`fuzz failed with seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/fuzz.test.ts)`);
      throw error;
    } finally {
      agent.destroy();
      const table = [...byService].map(([service, statuses]) => ({
        service,
        requests: [...statuses.values()].reduce((a, b) => a + b, 0),
        // `HTTP 200`, not `200`: integer-like keys would be listed before `service`.
        ...Object.fromEntries([...statuses].sort(([a], [b]) => a - b).map(([status, count]) => [`HTTP ${status}`, count])),
      }));
      console.log(`fuzz: ${sent} requests (seed ${SEED}); outcomes by status per service:`);
      console.table(table);
    }
    expect(sent).toBeGreaterThan(200);
    expect(logs.filter((line) => / failed: /.test(line))).toEqual([]);
  });

  it('still serves every service normally afterwards', async () => {
    const health = await fetch(`${aws.endpoint}/health`);
    expect(health.status).toBe(200);
    const { kms, kinesis, rds } = sdkClients(aws.endpoint);
    try {
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      expect((await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('ok') }))).CiphertextBlob).toBeDefined();
      expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toBeDefined();
      expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters).toHaveLength(1);
    } finally {
      for (const client of [kms, kinesis, rds]) client.destroy();
    }
  });
});
