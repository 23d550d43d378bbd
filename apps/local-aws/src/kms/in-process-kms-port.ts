import type { KmsPort } from '@das/core';
import type { CallStats } from '../http/call-stats.js';
import type { LocalKms } from './local-kms.js';

/**
 * The emulator's KMS for producers running inside it (activity sources): same keys, same
 * errors (AwsServiceError names match the SDK's), no HTTP. Counted as internal calls.
 */
export function inProcessKmsPort(kms: LocalKms, stats: CallStats): KmsPort {
  return {
    async decrypt(ciphertextBlob, encryptionContext) {
      stats.record('kms', 'Decrypt', true);
      return kms.decrypt(ciphertextBlob, encryptionContext).plaintext;
    },
    async generateDataKey(keyId, encryptionContext) {
      stats.record('kms', 'GenerateDataKey', true);
      const { plaintext, blob } = kms.generateDataKey(keyId, 32, encryptionContext);
      return { plaintext, ciphertextBlob: blob };
    },
  };
}
