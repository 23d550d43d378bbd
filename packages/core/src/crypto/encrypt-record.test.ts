// The fast encryptor's encoding: what it writes, the AWS Encryption SDK reads back exactly.
import { describe, expect, it } from 'vitest';
import { createEventGenerator } from '../fixtures/index.js';
import { createMemoryKms } from '../testing/index.js';
import { decryptRecord } from './decrypt-record.js';
import { createRecordSigningKey, encryptRecordFast, envelopeJson } from './encrypt-record.js';
import { encryptionContextFor } from './kms-port.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

describe('encryptRecordFast', () => {
  it("writes the envelope JSON.stringify writes, with Aurora's field order", async () => {
    const kms = createMemoryKms();
    const record = await encryptRecordFast(createEventGenerator({ seed: 3 }).payload(4), { kms, keyId: 'k', resourceId: RESOURCE_ID });
    const envelope = JSON.parse(Buffer.from(record).toString('utf8')) as Record<string, string>;
    expect(Object.keys(envelope)).toEqual(['type', 'version', 'databaseActivityEvents', 'key']);
    expect(Buffer.from(record).toString('latin1')).toBe(JSON.stringify(envelope));
    for (const version of ['1.2', '1.1']) {
      const written = envelopeJson(version, 'AAEC+/==', 'a2V5');
      expect(written.toString('latin1')).toBe(
        JSON.stringify({ type: 'DatabaseActivityMonitoringRecords', version, databaseActivityEvents: 'AAEC+/==', key: 'a2V5' }),
      );
    }
  });

  it('keeps statement text outside ASCII exact (UTF-8, not Latin-1), read by the SDK', async () => {
    const kms = createMemoryKms();
    const payload = createEventGenerator({ seed: 14 }).payload(3);
    const texts = ["SELECT 'café', 'Grüße', '日本語', '🙂'", 'SELECT \u00ff\u0100', 'plain'];
    payload.databaseActivityEventList.forEach((event, i) => Object.assign(event, { commandText: texts[i] }));
    const record = await encryptRecordFast(payload, { kms, keyId: 'k', resourceId: RESOURCE_ID });
    expect(Buffer.isBuffer(record)).toBe(true);
    const viaSdk = await decryptRecord(record, { kms, resourceId: RESOURCE_ID, decryptEngine: 'sdk' });
    expect(viaSdk.payload.databaseActivityEventList.map((e) => e['commandText'])).toEqual(texts);
  });

  it('signs with @das/p384 (the native signer where built): the SDK verifies every record of a shared key', async () => {
    const kms = createMemoryKms();
    const signingKey = createRecordSigningKey();
    if (process.env.DAS_NATIVE_REQUIRED === '1') expect(signingKey.backend).toBe('native');
    const dataKey = await kms.generateDataKey('k', encryptionContextFor(RESOURCE_ID));
    const generator = createEventGenerator({ seed: 19 });
    for (let i = 0; i < 25; i++) {
      const payload = generator.payload(1 + i * 7);
      const record = await encryptRecordFast(payload, { kms, keyId: 'k', resourceId: RESOURCE_ID, dataKey, signingKey });
      const viaSdk = await decryptRecord(record, { kms, resourceId: RESOURCE_ID, decryptEngine: 'sdk' });
      expect(viaSdk.payload.databaseActivityEventList).toHaveLength(1 + i * 7);
    }
  });
});
