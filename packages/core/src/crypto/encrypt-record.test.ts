// The fast encryptor's encoding: what it writes, the AWS Encryption SDK reads back exactly.
import { describe, expect, it } from 'vitest';
import { createEventGenerator } from '../fixtures/index.js';
import { createMemoryKms } from '../testing/index.js';
import { decryptRecord } from './decrypt-record.js';
import { encryptRecordFast } from './encrypt-record.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

describe('encryptRecordFast', () => {
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
});
