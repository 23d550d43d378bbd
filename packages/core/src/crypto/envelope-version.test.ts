import { describe, expect, it } from 'vitest';
import { DasRecordError } from '../errors.js';
import { buildMysqlEvent, buildPayload } from '../fixtures/index.js';
import { contractVersionStatus } from '../schemas/envelope.js';
import { createMemoryKms } from '../testing/index.js';
import { decryptRecord, type DecryptContext } from './decrypt-record.js';
import { encryptRecord } from './encrypt-record.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

/** The same record under another envelope version (the version is not part of the ciphertext). */
function withVersion(record: Uint8Array, version: unknown): Uint8Array {
  const envelope = JSON.parse(Buffer.from(record).toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...envelope, version }), 'utf8');
}

describe('envelope contract versions', () => {
  it('classifies versions: the documented 1.0–1.4 known, a later 1.x newer, anything else unsupported', () => {
    for (const v of ['1.0', '1.1', '1.2', '1.3', '1.4']) expect(contractVersionStatus(v), v).toBe('known');
    for (const v of ['1.5', '1.9', '1.12']) expect(contractVersionStatus(v), v).toBe('newer');
    for (const v of ['9.9', '2.0', '0.9', '1', '1.', '.1', 'v1.2', '1.2.3', '1.2 ', 'abc', '']) expect(contractVersionStatus(v), v).toBe('unsupported');
  });

  const kms = createMemoryKms();
  const ctx: DecryptContext = { kms, resourceId: RESOURCE_ID };
  const event = { ...buildMysqlEvent({ commandText: 'SELECT 1' }), auditTrail: 'added by a later contract' };
  const record = () => encryptRecord(buildPayload([event]), { kms, keyId: 'alias/das', resourceId: RESOURCE_ID });

  it('refuses a major other than 1 or a version that is not <major>.<minor> with its own reason code', async () => {
    const good = await record();
    for (const version of ['9.9', '2.0', 'latest']) {
      const error = await decryptRecord(withVersion(good, version), ctx).catch((e: unknown) => e);
      expect(error, version).toBeInstanceOf(DasRecordError);
      expect((error as DasRecordError).reason).toBe('ENVELOPE_VERSION_UNSUPPORTED');
    }
  });

  it('decodes a newer 1.x, says so, and keeps the fields it adds in the raw event', async () => {
    const decoded = await decryptRecord(withVersion(await record(), '1.7'), ctx);
    expect(decoded.newerContract).toBe(true);
    expect(decoded.events[0]?.text).toBe('SELECT 1');
    expect(decoded.events[0]?.raw).toMatchObject({ auditTrail: 'added by a later contract' });
    expect((await decryptRecord(await record(), ctx)).newerContract).toBe(false);
  });
});
