import { randomBytes } from 'node:crypto';
import { decryptRecord, type KmsPort } from '@das/core';
import { describe, expect, it } from 'vitest';
import type { ActiveStream } from '../activity-source.js';
import { createSyntheticSource } from './synthetic-source.js';

/** A KMS stand-in that remembers which blob wraps which data key (unit level; the real KMS is in test/). */
function memoryKms(): KmsPort & { generated: number } {
  const keys = new Map<string, Uint8Array>();
  const port = {
    generated: 0,
    async generateDataKey(_keyId: string, context: Record<string, string>) {
      port.generated++;
      const plaintext = randomBytes(32);
      const ciphertextBlob = randomBytes(48);
      keys.set(Buffer.from(ciphertextBlob).toString('hex') + JSON.stringify(context), Buffer.from(plaintext));
      return { plaintext, ciphertextBlob };
    },
    async decrypt(blob: Uint8Array, context: Record<string, string>) {
      const key = keys.get(Buffer.from(blob).toString('hex') + JSON.stringify(context));
      if (!key) throw Object.assign(new Error('unknown blob'), { name: 'InvalidCiphertextException' });
      return new Uint8Array(key);
    },
  };
  return port;
}

function fakeStream(kms: KmsPort): ActiveStream & { records: Uint8Array[] } {
  const records: Uint8Array[] = [];
  return {
    records,
    clusterIdentifier: 'c',
    resourceId: 'cluster-AAAAAAAAAAAAAAAAAAAAAAAAAA',
    instanceResourceId: 'db-BBBBBBBBBBBBBBBBBBBBBBBBBB',
    instanceIdentifier: 'c-node-1',
    streamName: 'aws-rds-das-cluster-AAAAAAAAAAAAAAAAAAAAAAAAAA',
    kmsKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/x',
    mode: 'async',
    engineNativeAuditFieldsIncluded: false,
    kms,
    async putRecords(batch) {
      for (const record of batch) records.push(record.data);
    },
  };
}

describe('synthetic source', () => {
  it('produces at the configured rate, rotates data keys and flushes the remainder on stop', async () => {
    const kms = memoryKms();
    const stream = fakeStream(kms);
    const source = createSyntheticSource({ eventsPerSecond: 400, eventsPerRecord: 7, keyRotationMs: 100, seed: 7, log: () => undefined });
    const started = Date.now();
    await source.start(stream);
    const deadline = Date.now() + 10_000;
    while (kms.generated < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await source.stop();
    const elapsed = (Date.now() - started) / 1000;

    expect(kms.generated).toBeGreaterThanOrEqual(3);
    const decrypted = await Promise.all(stream.records.map((data) => decryptRecord(data, { kms, resourceId: stream.resourceId })));
    const events = decrypted.flatMap((record) => record.payload.databaseActivityEventList);
    // Whole records of 7 plus one flushed record; never more than the rate allows.
    expect(events.length).toBeGreaterThanOrEqual(Math.floor(400 * elapsed * 0.5));
    expect(events.length).toBeLessThanOrEqual(Math.ceil(400 * elapsed) + 7);
    expect(new Set(decrypted.map((record) => record.payload.clusterId))).toEqual(new Set([stream.resourceId]));
    const hosts = new Set(events.map((event) => (event as { serverHost?: string }).serverHost).filter((host) => host !== undefined));
    expect(hosts).toEqual(new Set(['c-node-1']));
    const count = stream.records.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(stream.records.length).toBe(count);
    await source.close();
  });

  it('keeps going after a KMS failure and reports it once', async () => {
    const kms = memoryKms();
    let failing = true;
    const flaky: KmsPort = {
      decrypt: kms.decrypt,
      async generateDataKey(keyId, context) {
        if (failing) throw new Error('DisabledException: key is disabled');
        return kms.generateDataKey(keyId, context);
      },
    };
    const stream = fakeStream(flaky);
    const logs: string[] = [];
    const source = createSyntheticSource({ eventsPerSecond: 200, eventsPerRecord: 5, keyRotationMs: 60_000, log: (line) => logs.push(line) });
    await source.start(stream);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stream.records).toHaveLength(0);
    failing = false;
    const deadline = Date.now() + 10_000;
    while (stream.records.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await source.close();
    expect(stream.records.length).toBeGreaterThan(0);
    expect(logs.filter((line) => line.includes('DisabledException'))).toHaveLength(1);
  });
});
