// Each check of the fast path refuses with its own detail code.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DasRecordError, fromDecryptFailure, toDecryptFailure, type PayloadRefusal } from '../../errors.js';
import { decryptMessageFast } from './decrypt-message.js';
import { encryptMessageFast } from './encrypt-message.js';
import { parseHeader } from './header.js';

const KEY = randomBytes(32);
const TEXT = Buffer.from('x'.repeat(300));

function detailOf(message: Buffer, key: Uint8Array = KEY, maxPartBytes = 1 << 20): PayloadRefusal | 'ok' | 'unsupported' {
  try {
    return decryptMessageFast(message, key, maxPartBytes).ok ? 'ok' : 'unsupported';
  } catch (error) {
    if (error instanceof DasRecordError && error.detail !== undefined) return error.detail;
    throw error;
  }
}

const flip = (m: Buffer, at: number): Buffer => {
  const out = Buffer.from(m);
  out[at] = (out[at] ?? 0) ^ 1;
  return out;
};

describe('fast path refusals', () => {
  const signed = encryptMessageFast(TEXT, { wrappingKey: KEY, frameLength: 100 });
  const parsed = parseHeader(signed);
  if (!parsed.ok) throw new Error('unparseable');
  const { header } = parsed;

  it('accepts the intact message', () => {
    expect(detailOf(signed)).toBe('ok');
  });

  it('names the failed check', () => {
    expect(detailOf(signed.subarray(0, 10))).toBe('MESSAGE_TRUNCATED');
    expect(detailOf(signed.subarray(0, signed.length - 120))).toBe('MESSAGE_TRUNCATED');
    expect(detailOf(flip(signed, 1))).toBe('HEADER_MALFORMED'); // type 0x81
    expect(detailOf(flip(signed, 4))).toBe('HEADER_AUTH_FAILED'); // message id → another content key
    expect(detailOf(signed, randomBytes(32))).toBe('NO_DATA_KEY');
    expect(detailOf(flip(signed, header.bodyStart + 20))).toBe('FRAME_AUTH_FAILED');
    expect(detailOf(flip(signed, header.bodyStart + 3))).toBe('FRAME_MALFORMED'); // sequence 0
    expect(detailOf(flip(signed, signed.length - 1))).toBe('SIGNATURE_INVALID');
    expect(detailOf(Buffer.concat([signed, Buffer.from([0])]))).toBe('SIGNATURE_INVALID');
    expect(detailOf(signed, KEY, 99)).toBe('BODY_TOO_LARGE');
    // The public key's first base64 character (inside the context) breaks the point.
    const keyAt = signed.indexOf(Buffer.from('aws-crypto-public-key')) + 21 + 2;
    const badKey = Buffer.from(signed);
    badKey[keyAt] = 'B'.charCodeAt(0) === badKey[keyAt] ? 'C'.charCodeAt(0) : 'B'.charCodeAt(0);
    expect(detailOf(badKey)).toBe('PUBLIC_KEY_INVALID');
  });

  it('refuses too many EDKs, a wrong key commitment, and leaves unknown formats to the SDK', () => {
    const edkCountAt = 22 + signed.readUInt16BE(20);
    const many = Buffer.from(signed);
    many.writeUInt16BE(5, edkCountAt);
    expect(detailOf(many)).toBe('TOO_MANY_DATA_KEYS');
    const committed = encryptMessageFast(TEXT, { wrappingKey: KEY, suiteId: 0x0478 });
    const v2 = parseHeader(committed);
    if (!v2.ok) throw new Error('unparseable');
    expect(detailOf(flip(committed, v2.header.headerBody.length - 1))).toBe('COMMITMENT_MISMATCH');
    expect(detailOf(flip(signed, 0))).toBe('unsupported'); // version 0
    const unknownSuite = Buffer.from(signed);
    unknownSuite.writeUInt16BE(0x0999, 2);
    expect(detailOf(unknownSuite)).toBe('unsupported');
  });

  it('keeps the detail across a thread boundary', () => {
    const error = new DasRecordError('PAYLOAD_DECRYPT_FAILED', 'x', { detail: 'FRAME_AUTH_FAILED' });
    expect(fromDecryptFailure(structuredClone(toDecryptFailure(error)))).toMatchObject({ reason: 'PAYLOAD_DECRYPT_FAILED', detail: 'FRAME_AUTH_FAILED' });
  });
});
