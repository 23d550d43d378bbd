import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DasRecordError, KmsUnavailableError } from '../errors.js';

/**
 * The two KMS operations DAS needs. Production wraps a real `KMSClient`
 * ({@link kmsPortFromClient}); tests use `createMemoryKms()` from `@das/core/testing`.
 * Implementations throw errors shaped like the AWS SDK's (`name`, `$fault`, `$metadata`).
 */
export interface KmsPort {
  decrypt(ciphertextBlob: Uint8Array, encryptionContext: Record<string, string>): Promise<Uint8Array>;
  generateDataKey(
    keyId: string,
    encryptionContext: Record<string, string>,
  ): Promise<{ plaintext: Uint8Array; ciphertextBlob: Uint8Array }>;
}

/** Adapts an AWS SDK v3 `KMSClient` (AWS or an emulator endpoint) to {@link KmsPort}. */
export function kmsPortFromClient(client: KMSClient): KmsPort {
  return {
    async decrypt(ciphertextBlob, encryptionContext) {
      const out = await client.send(new DecryptCommand({ CiphertextBlob: ciphertextBlob, EncryptionContext: encryptionContext }));
      if (out.Plaintext === undefined) throw new Error('KMS Decrypt returned no Plaintext');
      return out.Plaintext;
    },
    async generateDataKey(keyId, encryptionContext) {
      const out = await client.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext }),
      );
      if (out.Plaintext === undefined || out.CiphertextBlob === undefined) {
        throw new Error('KMS GenerateDataKey returned no key');
      }
      return { plaintext: out.Plaintext, ciphertextBlob: out.CiphertextBlob };
    },
  };
}

/**
 * The KMS encryption context RDS binds a stream's data keys to: `aws:rds:db-id` for instance
 * streams (`db-…`, RDS Oracle/SQL Server), `aws:rds:dbc-id` for Aurora clusters (`cluster-…`).
 */
export function encryptionContextFor(resourceId: string): Record<string, string> {
  return resourceId.startsWith('db-') ? { 'aws:rds:db-id': resourceId } : { 'aws:rds:dbc-id': resourceId };
}

/** KMS answers that say "try again later": the record is fine. */
const RETRYABLE_KMS_ERRORS = new Set([
  'ThrottlingException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'DependencyTimeoutException',
  'KMSInternalException',
  'KeyUnavailableException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

/** KMS answers that say this data key will never decrypt with this context: a bad record. */
const BAD_KEY_KMS_ERRORS = new Set([
  'InvalidCiphertextException',
  'IncorrectKeyException',
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'AccessDeniedException',
  'InvalidKeyUsageException',
  'InvalidGrantTokenException',
  'ValidationException',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Maps an error from a {@link KmsPort} call to what the caller should do with the record:
 * {@link KmsUnavailableError} (retry later) or {@link DasRecordError} `KEY_DECRYPT_FAILED`
 * (the record's key is bad). Unknown service errors with a 4xx status count as bad keys;
 * anything without a status (network, timeouts) as unavailable, so no good record is dropped.
 */
export function classifyKmsError(error: unknown): KmsUnavailableError | DasRecordError {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : 'UnknownError';
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  if (BAD_KEY_KMS_ERRORS.has(name)) {
    return new DasRecordError('KEY_DECRYPT_FAILED', `KMS refused the data key (${name})`, { kmsErrorName: name, cause: error });
  }
  if (RETRYABLE_KMS_ERRORS.has(name) || (code !== undefined && NETWORK_ERROR_CODES.has(code)) || (status !== undefined && status >= 500)) {
    return new KmsUnavailableError(`KMS unavailable (${name})`, { kmsErrorName: name, cause: error });
  }
  if (shape.$fault === 'client' || (status !== undefined && status >= 400 && status < 500 && status !== 429)) {
    return new DasRecordError('KEY_DECRYPT_FAILED', `KMS refused the data key (${name})`, { kmsErrorName: name, cause: error });
  }
  return new KmsUnavailableError(`KMS call failed (${name})`, { kmsErrorName: name, cause: error });
}
