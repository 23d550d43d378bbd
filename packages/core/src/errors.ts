/**
 * Why a Kinesis record could not be turned into events. Each code is a property of the record
 * itself: retrying will not help, so the record should be set aside (dead-lettered), not retried.
 */
export type DasReasonCode =
  | 'ENVELOPE_NOT_JSON'
  | 'ENVELOPE_INVALID'
  | 'ENVELOPE_VERSION_UNSUPPORTED'
  | 'KEY_DECRYPT_FAILED'
  | 'PAYLOAD_DECRYPT_FAILED'
  | 'PAYLOAD_NOT_GZIP'
  | 'PAYLOAD_NOT_JSON'
  | 'PAYLOAD_INVALID'
  | 'RECORD_TOO_LARGE';

/** Every {@link DasReasonCode}, e.g. for metrics labels. */
export const DAS_REASON_CODES: readonly DasReasonCode[] = [
  'ENVELOPE_NOT_JSON',
  'ENVELOPE_INVALID',
  'ENVELOPE_VERSION_UNSUPPORTED',
  'KEY_DECRYPT_FAILED',
  'PAYLOAD_DECRYPT_FAILED',
  'PAYLOAD_NOT_GZIP',
  'PAYLOAD_NOT_JSON',
  'PAYLOAD_INVALID',
  'RECORD_TOO_LARGE',
];

/**
 * Why an AWS Encryption SDK message was refused (the detail of `PAYLOAD_DECRYPT_FAILED`):
 * which check of the message format failed. `SDK_REFUSED` = the reference SDK refused it.
 */
export type PayloadRefusal =
  | 'MESSAGE_TRUNCATED'
  | 'HEADER_MALFORMED'
  | 'TOO_MANY_DATA_KEYS'
  | 'PUBLIC_KEY_INVALID'
  | 'NO_DATA_KEY'
  | 'COMMITMENT_MISMATCH'
  | 'HEADER_AUTH_FAILED'
  | 'FRAME_MALFORMED'
  | 'FRAME_AUTH_FAILED'
  | 'BODY_TOO_LARGE'
  | 'SIGNATURE_INVALID'
  | 'SDK_REFUSED';

/** Every {@link PayloadRefusal}, e.g. for metrics labels. */
export const PAYLOAD_REFUSALS: readonly PayloadRefusal[] = [
  'MESSAGE_TRUNCATED',
  'HEADER_MALFORMED',
  'TOO_MANY_DATA_KEYS',
  'PUBLIC_KEY_INVALID',
  'NO_DATA_KEY',
  'COMMITMENT_MISMATCH',
  'HEADER_AUTH_FAILED',
  'FRAME_MALFORMED',
  'FRAME_AUTH_FAILED',
  'BODY_TOO_LARGE',
  'SIGNATURE_INVALID',
  'SDK_REFUSED',
];

/** Options of a {@link DasRecordError}. */
export interface DasRecordErrorOptions {
  kmsErrorName?: string;
  /** For `PAYLOAD_DECRYPT_FAILED`: the check that failed. */
  detail?: PayloadRefusal;
  cause?: unknown;
}

/** A bad DAS record. The message never contains key material or SQL text. */
export class DasRecordError extends Error {
  readonly reason: DasReasonCode;
  /** The KMS error name when KMS refused the data key (`InvalidCiphertextException`, …). */
  readonly kmsErrorName?: string;
  /** For `PAYLOAD_DECRYPT_FAILED`: which check of the encrypted message failed. */
  readonly detail?: PayloadRefusal;
  constructor(reason: DasReasonCode, message: string, options: DasRecordErrorOptions = {}) {
    super(`${reason}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DasRecordError';
    this.reason = reason;
    if (options.kmsErrorName !== undefined) this.kmsErrorName = options.kmsErrorName;
    if (options.detail !== undefined) this.detail = options.detail;
  }
}

/**
 * KMS could not answer right now (throttling, timeouts, outages, network). The record is fine:
 * the caller should back off and retry it, never dead-letter it.
 */
export class KmsUnavailableError extends Error {
  readonly retryable = true as const;
  readonly kmsErrorName?: string;
  constructor(message: string, options: { kmsErrorName?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KmsUnavailableError';
    if (options.kmsErrorName !== undefined) this.kmsErrorName = options.kmsErrorName;
  }
}

/** True for a {@link DasRecordError} (also across realms/worker threads, by name and reason). */
export function isDasRecordError(error: unknown): error is DasRecordError {
  return error instanceof DasRecordError || (error instanceof Error && error.name === 'DasRecordError' && 'reason' in error);
}

/**
 * A decryption failure as plain data, for crossing a worker-thread or process boundary
 * (structured clone keeps only an Error's name and message).
 */
export type DecryptFailure =
  | { kind: 'bad-record'; reason: DasReasonCode; message: string; kmsErrorName?: string; detail?: PayloadRefusal }
  | { kind: 'kms-unavailable'; message: string; kmsErrorName?: string }
  | { kind: 'unexpected'; message: string };

/** Turns an error thrown by `decryptRecord` into a {@link DecryptFailure}. */
export function toDecryptFailure(error: unknown): DecryptFailure {
  const kmsErrorName = (error as { kmsErrorName?: unknown } | null)?.kmsErrorName;
  const extra = typeof kmsErrorName === 'string' ? { kmsErrorName } : {};
  if (error instanceof DasRecordError) {
    const detail = error.detail === undefined ? {} : { detail: error.detail };
    return { kind: 'bad-record', reason: error.reason, message: error.message, ...extra, ...detail };
  }
  if (error instanceof KmsUnavailableError) return { kind: 'kms-unavailable', message: error.message, ...extra };
  return { kind: 'unexpected', message: error instanceof Error ? error.message : String(error) };
}

/** Rebuilds the typed error of a {@link DecryptFailure} on the other side of the boundary. */
export function fromDecryptFailure(failure: DecryptFailure): Error {
  switch (failure.kind) {
    case 'bad-record': {
      const options: DasRecordErrorOptions = {};
      if (failure.kmsErrorName !== undefined) options.kmsErrorName = failure.kmsErrorName;
      if (failure.detail !== undefined) options.detail = failure.detail;
      const error = new DasRecordError(failure.reason, '', options);
      error.message = failure.message;
      return error;
    }
    case 'kms-unavailable':
      return new KmsUnavailableError(failure.message, failure.kmsErrorName === undefined ? {} : { kmsErrorName: failure.kmsErrorName });
    default:
      return new Error(failure.message);
  }
}
