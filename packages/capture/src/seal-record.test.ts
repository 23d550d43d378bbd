import { decryptRecord } from '@das/core';
import { buildMysqlEvent } from '@das/core/fixtures';
import { describe, expect, it } from 'vitest';
import { createDataKeyRotation } from './data-key-rotation.js';
import { sealRecord } from './seal-record.js';
import { createTestStream } from './testing/index.js';

describe('sealRecord', () => {
  it.each(['fast', 'sdk'] as const)('%s: the SDK decrypts the record to the stream ids and the events', async (encryptor) => {
    const stream = createTestStream();
    const keys = createDataKeyRotation({ kms: stream.kms, keyArn: stream.kmsKeyArn, resourceId: stream.resourceId });
    const event = buildMysqlEvent({ commandText: `SELECT '${encryptor}'` });
    const record = await sealRecord(stream, [event], await keys.next(), encryptor);
    const { payload } = await decryptRecord(record, { kms: stream.kms, resourceId: stream.resourceId, decryptEngine: 'sdk' });
    expect(payload.clusterId).toBe(stream.resourceId);
    expect(payload.instanceId).toBe(stream.instanceResourceId);
    expect(payload.databaseActivityEventList).toEqual([event]);
  });

  it('signs the records under one data key with one ECDSA key, which rotates with the data key; the SDK verifies each', async () => {
    const stream = createTestStream();
    const keys = createDataKeyRotation({ kms: stream.kms, keyArn: stream.kmsKeyArn, resourceId: stream.resourceId, maxRecords: 2 });
    const publicKeys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const dataKey = await keys.next();
      publicKeys.push(dataKey.signingKey.publicKeyBase64);
      const event = buildMysqlEvent({ commandText: `SELECT ${i}` });
      const record = await sealRecord(stream, [event], dataKey);
      const { payload } = await decryptRecord(record, { kms: stream.kms, resourceId: stream.resourceId, decryptEngine: 'sdk' });
      expect(payload.databaseActivityEventList).toEqual([event]);
    }
    expect(publicKeys[1]).toBe(publicKeys[0]);
    expect(publicKeys[2]).not.toBe(publicKeys[0]);
  });
});
