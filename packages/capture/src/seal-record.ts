import { encryptRecord, encryptRecordFast, PAYLOAD_TYPE, type DasPayload, type RawActivityEvent } from '@das/core';
import type { ActiveStream } from './activity-source.js';
import type { DataKey } from './data-key-rotation.js';

/**
 * Which ESDK encryptor seals records: `fast` (node:crypto, @das/core's `encryptRecordFast`, the
 * default: the SDK decrypts all it writes) or `sdk` (the AWS Encryption SDK itself).
 */
export type RecordEncryptor = 'fast' | 'sdk';

/** One DAS record of `events` for the stream: payload → gzip → ESDK under `dataKey` → envelope JSON. */
export function sealRecord(stream: ActiveStream, events: readonly RawActivityEvent[], dataKey: DataKey, encryptor: RecordEncryptor = 'fast'): Promise<Uint8Array> {
  const payload: DasPayload = {
    type: PAYLOAD_TYPE,
    clusterId: stream.resourceId,
    instanceId: stream.instanceResourceId,
    databaseActivityEventList: [...events],
  };
  const context = { kms: stream.kms, keyId: stream.kmsKeyArn, resourceId: stream.resourceId, dataKey: { plaintext: dataKey.plaintext, ciphertextBlob: dataKey.ciphertextBlob } };
  return encryptor === 'sdk' ? encryptRecord(payload, context) : encryptRecordFast(payload, { ...context, signingKey: dataKey.signingKey });
}
