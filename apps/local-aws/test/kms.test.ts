import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../src/index.js';
import { removeDir, sdkClients, sdkError, startTestEmulator } from './helpers.js';

describe('KMS through @aws-sdk/client-kms', () => {
  let aws: LocalAws;
  let dataDir: string;
  let kms: KMSClient;

  beforeAll(async () => {
    ({ aws, dataDir } = await startTestEmulator());
    kms = sdkClients(aws.endpoint).kms;
  });
  afterAll(async () => {
    kms?.destroy();
    await aws?.close();
    await removeDir(dataDir);
  });

  const createKey = async (description = 'test key') => {
    const out = await kms.send(new CreateKeyCommand({ Description: description }));
    return out.KeyMetadata!;
  };

  it('creates a symmetric key with description, tags and the policy kept verbatim; material is 0600', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x', Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] });
    const out = await kms.send(
      new CreateKeyCommand({ Description: 'DAS key', Policy: policy, Tags: [{ TagKey: 'team', TagValue: 'db' }] }),
    );
    const meta = out.KeyMetadata!;
    expect(meta).toMatchObject({
      AWSAccountId: '000000000000',
      Description: 'DAS key',
      KeyState: 'Enabled',
      Enabled: true,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS',
    });
    expect(meta.Arn).toBe(`arn:aws:kms:us-east-1:000000000000:key/${meta.KeyId}`);
    expect(meta.CreationDate).toBeInstanceOf(Date);
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId }))).Policy).toBe(policy);
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: meta.KeyId }))).Tags).toEqual([{ TagKey: 'team', TagValue: 'db' }]);
    const replaced = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    await kms.send(new PutKeyPolicyCommand({ KeyId: meta.Arn, PolicyName: 'default', Policy: replaced }));
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId }))).Policy).toBe(replaced);
    expect((await sdkError(kms.send(new PutKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default', Policy: 'not json' })))).name).toBe('MalformedPolicyDocumentException');
    expect((await sdkError(kms.send(new CreateKeyCommand({ Policy: '[1]' })))).name).toBe('MalformedPolicyDocumentException');
    const material = await stat(join(dataDir, 'kms', 'material', `${meta.KeyId}.key`));
    expect(material.mode & 0o777).toBe(0o600);
  });

  it('encrypts and decrypts with the context bound; Decrypt needs no KeyId', async () => {
    const key = await createKey();
    const context = { 'aws:rds:dbc-id': 'cluster-ABC', b: '2' };
    const encrypted = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('secret'), EncryptionContext: context }));
    expect(encrypted.KeyId).toBe(key.Arn);
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { b: '2', 'aws:rds:dbc-id': 'cluster-ABC' } }));
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('secret');
    expect(decrypted.KeyId).toBe(key.Arn);

    const wrongContext = await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { 'aws:rds:dbc-id': 'cluster-XYZ' } })));
    expect(wrongContext.name).toBe('InvalidCiphertextException');
    const missingContext = await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })));
    expect(missingContext.name).toBe('InvalidCiphertextException');
    const tampered = Buffer.from(encrypted.CiphertextBlob!);
    tampered[tampered.length - 1]! ^= 0x01;
    expect((await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: context })))).name).toBe('InvalidCiphertextException');
    expect((await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a blob at all, just some bytes here'), EncryptionContext: context })))).name).toBe(
      'InvalidCiphertextException',
    );
    const other = await createKey();
    expect((await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context, KeyId: other.KeyId })))).name).toBe(
      'IncorrectKeyException',
    );
  });

  it('generates data keys (AES_256, AES_128, NumberOfBytes) that decrypt to the same plaintext', async () => {
    const key = await createKey();
    const context = { 'aws:rds:dbc-id': 'cluster-1' };
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: context }));
    expect(dataKey.Plaintext).toHaveLength(32);
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(decrypted.Plaintext!).equals(Buffer.from(dataKey.Plaintext!))).toBe(true);
    expect((await kms.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: 'AES_128' }))).Plaintext).toHaveLength(16);
    expect((await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 64 }))).Plaintext).toHaveLength(64);
    const withoutPlaintext = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: context }));
    expect('Plaintext' in withoutPlaintext).toBe(false);
    expect((await kms.send(new DecryptCommand({ CiphertextBlob: withoutPlaintext.CiphertextBlob, EncryptionContext: context }))).Plaintext).toHaveLength(32);
    expect((await sdkError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId })))).name).toBe('ValidationException');
    expect((await sdkError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', NumberOfBytes: 32 })))).name).toBe('ValidationException');
  });

  it('resolves keys by id, ARN, alias name and alias ARN; manages aliases', async () => {
    const key = await createKey('aliased');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/das-test', TargetKeyId: key.KeyId }));
    for (const name of [key.KeyId!, key.Arn!, 'alias/das-test', 'arn:aws:kms:us-east-1:000000000000:alias/das-test']) {
      expect((await kms.send(new DescribeKeyCommand({ KeyId: name }))).KeyMetadata!.KeyId).toBe(key.KeyId);
    }
    const viaAlias = await kms.send(new EncryptCommand({ KeyId: 'alias/das-test', Plaintext: Buffer.from('x') }));
    expect(viaAlias.KeyId).toBe(key.Arn);

    const aliases = await kms.send(new ListAliasesCommand({ KeyId: key.KeyId }));
    expect(aliases.Aliases).toEqual([
      expect.objectContaining({ AliasName: 'alias/das-test', AliasArn: 'arn:aws:kms:us-east-1:000000000000:alias/das-test', TargetKeyId: key.KeyId }),
    ]);
    expect((await sdkError(kms.send(new CreateAliasCommand({ AliasName: 'alias/das-test', TargetKeyId: key.KeyId })))).name).toBe('AlreadyExistsException');
    expect((await sdkError(kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: key.KeyId })))).name).toBe('InvalidAliasNameException');
    expect((await sdkError(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/rds', TargetKeyId: key.KeyId })))).name).toBe('InvalidAliasNameException');
    expect((await sdkError(kms.send(new CreateAliasCommand({ AliasName: 'alias/bad name!', TargetKeyId: key.KeyId })))).name).toBe('ValidationException');
    expect((await sdkError(kms.send(new CreateAliasCommand({ AliasName: 'alias/other', TargetKeyId: '00000000-0000-0000-0000-000000000000' })))).name).toBe('NotFoundException');

    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/das-test' }));
    expect((await sdkError(kms.send(new DescribeKeyCommand({ KeyId: 'alias/das-test' })))).name).toBe('NotFoundException');
    expect((await sdkError(kms.send(new DeleteAliasCommand({ AliasName: 'alias/das-test' })))).name).toBe('NotFoundException');
  });

  it('lists keys with paging', async () => {
    await createKey();
    await createKey();
    const first = await kms.send(new ListKeysCommand({ Limit: 1 }));
    expect(first.Keys).toHaveLength(1);
    expect(first.Truncated).toBe(true);
    const rest = await kms.send(new ListKeysCommand({ Marker: first.NextMarker }));
    const all = await kms.send(new ListKeysCommand({}));
    expect([...first.Keys!, ...rest.Keys!].map((k) => k.KeyId)).toEqual(all.Keys!.map((k) => k.KeyId));
    expect((await sdkError(kms.send(new ListKeysCommand({ Marker: 'bm90LWEtbWFya2Vy' })))).name).toBe('InvalidMarkerException');
  });

  it('walks the key life cycle: disable, enable, schedule and cancel deletion', async () => {
    const key = await createKey();
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    const disabled = await sdkError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') })));
    expect(disabled.name).toBe('DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: key.Arn }));
    const blob = (await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob;

    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    expect(scheduled).toMatchObject({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect(scheduled.DeletionDate!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect((await sdkError(kms.send(new DecryptCommand({ CiphertextBlob: blob })))).name).toBe('KMSInvalidStateException');
    expect((await sdkError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' })))).name).toBe('KMSInvalidStateException');
    expect((await sdkError(kms.send(new EnableKeyCommand({ KeyId: key.KeyId })))).name).toBe('KMSInvalidStateException');
    expect((await sdkError(kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 3 })))).name).toBe('ValidationException');

    await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.KeyState).toBe('Disabled');
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString()).toBe('x');
  });

  it('answers NotFoundException for unknown keys in every form, InvalidArnException for bad ARNs', async () => {
    for (const keyId of ['11111111-2222-3333-4444-555555555555', 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555', 'alias/nope']) {
      const error = await sdkError(kms.send(new DescribeKeyCommand({ KeyId: keyId })));
      expect(error.name).toBe('NotFoundException');
      expect(error.$metadata?.httpStatusCode).toBe(404);
    }
    expect((await sdkError(kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:broken' })))).name).toBe('InvalidArnException');
    expect((await sdkError(kms.send(new EncryptCommand({ KeyId: 'alias/nope', Plaintext: Buffer.from('x') })))).name).toBe('NotFoundException');
    expect((await sdkError(kms.send(new EncryptCommand({ KeyId: (await createKey()).KeyId, Plaintext: Buffer.alloc(4097) })))).name).toBe('ValidationException');
  });
});
