import { describe, expect, it } from 'vitest';
import { KmsUnavailableError } from '../errors.js';
import { createEventGenerator } from '../fixtures/index.js';
import { createMemoryKms, kmsError } from '../testing/index.js';
import { createDataKeyCache } from './data-key-cache.js';
import { decryptRecord } from './decrypt-record.js';
import { encryptRecord } from './encrypt-record.js';
import { encryptionContextFor } from './kms-port.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

async function recordsSharingOneKey(count: number, kms = createMemoryKms()) {
  const dataKey = await kms.generateDataKey('alias/das', encryptionContextFor(RESOURCE_ID));
  const generator = createEventGenerator({ seed: 11 });
  const records: Uint8Array[] = [];
  for (let i = 0; i < count; i += 1) {
    records.push(await encryptRecord(generator.payload(3), { kms, keyId: 'alias/das', resourceId: RESOURCE_ID, dataKey }));
  }
  kms.resetCalls();
  return { kms, records };
}

const key = (byte: number) => new Uint8Array(32).fill(byte);

describe('data-key cache with decryptRecord', () => {
  it('N records sharing a data key cost one KMS call', async () => {
    const { kms, records } = await recordsSharingOneKey(12);
    const cache = createDataKeyCache();
    for (const record of records) await decryptRecord(record, { kms, resourceId: RESOURCE_ID, cache });
    expect(kms.calls.decrypt).toBe(1);
    expect(cache.stats).toEqual({ hits: 11, misses: 1, kmsCalls: 1 });
    expect(cache.size).toBe(1);
  });

  it('without a cache every record costs a KMS call (the baseline)', async () => {
    const { kms, records } = await recordsSharingOneKey(5);
    for (const record of records) await decryptRecord(record, { kms, resourceId: RESOURCE_ID });
    expect(kms.calls.decrypt).toBe(5);
  });

  it('parallel decrypts of one new key share one in-flight KMS call', async () => {
    const { kms, records: many } = await recordsSharingOneKey(16, createMemoryKms({ latencyMs: 20 }));
    const cache = createDataKeyCache();
    const results = await Promise.all(many.map((r) => decryptRecord(r, { kms, resourceId: RESOURCE_ID, cache })));
    expect(results.every((r) => r.events.length === 3)).toBe(true);
    expect(kms.calls.decrypt).toBe(1);
    expect(cache.stats).toEqual({ hits: 0, misses: 16, kmsCalls: 1 });
  });

  it('a failed KMS call is not cached: all waiters fail, the next lookup calls KMS again', async () => {
    const { kms, records } = await recordsSharingOneKey(4, createMemoryKms({ latencyMs: 5 }));
    const cache = createDataKeyCache();
    kms.failNext(kmsError('ThrottlingException'));
    const outcomes = await Promise.allSettled(records.map((r) => decryptRecord(r, { kms, resourceId: RESOURCE_ID, cache })));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof KmsUnavailableError)).toBe(true);
    expect(cache.size).toBe(0);
    await decryptRecord(records[0] as Uint8Array, { kms, resourceId: RESOURCE_ID, cache });
    expect(kms.calls.decrypt).toBe(2);
    expect(cache.stats.kmsCalls).toBe(2);
  });

  it('a key cached for one resource is never served for another', async () => {
    const { kms, records } = await recordsSharingOneKey(1);
    const cache = createDataKeyCache();
    await decryptRecord(records[0] as Uint8Array, { kms, resourceId: RESOURCE_ID, cache });
    await expect(decryptRecord(records[0] as Uint8Array, { kms, resourceId: 'cluster-SOMEONEELSE', cache })).rejects.toMatchObject({
      reason: 'KEY_DECRYPT_FAILED',
    });
    expect(kms.calls.decrypt).toBe(2);
  });
});

describe('createDataKeyCache', () => {
  it('evicts the least recently used key beyond maxEntries', async () => {
    const cache = createDataKeyCache({ maxEntries: 2 });
    let loads = 0;
    const load = (byte: number) => async () => {
      loads += 1;
      return key(byte);
    };
    await cache.getOrLoad('a', load(1));
    await cache.getOrLoad('b', load(2));
    await cache.getOrLoad('a', load(1)); // a is now more recent than b
    await cache.getOrLoad('c', load(3)); // evicts b
    expect(cache.size).toBe(2);
    expect(loads).toBe(3);
    expect(await cache.getOrLoad('a', load(1))).toEqual(key(1));
    expect(loads).toBe(3);
    await cache.getOrLoad('b', load(2));
    expect(loads).toBe(4);
  });

  it('reloads a key older than maxAgeMs', async () => {
    let now = 1_000_000;
    const cache = createDataKeyCache({ maxAgeMs: 1000, now: () => now });
    let loads = 0;
    const load = async () => {
      loads += 1;
      return key(loads);
    };
    expect(await cache.getOrLoad('k', load)).toEqual(key(1));
    now += 1000;
    expect(await cache.getOrLoad('k', load)).toEqual(key(1));
    now += 1;
    expect(await cache.getOrLoad('k', load)).toEqual(key(2));
    expect(cache.stats).toEqual({ hits: 1, misses: 2, kmsCalls: 2 });
  });

  it('hands out private copies: zeroing one (as the ESDK does) or evicting leaves the others intact', async () => {
    const cache = createDataKeyCache({ maxEntries: 1 });
    const loaded = key(7);
    const first = await cache.getOrLoad('k', async () => loaded);
    first.fill(0);
    const second = await cache.getOrLoad('k', async () => key(9));
    expect(second).toEqual(key(7));
    await cache.getOrLoad('other', async () => key(8)); // evicts k
    expect(second).toEqual(key(7));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(second).toEqual(key(7));
    // The buffer the loader returned is zeroed once every waiter has its copy (a 0 ms timer,
    // which fires before this later one).
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(loaded).toEqual(new Uint8Array(32));
  });
});
