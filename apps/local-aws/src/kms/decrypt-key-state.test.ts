import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, DisableKeyCommand, EnableKeyCommand, EncryptCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../local-aws.js';

/** Decrypt with a disabled key or one pending deletion fails as on AWS (`das doctor` names both). */
describe('KMS Decrypt and the key state', () => {
  let aws: LocalAws;
  let dataDir: string;
  let kms: KMSClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'das-kms-state-'));
    aws = await startLocalAws({ port: 0, dataDir });
    kms = new KMSClient({ endpoint: aws.endpoint, region: aws.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    kms?.destroy();
    await aws?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function sealed(): Promise<{ keyId: string; blob: Uint8Array }> {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const keyId = KeyMetadata!.KeyId!;
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('data key'), EncryptionContext: { 'aws:rds:db-id': 'cluster-X' } }));
    return { keyId, blob: CiphertextBlob! };
  }

  const decrypt = (blob: Uint8Array) => kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { 'aws:rds:db-id': 'cluster-X' } }));

  it('answers DisabledException while the key is disabled, and decrypts again once enabled', async () => {
    const { keyId, blob } = await sealed();
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    await expect(decrypt(blob)).rejects.toMatchObject({ name: 'DisabledException', $metadata: { httpStatusCode: 409 } });
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    expect(Buffer.from((await decrypt(blob)).Plaintext!).toString()).toBe('data key');
  });

  it('answers KMSInvalidStateException while the key is pending deletion', async () => {
    const { keyId, blob } = await sealed();
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await expect(decrypt(blob)).rejects.toMatchObject({ name: 'KMSInvalidStateException', message: expect.stringContaining('pending deletion') });
  });
});
