import type { ActivityEvent } from '../activity-event.js';
import { normaliseEvents } from '../normalise.js';
import type { DasPayload } from '../schemas/payload.js';
import type { DataKeyCache } from './data-key-cache.js';
import {
  assertRecordSize,
  checkPayload,
  decryptMessage,
  gunzipPayload,
  parseEnvelope,
  parsePayloadJson,
  unwrapDataKey,
} from './decrypt-steps.js';
import { encryptionContextFor, type KmsPort } from './kms-port.js';

/** Kinesis caps a record at 1 MiB; the margin leaves room for emulators and future growth. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024 + 64 * 1024;
/** Gunzipped payload cap: ~60× the largest record, far above real DAS compression ratios. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** What {@link decryptRecord} needs. */
export interface DecryptContext {
  kms: KmsPort;
  /** `DbClusterResourceId` (`cluster-…`) or, for instance streams, `DbiResourceId` (`db-…`). */
  resourceId: string;
  /** Share one across records of a stream: records reuse data keys. */
  cache?: DataKeyCache;
  maxRecordBytes?: number;
  maxPayloadBytes?: number;
}

/** A decrypted record: the envelope version, the payload as sent, and its normalised events. */
export interface DecryptedRecord {
  version: string;
  payload: DasPayload;
  events: ActivityEvent[];
}

/**
 * Decrypts one Kinesis record written by DAS: envelope → KMS data key (cached) → AWS Encryption
 * SDK message → gunzip → JSON → validated payload → normalised events.
 *
 * @throws DasRecordError the record is bad (its `reason` says why); set it aside, do not retry.
 * @throws KmsUnavailableError KMS could not answer now; retry the record later.
 */
export async function decryptRecord(data: Uint8Array | string, ctx: DecryptContext): Promise<DecryptedRecord> {
  const maxRecordBytes = ctx.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  assertRecordSize(data, maxRecordBytes);
  const envelope = parseEnvelope(data);
  const dataKey = await unwrapDataKey(envelope.key, ctx.kms, encryptionContextFor(ctx.resourceId), ctx.cache);
  const gzipped = await decryptMessage(envelope.databaseActivityEvents, dataKey, maxRecordBytes);
  const json = parsePayloadJson(await gunzipPayload(gzipped, ctx.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES));
  const payload = checkPayload(json);
  return { version: envelope.version, payload, events: normaliseEvents(payload) };
}
