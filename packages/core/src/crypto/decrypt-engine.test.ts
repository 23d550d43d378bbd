// decryptRecord's engines: the fast path (default), the SDK alone, and the fast encryptor's
// records read by both.
import { describe, expect, it } from 'vitest';
import { DasRecordError } from '../errors.js';
import { createEventGenerator } from '../fixtures/index.js';
import { createMemoryKms } from '../testing/index.js';
import { decryptRecord } from './decrypt-record.js';
import { createDataKeyResolver } from './decrypt-steps.js';
import { encryptRecord, encryptRecordFast } from './encrypt-record.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

async function refusal(promise: Promise<unknown>): Promise<DasRecordError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DasRecordError)) throw new Error(`expected a DasRecordError, got ${String(error)}`);
  return error;
}

function withMessage(record: Uint8Array, edit: (message: Buffer) => Buffer): Uint8Array {
  const envelope = JSON.parse(Buffer.from(record).toString('utf8')) as { databaseActivityEvents: string };
  envelope.databaseActivityEvents = edit(Buffer.from(envelope.databaseActivityEvents, 'base64')).toString('base64');
  return Buffer.from(JSON.stringify(envelope));
}

describe('decryptRecord engines', () => {
  for (const suite of ['signed', 'unsigned'] as const) {
    it(`reads encryptRecordFast's ${suite} records with the SDK and the fast path alike`, async () => {
      const kms = createMemoryKms();
      const payload = createEventGenerator({ seed: 11 }).payload(60);
      const record = await encryptRecordFast(payload, { kms, keyId: 'k', resourceId: RESOURCE_ID, suite });
      const viaSdk = await decryptRecord(record, { kms, resourceId: RESOURCE_ID, decryptEngine: 'sdk' });
      const viaFast = await decryptRecord(record, { kms, resourceId: RESOURCE_ID });
      expect(viaSdk.payload).toEqual(payload);
      expect(viaFast).toEqual(viaSdk);
    });
  }

  it("names the failed check on the fast path and SDK_REFUSED with decryptEngine: 'sdk'", async () => {
    const kms = createMemoryKms();
    const record = await encryptRecord(createEventGenerator({ seed: 12 }).payload(5), { kms, keyId: 'k', resourceId: RESOURCE_ID });
    const tampered = withMessage(record, (m) => {
      const out = Buffer.from(m);
      out[out.length - 40] = (out[out.length - 40] ?? 0) ^ 1; // inside the signature
      return out;
    });
    const fast = await refusal(decryptRecord(tampered, { kms, resourceId: RESOURCE_ID }));
    expect(fast).toMatchObject({ reason: 'PAYLOAD_DECRYPT_FAILED', detail: 'SIGNATURE_INVALID' });
    const sdk = await refusal(decryptRecord(tampered, { kms, resourceId: RESOURCE_ID, decryptEngine: 'sdk' }));
    expect(sdk).toMatchObject({ reason: 'PAYLOAD_DECRYPT_FAILED', detail: 'SDK_REFUSED' });
  });

  it('asks the SDK about a message format the fast path does not know', async () => {
    const kms = createMemoryKms();
    const record = await encryptRecord(createEventGenerator({ seed: 13 }).payload(5), { kms, keyId: 'k', resourceId: RESOURCE_ID });
    const future = withMessage(record, (m) => Buffer.concat([Buffer.from([3]), m.subarray(1)]));
    expect(await refusal(decryptRecord(future, { kms, resourceId: RESOURCE_ID }))).toMatchObject({ detail: 'SDK_REFUSED' });
  });

  it('takes the data key from a resolver instead of KMS', async () => {
    const kms = createMemoryKms();
    const payload = createEventGenerator({ seed: 14 }).payload(3);
    const record = await encryptRecordFast(payload, { kms, keyId: 'k', resourceId: RESOURCE_ID });
    const resolve = createDataKeyResolver({ kms, resourceId: RESOURCE_ID });
    const asked: string[] = [];
    const decrypted = await decryptRecord(record, {
      resourceId: RESOURCE_ID,
      resolveDataKey: (keyBase64) => {
        asked.push(keyBase64);
        return resolve(keyBase64);
      },
    });
    expect(decrypted.payload).toEqual(payload);
    expect(asked).toHaveLength(1);
    expect(kms.calls.decrypt).toBe(1);
  });
});
