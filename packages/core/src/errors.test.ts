import { describe, expect, it } from 'vitest';
import { DasRecordError, fromDecryptFailure, KmsUnavailableError, toDecryptFailure } from './errors.js';

describe('DecryptFailure', () => {
  it('survives a structured clone and comes back as the same typed error', () => {
    const cases = [
      new DasRecordError('KEY_DECRYPT_FAILED', 'KMS refused the data key', { kmsErrorName: 'IncorrectKeyException' }),
      new KmsUnavailableError('KMS unavailable (ThrottlingException)', { kmsErrorName: 'ThrottlingException' }),
    ];
    for (const original of cases) {
      const back = fromDecryptFailure(structuredClone(toDecryptFailure(original)));
      expect(back).toBeInstanceOf(original.constructor);
      expect(back.message).toBe(original.message);
      expect(back).toMatchObject({ kmsErrorName: original.kmsErrorName });
    }
    expect(fromDecryptFailure(toDecryptFailure(new DasRecordError('PAYLOAD_INVALID', 'x')))).toMatchObject({ reason: 'PAYLOAD_INVALID' });
    expect(toDecryptFailure(new TypeError('boom'))).toEqual({ kind: 'unexpected', message: 'boom' });
  });
});
