import { describe, expect, it } from 'vitest';
import { buildHeartbeat, createEventGenerator } from '../fixtures/index.js';
import { createMemoryKms } from '../testing/index.js';
import { createDataKeyCache } from './data-key-cache.js';
import { decryptRecord } from './decrypt-record.js';
import { encryptRecord } from './encrypt-record.js';
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy } from '@aws-crypto/client-node';
import { gzipSync } from 'node:zlib';
import { dasKeyring } from './esdk.js';
import { encryptionContextFor } from './kms-port.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

function esdkSuiteOf(record: Uint8Array): string {
  const envelope = JSON.parse(Buffer.from(record).toString('utf8')) as { databaseActivityEvents: string };
  const message = Buffer.from(envelope.databaseActivityEvents, 'base64');
  return message.subarray(0, 4).toString('hex');
}

describe('encryptRecord → decryptRecord', () => {
  for (const engine of ['mysql', 'postgres'] as const) {
    for (const suite of ['signed', 'unsigned'] as const) {
      it(`round-trips a ${engine} payload with the ${suite} suite`, async () => {
        const kms = createMemoryKms();
        const payload = createEventGenerator({ seed: 7, engine }).payload(25);
        payload.databaseActivityEventList.push(buildHeartbeat(engine));
        const record = await encryptRecord(payload, { kms, keyId: 'alias/das', resourceId: RESOURCE_ID, suite });
        expect(esdkSuiteOf(record)).toBe(suite === 'signed' ? '01800378' : '01800178');

        const decrypted = await decryptRecord(record, { kms, resourceId: RESOURCE_ID, cache: createDataKeyCache() });
        expect(decrypted.version).toBe(engine === 'mysql' ? '1.2' : '1.1');
        expect(decrypted.payload).toEqual(payload);
        expect(decrypted.events).toHaveLength(26);
        expect(new Set(decrypted.events.map((e) => e.engine))).toEqual(new Set([engine]));
        expect(decrypted.events.at(-1)?.kind).toBe('heartbeat');
        expect(kms.calls).toEqual({ generateDataKey: 1, decrypt: 1 });
      });
    }
  }

  it('accepts the record as a string and reuses a caller-provided data key', async () => {
    const kms = createMemoryKms();
    const dataKey = await kms.generateDataKey('alias/das', { 'aws:rds:dbc-id': RESOURCE_ID });
    const payload = createEventGenerator({ seed: 1 }).payload(3);
    const a = await encryptRecord(payload, { kms, keyId: 'alias/das', resourceId: RESOURCE_ID, dataKey, version: '1.3' });
    const b = await encryptRecord(payload, { kms, keyId: 'alias/das', resourceId: RESOURCE_ID, dataKey });
    expect(kms.calls.generateDataKey).toBe(1);
    expect(dataKey.plaintext.some((byte) => byte !== 0)).toBe(true);
    const decoded = await decryptRecord(Buffer.from(a).toString('utf8'), { kms, resourceId: RESOURCE_ID });
    expect(decoded.version).toBe('1.3');
    expect((await decryptRecord(b, { kms, resourceId: RESOURCE_ID })).payload).toEqual(payload);
  });

  it('binds the data key to the instance context for db- resource ids', async () => {
    const kms = createMemoryKms();
    const payload = createEventGenerator({ seed: 2 }).payload(2);
    const record = await encryptRecord(payload, { kms, keyId: 'k', resourceId: 'db-2XDW3ZMBGQ6YLO6FEW7ZCUTDSU' });
    await expect(decryptRecord(record, { kms, resourceId: 'db-2XDW3ZMBGQ6YLO6FEW7ZCUTDSU' })).resolves.toBeDefined();
    await expect(decryptRecord(record, { kms, resourceId: 'cluster-2XDW3ZMBGQ6YLO6FEW7ZCUTDSU' })).rejects.toMatchObject({
      reason: 'KEY_DECRYPT_FAILED',
    });
  });
});

describe('decryptRecord across ESDK algorithm suites', () => {
  // Every suite the SDK decrypts under FORBID_ENCRYPT_ALLOW_DECRYPT, committing (v2) ones included.
  const suites = Object.values(AlgorithmSuiteIdentifier).filter((id): id is AlgorithmSuiteIdentifier => typeof id === 'number');
  const encrypter = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
  const legacyEncrypter = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);

  it.each(suites.map((id) => [`0x${id.toString(16).padStart(4, '0')}`, id] as const))('suite %s', async (_hex, suiteId) => {
    const kms = createMemoryKms();
    const payload = createEventGenerator({ seed: suiteId }).payload(4);
    const dataKey = await kms.generateDataKey('k', encryptionContextFor(RESOURCE_ID));
    const committing = suiteId >= 0x0478;
    const { result } = await (committing ? encrypter : legacyEncrypter).encrypt(dasKeyring(dataKey.plaintext), gzipSync(JSON.stringify(payload)), {
      suiteId,
      encryptionContext: {},
    });
    expect(result.readUInt16BE(committing ? 1 : 2)).toBe(suiteId);
    const record = JSON.stringify({
      type: 'DatabaseActivityMonitoringRecords',
      version: '1.2',
      databaseActivityEvents: result.toString('base64'),
      key: Buffer.from(dataKey.ciphertextBlob).toString('base64'),
    });
    expect((await decryptRecord(record, { kms, resourceId: RESOURCE_ID })).payload).toEqual(payload);
  });
});
