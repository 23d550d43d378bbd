/**
 * Why a Kinesis record could not be turned into events. Each code is a property of the record
 * itself: retrying will not help, so the record should be set aside (dead-lettered), not retried.
 */
export type DasReasonCode =
  | 'ENVELOPE_NOT_JSON'
  | 'ENVELOPE_INVALID'
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
  'KEY_DECRYPT_FAILED',
  'PAYLOAD_DECRYPT_FAILED',
  'PAYLOAD_NOT_GZIP',
  'PAYLOAD_NOT_JSON',
  'PAYLOAD_INVALID',
  'RECORD_TOO_LARGE',
];

/** A bad DAS record. The message never contains key material or SQL text. */
export class DasRecordError extends Error {
  readonly reason: DasReasonCode;
  /** The KMS error name when KMS refused the data key (`InvalidCiphertextException`, …). */
  readonly kmsErrorName?: string;
  constructor(reason: DasReasonCode, message: string, options: { kmsErrorName?: string; cause?: unknown } = {}) {
    super(`${reason}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DasRecordError';
    this.reason = reason;
    if (options.kmsErrorName !== undefined) this.kmsErrorName = options.kmsErrorName;
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
