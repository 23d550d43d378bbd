import { encryptPayloadJson, encryptPayloadJsonFast, encryptRecord, encryptRecordFast, PAYLOAD_TYPE, PayloadJsonWriter, type DasPayload, type RawActivityEvent } from '@das/core';
import type { ActiveStream } from './activity-source.js';
import type { DataKey } from './data-key-rotation.js';

/**
 * Which ESDK encryptor seals records: `fast` (node:crypto, @das/core's `encryptRecordFast`, the
 * default: the SDK decrypts all it writes) or `sdk` (the AWS Encryption SDK itself).
 */
export type RecordEncryptor = 'fast' | 'sdk';

/** One DAS record of `events` for the stream: payload → gzip → ESDK under `dataKey` → envelope JSON. */
export function sealRecord(stream: ActiveStream, events: readonly RawActivityEvent[], dataKey: DataKey, encryptor: RecordEncryptor = 'fast'): Promise<Uint8Array> {
  const payload: DasPayload = { ...payloadHead(stream), databaseActivityEventList: [...events] };
  const context = { kms: stream.kms, keyId: stream.kmsKeyArn, resourceId: stream.resourceId, dataKey: { plaintext: dataKey.plaintext, ciphertextBlob: dataKey.ciphertextBlob } };
  return encryptor === 'sdk' ? encryptRecord(payload, context) : encryptRecordFast(payload, { ...context, signingKey: dataKey.signingKey });
}

/** The fields of a stream's payloads before their event list. */
function payloadHead(stream: ActiveStream): { type: typeof PAYLOAD_TYPE; clusterId: string; instanceId: string } {
  return { type: PAYLOAD_TYPE, clusterId: stream.resourceId, instanceId: stream.instanceResourceId };
}

/** A writer for the JSON of the stream's next record, its events added as they come (see PayloadJsonWriter). */
export function openPayload(stream: ActiveStream, space?: Uint8Array | number): PayloadJsonWriter {
  return new PayloadJsonWriter(payloadHead(stream), space);
}

/** {@link sealRecord} of a payload written by {@link openPayload} (`json` is `writer.finish()`). */
export function sealPayloadJson(stream: ActiveStream, json: Uint8Array, version: string, dataKey: DataKey, encryptor: RecordEncryptor = 'fast'): Promise<Uint8Array> {
  const context = { kms: stream.kms, keyId: stream.kmsKeyArn, resourceId: stream.resourceId, version, dataKey: { plaintext: dataKey.plaintext, ciphertextBlob: dataKey.ciphertextBlob } };
  return encryptor === 'sdk' ? encryptPayloadJson(json, context) : encryptPayloadJsonFast(json, { ...context, signingKey: dataKey.signingKey });
}
