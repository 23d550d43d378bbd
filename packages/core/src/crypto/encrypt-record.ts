import { ENVELOPE_TYPE, type DasEnvelope } from '../schemas/envelope.js';
import type { DasPayload } from '../schemas/payload.js';
import { dasKeyring, esdkClient, SUITE_IDS, type EsdkSuite } from './esdk.js';
import { gzipBytes } from './gzip.js';
import { envelopeVersionOf, payloadJson } from './payload-json.js';
import { encryptionContextFor, type KmsPort } from './kms-port.js';
import { encryptMessageFast } from './message/encrypt-message.js';
import { generateSigningKey, type SigningKey } from './message/signature.js';

/** What {@link encryptRecord} needs. */
export interface EncryptContext {
  kms: KmsPort;
  /** KMS key id, ARN or alias the data key is generated under. */
  keyId: string;
  /** Resource id whose encryption context binds the data key (see `encryptionContextFor`). */
  resourceId: string;
  /** Envelope version; default '1.2' for MySQL payloads, '1.1' for PostgreSQL. */
  version?: string;
  /** 'signed' = suite 0x0378 as Aurora MySQL (default); 'unsigned' = 0x0178 as seen from Aurora PostgreSQL. */
  suite?: EsdkSuite;
  /** A KMS data key to reuse (rotating it is the caller's job); else one GenerateDataKey per call. */
  dataKey?: { plaintext: Uint8Array; ciphertextBlob: Uint8Array };
  /**
   * {@link encryptRecordFast}, signed suite: an ECDSA P-384 key to sign with (from
   * {@link createRecordSigningKey}), reused as long as `dataKey` is; else a fresh one per record.
   */
  signingKey?: SigningKey;
}

/**
 * A signing key for the records sealed under one data key. Generating the P-384 pair is most of
 * a record's sealing cost; sharing it among records that already share their `key` reveals
 * nothing new, and a reader holding the data key still cannot forge a signed record.
 */
export function createRecordSigningKey(): SigningKey {
  return generateSigningKey({ curve: 'secp384r1', hash: 'sha384' }); // suite 0x0378's signature
}

/** ESDK frame size seen in real DAS records. */
const FRAME_LENGTH = 4096;

/**
 * Encrypts a payload the way DAS does, returning the UTF-8 JSON envelope (= Kinesis Data):
 * gzip → AWS Encryption SDK message (raw AES keyring `BC`/`DataKey`, empty encryption context)
 * → base64, with the KMS-encrypted data key beside it.
 */
export async function encryptRecord(payload: DasPayload, ctx: EncryptContext): Promise<Uint8Array> {
  // gzip reads the JSON before it returns (payloadJson's bytes live until the next call).
  return encryptPayloadJson(payloadJson(payload), { ...ctx, version: ctx.version ?? envelopeVersionOf(payload) });
}

/**
 * {@link encryptRecord} on node:crypto instead of the SDK (same inputs, same output format; the
 * SDK decrypts what it writes): a fresh ESDK data key per record and, for the signed suite, the
 * context's `signingKey` or a fresh ECDSA P-384 key pair, 4096-byte frames.
 */
export async function encryptRecordFast(payload: DasPayload, ctx: EncryptContext): Promise<Uint8Array> {
  return encryptPayloadJsonFast(payloadJson(payload), { ...ctx, version: ctx.version ?? envelopeVersionOf(payload) });
}

/** {@link encryptRecord} of a payload already written as JSON (by a `PayloadJsonWriter`). */
export async function encryptPayloadJson(json: Uint8Array, ctx: EncryptContext & { version: string }): Promise<Uint8Array> {
  return sealRecord(json, ctx, async (wrappingKey, gzipped) => {
    const { result } = await esdkClient.encrypt(dasKeyring(wrappingKey), gzipped, {
      suiteId: SUITE_IDS[ctx.suite ?? 'signed'],
      encryptionContext: {},
      frameLength: FRAME_LENGTH,
    });
    return result;
  });
}

/** {@link encryptRecordFast} of a payload already written as JSON (by a `PayloadJsonWriter`). */
export async function encryptPayloadJsonFast(json: Uint8Array, ctx: EncryptContext & { version: string }): Promise<Uint8Array> {
  return sealRecord(json, ctx, async (wrappingKey, gzipped) =>
    encryptMessageFast(gzipped, {
      wrappingKey,
      suiteId: SUITE_IDS[ctx.suite ?? 'signed'],
      frameLength: FRAME_LENGTH,
      ...(ctx.signingKey === undefined ? {} : { signingKey: ctx.signingKey }),
    }),
  );
}

/** gzip → `seal` (ESDK message) → envelope JSON, with the data key from the context or KMS. */
async function sealRecord(
  json: Uint8Array,
  ctx: EncryptContext & { version: string },
  seal: (wrappingKey: Uint8Array, gzipped: Buffer) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  // First, before any wait: the caller may reuse the bytes once this returns its promise.
  const gzipped = await gzipBytes(json);
  const dataKey = ctx.dataKey ?? (await ctx.kms.generateDataKey(ctx.keyId, encryptionContextFor(ctx.resourceId)));
  try {
    const message = await seal(dataKey.plaintext, gzipped);
    return envelopeJson(
      ctx.version,
      Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('base64'),
      Buffer.from(dataKey.ciphertextBlob).toString('base64'),
    );
  } finally {
    // A key generated for this call only is not needed any more.
    if (ctx.dataKey === undefined) dataKey.plaintext.fill(0);
  }
}

/**
 * `JSON.stringify` of the envelope {@link DasEnvelope} as bytes, written around its two base64
 * strings: they need no escaping, and a record's ~35 KB of base64 was otherwise scanned by
 * JSON.stringify and copied twice more (issue 19). ASCII only, so latin1 is the same bytes.
 */
export function envelopeJson(version: DasEnvelope['version'], databaseActivityEvents: DasEnvelope['databaseActivityEvents'], key: DasEnvelope['key']): Buffer {
  const head = `{"type":${JSON.stringify(ENVELOPE_TYPE)},"version":${JSON.stringify(version)},"databaseActivityEvents":"`;
  const middle = '","key":"';
  const out = Buffer.allocUnsafe(head.length + databaseActivityEvents.length + middle.length + key.length + 2);
  let at = out.write(head, 0, 'latin1');
  at += out.write(databaseActivityEvents, at, 'latin1');
  at += out.write(middle, at, 'latin1');
  at += out.write(key, at, 'latin1');
  out.write('"}', at, 'latin1');
  return out;
}
