import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blobKeyId, canonicalContext, openBlob, sealBlob } from './ciphertext-blob.js';

describe('KMS ciphertext blob', () => {
  const keyId = randomUUID();
  const material = randomBytes(32);

  it('names its key and opens with the same context in any key order', () => {
    const blob = sealBlob(keyId, material, Buffer.from('data key'), { b: '2', a: '1' });
    expect(blobKeyId(blob)).toBe(keyId);
    expect(openBlob(blob, material, { a: '1', b: '2' })?.toString()).toBe('data key');
  });

  it('fails closed on a different context, a flipped bit or another key', () => {
    const blob = sealBlob(keyId, material, Buffer.from('x'), { a: '1' });
    expect(openBlob(blob, material, { a: '2' })).toBeUndefined();
    expect(openBlob(blob, material, undefined)).toBeUndefined();
    for (let index = 0; index < blob.length; index++) {
      const tampered = Buffer.from(blob);
      tampered[index]! ^= 0x80;
      expect(openBlob(tampered, material, { a: "1" })).toBeUndefined();
    }
    expect(openBlob(blob, randomBytes(32), { a: '1' })).toBeUndefined();
  });

  it('serialises contexts unambiguously', () => {
    expect(canonicalContext({ a: 'b,c' }).equals(canonicalContext({ 'a,b': 'c' }))).toBe(false);
    expect(canonicalContext(undefined).equals(canonicalContext({}))).toBe(true);
    expect(blobKeyId(Buffer.from('short'))).toBeUndefined();
  });
});
