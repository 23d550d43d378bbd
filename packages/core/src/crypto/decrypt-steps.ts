// The steps of decrypting one DAS record, one function each, so decryptRecord reads top to
// bottom and the benchmark can time every step on its own.
import { DasRecordError } from '../errors.js';
import { formatIssues, validateEnvelope, validatePayload } from '../validation.js';
import { contractVersionStatus, type DasEnvelope } from '../schemas/envelope.js';
import type { DasPayload } from '../schemas/payload.js';
import { classifyKmsError, encryptionContextFor, type KmsPort } from './kms-port.js';
import type { DataKeyCache } from './data-key-cache.js';
import { DasMaterialsManager } from './das-materials-manager.js';
import { dasKeyring, esdkClient } from './esdk.js';
import { boundedGunzip } from './gzip.js';
import { decryptMessageFast } from './message/decrypt-message.js';

/** KMS refuses ciphertext blobs longer than this; anything longer is not a data key. */
const MAX_KEY_BLOB_BYTES = 6144;
const AES_256_KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Bytes of a record as received (Kinesis Data), or its text. */
export type RecordData = Uint8Array | string;

export function recordByteLength(data: RecordData): number {
  // A string's UTF-16 length never exceeds its UTF-8 byte length, so it is a safe lower bound.
  return typeof data === 'string' ? data.length : data.byteLength;
}

export function assertRecordSize(data: RecordData, maxRecordBytes: number): void {
  const size = recordByteLength(data);
  if (size > maxRecordBytes) {
    throw new DasRecordError('RECORD_TOO_LARGE', `record is ${size} bytes, more than ${maxRecordBytes}`);
  }
}

/** Step 1: Kinesis Data → validated envelope. */
export function parseEnvelope(data: RecordData): DasEnvelope {
  const text = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DasRecordError('ENVELOPE_NOT_JSON', 'record data is not JSON');
  }
  const result = validateEnvelope(json);
  if (!result.ok) throw new DasRecordError('ENVELOPE_INVALID', formatIssues(result.issues));
  if (contractVersionStatus(result.value.version) === 'unsupported') {
    throw new DasRecordError(
      'ENVELOPE_VERSION_UNSUPPORTED',
      `/version ${JSON.stringify(result.value.version.slice(0, 32))} is not a contract version this reader knows (1.x)`,
    );
  }
  return result.value;
}

/** Strict base64: Buffer.from() would silently skip bad characters. */
export function decodeBase64(text: string, field: string): Buffer {
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new DasRecordError('ENVELOPE_INVALID', `/${field} is not base64`);
  }
  return Buffer.from(text, 'base64');
}

/** Step 2: the envelope's `key` → 32-byte plaintext data key (KMS, or the cache). */
export async function unwrapDataKey(
  keyBase64: string,
  kms: KmsPort,
  encryptionContext: Record<string, string>,
  cache: DataKeyCache | undefined,
): Promise<Uint8Array> {
  const load = async (): Promise<Uint8Array> => {
    const blob = decodeBase64(keyBase64, 'key');
    if (blob.length === 0 || blob.length > MAX_KEY_BLOB_BYTES) {
      throw new DasRecordError('ENVELOPE_INVALID', `/key decodes to ${blob.length} bytes`);
    }
    let plaintext: Uint8Array;
    try {
      plaintext = await kms.decrypt(blob, encryptionContext);
    } catch (error) {
      throw classifyKmsError(error);
    }
    if (plaintext.length !== AES_256_KEY_BYTES) {
      throw new DasRecordError('KEY_DECRYPT_FAILED', `KMS returned a ${plaintext.length}-byte key, not 32`);
    }
    return plaintext;
  };
  if (cache === undefined) return load();
  // The context is part of the cache key: a key unwrapped for one resource never serves another.
  return cache.getOrLoad(`${contextKey(encryptionContext)}\n${keyBase64}`, load);
}

/**
 * Step 2 as a function of the envelope's `key` alone: KMS Decrypt with the resource's encryption
 * context, through `cache`. For the thread that serves data keys to others (see
 * `ResolverDataKeySource`).
 */
export function createDataKeyResolver(options: { kms: KmsPort; resourceId: string; cache?: DataKeyCache }): (keyBase64: string) => Promise<Uint8Array> {
  const context = encryptionContextFor(options.resourceId);
  return (keyBase64) => unwrapDataKey(keyBase64, options.kms, context, options.cache);
}

function contextKey(context: Record<string, string>): string {
  return Object.keys(context)
    .sort()
    .map((k) => `${k}=${context[k]}`)
    .join('&');
}

/**
 * Which decrypter opens the ESDK message: `fast` (default) = node:crypto with the SDK's checks,
 * falling back to the SDK for a message format it does not know; `sdk` = the SDK alone.
 */
export type DecryptEngine = 'fast' | 'sdk';

/** Step 3: ESDK message (base64 text) → gzip bytes, with the raw AES `BC`/`DataKey` keyring. */
export async function decryptMessage(messageBase64: string, dataKey: Uint8Array, maxBodyBytes: number, engine: DecryptEngine = 'fast'): Promise<Buffer> {
  const message = decodeBase64(messageBase64, 'databaseActivityEvents');
  if (engine === 'fast') {
    const result = decryptMessageFast(message, dataKey, maxBodyBytes);
    if (result.ok) return result.plaintext;
  }
  return decryptMessageSdk(message, dataKey, maxBodyBytes);
}

/** The reference SDK's decrypt of an ESDK message (bytes); every refusal is `SDK_REFUSED`. */
export async function decryptMessageSdk(message: Uint8Array, dataKey: Uint8Array, maxBodyBytes: number): Promise<Buffer> {
  try {
    const { plaintext } = await esdkClient.decrypt(new DasMaterialsManager(dasKeyring(dataKey)), message, {
      maxBodySize: maxBodyBytes,
    });
    return plaintext;
  } catch (error) {
    throw new DasRecordError('PAYLOAD_DECRYPT_FAILED', `encryption SDK refused the message: ${errorMessage(error)}`, { detail: 'SDK_REFUSED' });
  }
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Step 4: gzip bytes → payload bytes, bounded. */
export async function gunzipPayload(gzipped: Uint8Array, maxPayloadBytes: number): Promise<Buffer> {
  const result = await boundedGunzip(gzipped, maxPayloadBytes);
  if (result.ok) return result.data;
  throw new DasRecordError(result.reason === 'too-large' ? 'RECORD_TOO_LARGE' : 'PAYLOAD_NOT_GZIP', result.message);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Step 5: payload bytes → JSON value. */
export function parsePayloadJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new DasRecordError('PAYLOAD_NOT_JSON', 'decrypted payload is not UTF-8 JSON');
  }
}

/** Step 6: JSON value → validated payload. */
export function checkPayload(json: unknown): DasPayload {
  const result = validatePayload(json);
  if (!result.ok) throw new DasRecordError('PAYLOAD_INVALID', formatIssues(result.issues));
  return result.value;
}
