import { LAB_KEY_ALIAS, LAB_KEY_DESCRIPTION } from '@das/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { AUTH, awsError, buildTestApp, stubAws } from './helpers.js';

const ACCOUNT = '111122223333';
const meta = (id: string, extra: Record<string, unknown> = {}) => ({
  KeyId: id,
  Arn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${id}`,
  AWSAccountId: ACCOUNT,
  Description: `key ${id}`,
  KeyState: 'Enabled',
  Enabled: true,
  KeyUsage: 'ENCRYPT_DECRYPT',
  KeySpec: 'SYMMETRIC_DEFAULT',
  KeyManager: 'CUSTOMER',
  CreationDate: new Date('2026-01-01T00:00:00Z'),
  ...extra,
});

let app: ApiApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('POST /keys', () => {
  const notFound = () => {
    throw awsError('NotFoundException', 404);
  };

  it('creates the key with the administrators policy (account from an alias ARN) and the alias', async () => {
    const { aws, calls } = stubAws({
      kms: {
        DescribeKey: notFound,
        ListAliases: () => ({ Aliases: [{ AliasName: 'alias/aws/rds', AliasArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/rds` }] }),
        CreateKey: () => ({ KeyMetadata: meta('k-1', { Description: LAB_KEY_DESCRIPTION }) }),
        CreateAlias: () => ({}),
      },
    });
    app = await buildTestApp(aws);
    const admin = `arn:aws:iam::${ACCOUNT}:role/TeamRole`;
    const res = await app.inject({ method: 'POST', url: '/keys', headers: AUTH, payload: { alias: LAB_KEY_ALIAS, keyAdministrators: [admin] } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.key).toMatchObject({ keyId: 'k-1', aliases: [`alias/${LAB_KEY_ALIAS}`], description: LAB_KEY_DESCRIPTION, usableForDas: true });
    const policy = JSON.parse(body.policy);
    expect(policy.Statement.map((s: { Principal: { AWS: unknown } }) => s.Principal.AWS)).toEqual([`arn:aws:iam::${ACCOUNT}:root`, [admin]]);
    expect(calls.map((c) => c.op)).toEqual(['DescribeKey', 'ListAliases', 'CreateKey', 'CreateAlias']);
    expect(calls[2]?.input).toMatchObject({ Description: LAB_KEY_DESCRIPTION, KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' });
    expect(JSON.parse(String(calls[2]?.input.Policy))).toEqual(policy);
    expect(calls[3]?.input).toEqual({ AliasName: `alias/${LAB_KEY_ALIAS}`, TargetKeyId: 'k-1' });
  });

  it('puts the policy after CreateKey when no ARN tells the account yet', async () => {
    const { aws, calls } = stubAws({
      kms: {
        DescribeKey: notFound,
        ListAliases: () => ({ Aliases: [] }),
        ListKeys: () => ({ Keys: [] }),
        CreateKey: () => ({ KeyMetadata: meta('k-1') }),
        PutKeyPolicy: () => ({}),
        CreateAlias: () => ({}),
      },
    });
    app = await buildTestApp(aws);
    const admin = `arn:aws:iam::${ACCOUNT}:user/alice`;
    const res = await app.inject({ method: 'POST', url: '/keys', headers: AUTH, payload: { alias: 'x', keyAdministrators: [admin] } });
    expect(res.statusCode).toBe(201);
    expect(calls.map((c) => c.op)).toEqual(['DescribeKey', 'ListAliases', 'ListKeys', 'CreateKey', 'PutKeyPolicy', 'CreateAlias']);
    expect(calls[3]?.input.Policy).toBeUndefined();
    expect(calls[4]?.input).toMatchObject({ KeyId: 'k-1', PolicyName: 'default', Policy: res.json().policy });
  });

  it('keeps KMS default policy (the root statement) without administrators', async () => {
    const { aws, calls } = stubAws({ kms: { DescribeKey: notFound, CreateKey: () => ({ KeyMetadata: meta('k-1') }), CreateAlias: () => ({}) } });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'POST', url: '/keys', headers: AUTH, payload: { alias: 'plain' } });
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.json().policy).Statement).toHaveLength(1);
    expect(calls.map((c) => c.op)).toEqual(['DescribeKey', 'CreateKey', 'CreateAlias']);
  });

  it('answers 409 on a taken alias without creating a key', async () => {
    const { aws, calls } = stubAws({ kms: { DescribeKey: () => ({ KeyMetadata: meta('old') }) } });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'POST', url: '/keys', headers: AUTH, payload: { alias: 'alias/taken' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ALREADY_EXISTS', field: '/body/alias' });
    expect(calls.map((c) => c.op)).toEqual(['DescribeKey']);
  });

  it('schedules the new key for deletion when the alias cannot be created', async () => {
    const { aws, calls } = stubAws({
      kms: {
        DescribeKey: () => {
          throw awsError('NotFoundException', 404);
        },
        CreateKey: () => ({ KeyMetadata: meta('k-2') }),
        CreateAlias: () => {
          throw awsError('AlreadyExistsException', 409);
        },
        ScheduleKeyDeletion: () => ({ KeyId: 'k-2', KeyState: 'PendingDeletion' }),
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'POST', url: '/keys', headers: AUTH, payload: { alias: 'raced' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ALREADY_EXISTS', awsCode: 'AlreadyExistsException' });
    expect(calls.at(-1)).toEqual({ op: 'ScheduleKeyDeletion', input: { KeyId: 'k-2', PendingWindowInDays: 7 } });
  });

  it.each([
    [{}, '/body/alias'],
    [{ alias: 'alias/aws/rds' }, '/body/alias'],
    [{ alias: 'ok', keyAdministrators: ['TeamRole'] }, '/body/keyAdministrators/0'],
    [{ alias: 'ok', description: 5 }, '/body/description'],
  ])('rejects %j with 400 at %s', async (payload, field) => {
    const { aws, calls } = stubAws();
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'POST', url: '/keys', headers: AUTH, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(calls).toEqual([]);
  });
});

describe('GET /keys and /keys/:keyId', () => {
  it('lists customer managed symmetric keys with their aliases', async () => {
    const { aws } = stubAws({
      kms: {
        ListKeys: () => ({ Keys: [{ KeyId: 'a' }, { KeyId: 'managed' }, { KeyId: 'rsa' }, { KeyId: 'b' }] }),
        ListAliases: () => ({
          Aliases: [
            { AliasName: 'alias/aws/rds', TargetKeyId: 'managed' },
            { AliasName: 'alias/two', TargetKeyId: 'a' },
            { AliasName: 'alias/one', TargetKeyId: 'a' },
          ],
        }),
        DescribeKey: (input) => {
          const id = String(input.KeyId);
          if (id === 'managed') return { KeyMetadata: meta(id, { KeyManager: 'AWS' }) };
          if (id === 'rsa') return { KeyMetadata: meta(id, { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }) };
          if (id === 'b') return { KeyMetadata: meta(id, { KeyState: 'PendingDeletion', Enabled: false, DeletionDate: new Date('2026-02-01T00:00:00Z') }) };
          return { KeyMetadata: meta(id) };
        },
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/keys', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const keys = res.json().keys;
    expect(keys.map((k: { keyId: string }) => k.keyId)).toEqual(['a', 'b']);
    expect(keys[0]).toMatchObject({ aliases: ['alias/one', 'alias/two'], state: 'Enabled', usableForDas: true, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(keys[1]).toMatchObject({ state: 'PendingDeletion', usableForDas: false, deletionDate: '2026-02-01T00:00:00.000Z' });
  });

  it('describes a key by an encoded alias name', async () => {
    const { aws, calls } = stubAws({
      kms: { DescribeKey: () => ({ KeyMetadata: meta('k') }), ListAliases: () => ({ Aliases: [{ AliasName: 'alias/x', TargetKeyId: 'k' }] }) },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/keys/alias%2Fx', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ keyId: 'k', aliases: ['alias/x'] });
    expect(calls[0]).toEqual({ op: 'DescribeKey', input: { KeyId: 'alias/x' } });
  });

  it('answers 429 with Retry-After when KMS throttles', async () => {
    const { aws } = stubAws({
      kms: {
        ListKeys: () => {
          throw awsError('ThrottlingException', 400, 'Rate exceeded', { 'retry-after': '3' });
        },
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/keys', headers: AUTH });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json()).toEqual({ code: 'THROTTLED', message: 'Rate exceeded', awsCode: 'ThrottlingException' });
  });

  it('answers 404 for an unknown key', async () => {
    const { aws } = stubAws({
      kms: {
        DescribeKey: () => {
          throw awsError('NotFoundException', 404, 'Key arn:… does not exist');
        },
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'GET', url: '/keys/nope', headers: AUTH });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: 'Key arn:… does not exist', awsCode: 'NotFoundException' });
  });
});

describe('DELETE /keys/:keyId and cancel-deletion', () => {
  const deletionStub = () =>
    stubAws({
      kms: {
        ScheduleKeyDeletion: (input) => ({
          KeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${String(input.KeyId)}`,
          KeyState: 'PendingDeletion',
          DeletionDate: new Date('2026-03-01T00:00:00Z'),
          PendingWindowInDays: input.PendingWindowInDays,
        }),
        CancelKeyDeletion: (input) => ({ KeyId: input.KeyId }),
        DescribeKey: (input) => ({ KeyMetadata: meta(String(input.KeyId), { KeyState: 'Disabled', Enabled: false }) }),
        ListAliases: () => ({ Aliases: [] }),
      },
    });

  it('takes the window from the query, from the body, or defaults to 30', async () => {
    const { aws, calls } = deletionStub();
    app = await buildTestApp(aws);
    const byQuery = await app.inject({ method: 'DELETE', url: '/keys/k?pendingWindowInDays=7', headers: AUTH });
    expect(byQuery.statusCode).toBe(200);
    expect(byQuery.json()).toMatchObject({ state: 'PendingDeletion', pendingWindowInDays: 7, deletionDate: '2026-03-01T00:00:00.000Z' });
    const byBody = await app.inject({ method: 'DELETE', url: '/keys/k', headers: AUTH, payload: { pendingWindowInDays: 12 } });
    expect(byBody.json().pendingWindowInDays).toBe(12);
    await app.inject({ method: 'DELETE', url: '/keys/k', headers: AUTH });
    expect(calls.map((c) => c.input.PendingWindowInDays)).toEqual([7, 12, 30]);
  });

  it.each(['6', '31', 'x'])('rejects pendingWindowInDays=%s', async (value) => {
    const { aws, calls } = deletionStub();
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'DELETE', url: `/keys/k?pendingWindowInDays=${value}`, headers: AUTH });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: '/querystring/pendingWindowInDays' });
    expect(calls).toEqual([]);
  });

  it('cancels a deletion and shows the key Disabled', async () => {
    const { aws } = deletionStub();
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'POST', url: '/keys/k/cancel-deletion', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ keyId: 'k', state: 'Disabled', enabled: false, usableForDas: false });
  });

  it('answers 409 when KMS says the state is wrong', async () => {
    const { aws } = stubAws({
      kms: {
        ScheduleKeyDeletion: () => {
          throw awsError('KMSInvalidStateException', 409, 'key is pending deletion');
        },
      },
    });
    app = await buildTestApp(aws);
    const res = await app.inject({ method: 'DELETE', url: '/keys/k', headers: AUTH });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'WRONG_STATE', awsCode: 'KMSInvalidStateException' });
  });
});
