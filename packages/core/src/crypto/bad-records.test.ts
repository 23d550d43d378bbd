import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DasRecordError, KmsUnavailableError, type DasReasonCode } from '../errors.js';
import { buildMysqlEvent, buildPayload, createEventGenerator } from '../fixtures/index.js';
import { createMemoryKms, kmsError, type MemoryKms } from '../testing/index.js';
import { decryptRecord, type DecryptContext } from './decrypt-record.js';
import { encryptRecord } from './encrypt-record.js';
import { dasKeyring, esdkClient, SUITE_IDS } from './esdk.js';
import { encryptionContextFor } from './kms-port.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

interface Envelope {
  type: string;
  version: string;
  databaseActivityEvents: string;
  key: string;
}

const parse = (record: Uint8Array): Envelope => JSON.parse(Buffer.from(record).toString('utf8')) as Envelope;
const serialise = (envelope: unknown): Uint8Array => Buffer.from(JSON.stringify(envelope), 'utf8');

/** An envelope around any ESDK plaintext, encrypted exactly as DAS would. */
async function craftRecord(kms: MemoryKms, plaintext: Uint8Array): Promise<Uint8Array> {
  const dataKey = await kms.generateDataKey('alias/das', encryptionContextFor(RESOURCE_ID));
  const { result } = await esdkClient.encrypt(dasKeyring(dataKey.plaintext), plaintext, {
    suiteId: SUITE_IDS.signed,
    encryptionContext: {},
  });
  return serialise({
    type: 'DatabaseActivityMonitoringRecords',
    version: '1.2',
    databaseActivityEvents: result.toString('base64'),
    key: Buffer.from(dataKey.ciphertextBlob).toString('base64'),
  });
}

async function reasonOf(record: Uint8Array | string, ctx: DecryptContext): Promise<DasReasonCode> {
  const error: unknown = await decryptRecord(record, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DasRecordError)) throw new Error(`expected a DasRecordError, got ${String(error)}`);
  return error.reason;
}

describe('decryptRecord on bad records', () => {
  const kms = createMemoryKms();
  const ctx: DecryptContext = { kms, resourceId: RESOURCE_ID };
  const payload = createEventGenerator({ seed: 3 }).payload(20);
  const good = () => encryptRecord(payload, { kms, keyId: 'alias/das', resourceId: RESOURCE_ID });

  it('ENVELOPE_NOT_JSON: not JSON at all', async () => {
    expect(await reasonOf(Buffer.from([0xff, 0x00, 0x7b]), ctx)).toBe('ENVELOPE_NOT_JSON');
    expect(await reasonOf('', ctx)).toBe('ENVELOPE_NOT_JSON');
  });

  it('ENVELOPE_INVALID: wrong type, missing key, non-base64 fields, empty key', async () => {
    const envelope = parse(await good());
    expect(await reasonOf(serialise({ ...envelope, type: 'Other' }), ctx)).toBe('ENVELOPE_INVALID');
    expect(await reasonOf(serialise({ ...envelope, key: undefined }), ctx)).toBe('ENVELOPE_INVALID');
    expect(await reasonOf(serialise({ ...envelope, key: `${envelope.key.slice(0, -4)}#A==` }), ctx)).toBe('ENVELOPE_INVALID');
    expect(await reasonOf(serialise({ ...envelope, databaseActivityEvents: 'AYAD?' }), ctx)).toBe('ENVELOPE_INVALID');
    expect(await reasonOf(serialise([envelope]), ctx)).toBe('ENVELOPE_INVALID');
  });

  it('KEY_DECRYPT_FAILED: the key was bound to another resource (wrong encryption context)', async () => {
    const error = await decryptRecord(await good(), { kms, resourceId: 'cluster-OTHERRESOURCE0000000000000' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DasRecordError);
    expect(error).toMatchObject({ reason: 'KEY_DECRYPT_FAILED', kmsErrorName: 'InvalidCiphertextException' });
  });

  it('KEY_DECRYPT_FAILED: tampered key blob, and a KMS answer that is no AES-256 key', async () => {
    const envelope = parse(await good());
    const blob = Buffer.from(envelope.key, 'base64');
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1;
    expect(await reasonOf(serialise({ ...envelope, key: blob.toString('base64') }), ctx)).toBe('KEY_DECRYPT_FAILED');
    const shortKeyKms = { ...kms, decrypt: async () => new Uint8Array(16) };
    expect(await reasonOf(await good(), { kms: shortKeyKms, resourceId: RESOURCE_ID })).toBe('KEY_DECRYPT_FAILED');
  });

  it('KEY_DECRYPT_FAILED for every KMS answer that means a bad key, with its name', async () => {
    for (const name of ['IncorrectKeyException', 'NotFoundException', 'DisabledException', 'KMSInvalidStateException', 'AccessDeniedException']) {
      const record = await good();
      kms.failNext(kmsError(name));
      const error = await decryptRecord(record, ctx).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'DasRecordError', reason: 'KEY_DECRYPT_FAILED', kmsErrorName: name });
    }
  });

  it('PAYLOAD_DECRYPT_FAILED: one ciphertext byte flipped', async () => {
    const envelope = parse(await good());
    const message = Buffer.from(envelope.databaseActivityEvents, 'base64');
    message[Math.floor(message.length / 2)] = (message[Math.floor(message.length / 2)] ?? 0) ^ 0x40;
    expect(await reasonOf(serialise({ ...envelope, databaseActivityEvents: message.toString('base64') }), ctx)).toBe('PAYLOAD_DECRYPT_FAILED');
  });

  it('PAYLOAD_DECRYPT_FAILED: a signed (0x0378) message whose ECDSA signature was altered', async () => {
    const envelope = parse(await good());
    const message = Buffer.from(envelope.databaseActivityEvents, 'base64');
    message[message.length - 5] = (message[message.length - 5] ?? 0) ^ 0x01;
    const error = await decryptRecord(serialise({ ...envelope, databaseActivityEvents: message.toString('base64') }), ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'PAYLOAD_DECRYPT_FAILED' });
    expect((error as Error).message).toMatch(/signature/i);
  });

  it('PAYLOAD_DECRYPT_FAILED: the data key of another record', async () => {
    const [a, b] = [parse(await good()), parse(await good())];
    expect(await reasonOf(serialise({ ...a, key: b.key }), ctx)).toBe('PAYLOAD_DECRYPT_FAILED');
  });

  it('PAYLOAD_DECRYPT_FAILED: a truncated message, for both suites', async () => {
    for (const suite of ['signed', 'unsigned'] as const) {
      const envelope = parse(await encryptRecord(payload, { kms, keyId: 'alias/das', resourceId: RESOURCE_ID, suite }));
      const message = Buffer.from(envelope.databaseActivityEvents, 'base64');
      for (const keep of [10, message.length - 60, message.length - 1]) {
        const cut = serialise({ ...envelope, databaseActivityEvents: message.subarray(0, keep).toString('base64') });
        expect(await reasonOf(cut, ctx)).toBe('PAYLOAD_DECRYPT_FAILED');
      }
    }
  });

  it('PAYLOAD_NOT_GZIP: plaintext that is not gzip, or a gzip stream cut short', async () => {
    expect(await reasonOf(await craftRecord(kms, Buffer.from(JSON.stringify(payload))), ctx)).toBe('PAYLOAD_NOT_GZIP');
    const gz = gzipSync(JSON.stringify(payload));
    expect(await reasonOf(await craftRecord(kms, gz.subarray(0, gz.length - 20)), ctx)).toBe('PAYLOAD_NOT_GZIP');
  });

  it('PAYLOAD_NOT_JSON: gzipped text that is not JSON, or not UTF-8', async () => {
    expect(await reasonOf(await craftRecord(kms, gzipSync('{"type": "DatabaseActivityMonitoringRecord",')), ctx)).toBe('PAYLOAD_NOT_JSON');
    expect(await reasonOf(await craftRecord(kms, gzipSync(Buffer.from([0x22, 0xc3, 0x28, 0x22]))), ctx)).toBe('PAYLOAD_NOT_JSON');
  });

  it('PAYLOAD_INVALID: a required field missing, naming its path', async () => {
    const { dbUserName: _drop, ...event } = buildMysqlEvent();
    const record = await encryptRecord(buildPayload([buildMysqlEvent(), event as never]), { kms, keyId: 'k', resourceId: RESOURCE_ID });
    const error = await decryptRecord(record, ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'PAYLOAD_INVALID' });
    expect((error as Error).message).toContain('/databaseActivityEventList/1/dbUserName');
    expect((error as Error).message).not.toContain('SELECT');
  });

  it('RECORD_TOO_LARGE: a record over the size cap, before any KMS call', async () => {
    const record = await good();
    const calls = kms.calls.decrypt;
    expect(await reasonOf(record, { ...ctx, maxRecordBytes: record.length - 1 })).toBe('RECORD_TOO_LARGE');
    const huge = serialise({ ...parse(record), padding: 'x'.repeat(1_200_000) });
    expect(await reasonOf(huge, ctx)).toBe('RECORD_TOO_LARGE');
    expect(kms.calls.decrypt).toBe(calls);
  });

  it('RECORD_TOO_LARGE: a gzip bomb over the default 64 MiB payload cap', async () => {
    const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024 + 1, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    expect(await reasonOf(await craftRecord(kms, bomb), ctx)).toBe('RECORD_TOO_LARGE');
    expect(await reasonOf(await craftRecord(kms, gzipSync(Buffer.alloc(2_000_000, 0x20))), { ...ctx, maxPayloadBytes: 1_000_000 })).toBe(
      'RECORD_TOO_LARGE',
    );
  });
});

describe('decryptRecord when KMS is unavailable', () => {
  it.each([
    ['ThrottlingException', 400],
    ['LimitExceededException', 400],
    ['DependencyTimeoutException', 503],
    ['KMSInternalException', 500],
    ['KeyUnavailableException', 500],
    ['SomethingNew', 502],
  ])('%s → KmsUnavailableError, and the same record decrypts on retry', async (name, status) => {
    const kms = createMemoryKms();
    const record = await encryptRecord(createEventGenerator({ seed: 9 }).payload(5), { kms, keyId: 'k', resourceId: RESOURCE_ID });
    kms.failNext(kmsError(name, status));
    const error = await decryptRecord(record, { kms, resourceId: RESOURCE_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmsUnavailableError);
    expect(error).not.toBeInstanceOf(DasRecordError);
    expect(error).toMatchObject({ retryable: true, kmsErrorName: name });
    await expect(decryptRecord(record, { kms, resourceId: RESOURCE_ID })).resolves.toMatchObject({ events: { length: 5 } });
  });

  it('network errors without a KMS answer are unavailable, not bad records', async () => {
    const kms = createMemoryKms();
    const record = await encryptRecord(createEventGenerator({ seed: 9 }).payload(1), { kms, keyId: 'k', resourceId: RESOURCE_ID });
    kms.failNext(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }));
    await expect(decryptRecord(record, { kms, resourceId: RESOURCE_ID })).rejects.toBeInstanceOf(KmsUnavailableError);
  });
});
