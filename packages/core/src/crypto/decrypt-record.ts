import type { ActivityEvent } from '../activity-event.js';
import { normaliseEvents } from '../normalise.js';
import type { DasPayload } from '../schemas/payload.js';
import { contractVersionStatus } from '../schemas/envelope.js';
import type { DataKeyCache } from './data-key-cache.js';
import {
  assertRecordSize,
  checkPayload,
  decryptMessage,
  gunzipPayload,
  parseEnvelope,
  parsePayloadJson,
  unwrapDataKey,
  type DecryptEngine,
} from './decrypt-steps.js';
import { encryptionContextFor, type KmsPort } from './kms-port.js';

/** Kinesis caps a record at 1 MiB; the margin leaves room for emulators and future growth. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024 + 64 * 1024;
/** Gunzipped payload cap: ~60× the largest record, far above real DAS compression ratios. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** Options of {@link decryptRecord} besides where the data key comes from. */
export interface DecryptOptions {
  /** `DbClusterResourceId` (`cluster-…`) or, for instance streams, `DbiResourceId` (`db-…`). */
  resourceId: string;
  maxRecordBytes?: number;
  maxPayloadBytes?: number;
  /** `fast` (default): node:crypto with the SDK's checks, the SDK for formats it does not know; `sdk`: the SDK alone. */
  decryptEngine?: DecryptEngine;
}

/** The data key from KMS (Decrypt with the resource's encryption context), through a cache. */
export interface KmsDataKeySource {
  kms: KmsPort;
  /** Share one across records of a stream: records reuse data keys. */
  cache?: DataKeyCache;
}

/**
 * The data key from elsewhere, e.g. a worker thread asking the thread that holds the process's
 * one cache. Gets the envelope's base64 `key`; throws what `decryptRecord` would (DasRecordError
 * `KEY_DECRYPT_FAILED`, KmsUnavailableError). The caller may keep the returned buffer.
 */
export interface ResolverDataKeySource {
  resolveDataKey: (keyBase64: string) => Promise<Uint8Array>;
}

/** What {@link decryptRecord} needs. */
export type DecryptContext = DecryptOptions & (KmsDataKeySource | ResolverDataKeySource);

/** A decrypted record: the envelope version, the payload as sent, and its normalised events. */
export interface DecryptedRecord {
  version: string;
  /** A 1.x contract later than the documented ones: decoded, its new fields kept in each event's `raw`. */
  newerContract: boolean;
  payload: DasPayload;
  events: ActivityEvent[];
}

/**
 * Decrypts one Kinesis record written by DAS: envelope → KMS data key (cached) → AWS Encryption
 * SDK message (fast node:crypto path by default, see `decryptEngine`) → gunzip → JSON →
 * validated payload → normalised events.
 *
 * @throws DasRecordError the record is bad (its `reason` says why); set it aside, do not retry.
 * @throws KmsUnavailableError KMS could not answer now; retry the record later.
 */
export async function decryptRecord(data: Uint8Array | string, ctx: DecryptContext): Promise<DecryptedRecord> {
  const maxRecordBytes = ctx.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  assertRecordSize(data, maxRecordBytes);
  const envelope = parseEnvelope(data);
  const dataKey =
    'resolveDataKey' in ctx
      ? await ctx.resolveDataKey(envelope.key)
      : await unwrapDataKey(envelope.key, ctx.kms, encryptionContextFor(ctx.resourceId), ctx.cache);
  const gzipped = await decryptMessage(envelope.databaseActivityEvents, dataKey, maxRecordBytes, ctx.decryptEngine);
  const json = parsePayloadJson(await gunzipPayload(gzipped, ctx.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES));
  const payload = checkPayload(json);
  return { version: envelope.version, newerContract: contractVersionStatus(envelope.version) === 'newer', payload, events: normaliseEvents(payload) };
}
