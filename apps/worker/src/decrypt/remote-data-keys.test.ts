import { describe, expect, it } from 'vitest';
import { DasRecordError, KmsUnavailableError, toDecryptFailure } from '@das/core';
import { packRecords, unpackRecords } from './record-batch.js';
import { createRemoteDataKeys } from './remote-data-keys.js';

describe('remote data keys (thread side)', () => {
  it('asks once per turn, once per key, and hands each caller its own copy', async () => {
    const sent: { id: number; keys: string[] }[] = [];
    const remote = createRemoteDataKeys((id, keys) => sent.push({ id, keys }));
    const asked = [remote.resolveDataKey('a'), remote.resolveDataKey('b'), remote.resolveDataKey('a')];
    await Promise.resolve();
    expect(sent).toEqual([{ id: 1, keys: ['a', 'b'] }]);
    const keyA = new Uint8Array(32).fill(1);
    remote.answer(1, [
      { ok: true, key: keyA },
      { ok: false, failure: toDecryptFailure(new KmsUnavailableError('KMS unavailable (ThrottlingException)')) },
    ]);
    const [a1, b, a2] = await Promise.allSettled(asked);
    expect(a1).toMatchObject({ status: 'fulfilled', value: new Uint8Array(32).fill(1) });
    expect(a2).toMatchObject({ status: 'fulfilled', value: new Uint8Array(32).fill(1) });
    expect(b?.status === 'rejected' ? (b.reason as unknown) : b).toBeInstanceOf(KmsUnavailableError);
    expect(keyA.every((byte) => byte === 0)).toBe(true); // the received key is zeroed once copied
    // Not cached: the next turn asks again.
    const again = remote.resolveDataKey('a');
    await Promise.resolve();
    expect(sent.at(-1)).toEqual({ id: 2, keys: ['a'] });
    remote.answer(2, [{ ok: false, failure: toDecryptFailure(new DasRecordError('KEY_DECRYPT_FAILED', 'refused', { kmsErrorName: 'AccessDeniedException' })) }]);
    await expect(again).rejects.toMatchObject({ reason: 'KEY_DECRYPT_FAILED', kmsErrorName: 'AccessDeniedException' });
  });
});

describe('record batches', () => {
  it('pack into one transferable buffer and unpack to the same bytes', () => {
    const records = [Buffer.from('one'), new Uint8Array(0), Buffer.from('three')];
    const packed = packRecords(records);
    expect(packed.buffer.byteLength).toBe(8);
    expect(unpackRecords(packed).map((r) => Buffer.from(r).toString())).toEqual(['one', '', 'three']);
  });
});
