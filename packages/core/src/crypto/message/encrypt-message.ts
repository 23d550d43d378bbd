// The fast encrypt path: an AWS Encryption SDK message written with node:crypto alone, in the
// layout the reference SDK writes (and decrypts: tested against it).
import { createCipheriv, randomBytes } from 'node:crypto';
import { bodyAad } from './body-aad.js';
import { PUBLIC_KEY_FIELD, serializeEncryptionContext, type EncryptionContext } from './encryption-context.js';
import { deriveContentKey, keyCommitment } from './key-derivation.js';
import { wrapDataKey } from './raw-aes-keyring.js';
import { generateSigningKey, signFooter, type SigningKey } from './signature.js';
import { IV_BYTES, MESSAGE_ID_BYTES, suiteFor, type MessageSuite } from './suites.js';

/** Options of {@link encryptMessageFast}. */
export interface EncryptMessageOptions {
  /** The 32-byte wrapping key of the raw AES keyring `BC`/`DataKey` (DAS: the KMS data key). */
  wrappingKey: Uint8Array;
  /** Algorithm suite id (default 0x0378, the suite DAS uses). */
  suiteId?: number;
  /** Caller's encryption context (default empty); `aws-crypto-public-key` is reserved. */
  encryptionContext?: EncryptionContext;
  /** Plaintext bytes per frame (default 4096, as DAS); 0 writes a non-framed body. */
  frameLength?: number;
  /** A signing key to reuse (signed suites); default: a fresh one per message, as the SDK's default CMM. */
  signingKey?: SigningKey;
}

const DEFAULT_FRAME_LENGTH = 4096;
const SIGNED_DEFAULT_SUITE = 0x0378;

function suiteById(id: number): MessageSuite {
  const found = suiteFor(id, 1) ?? suiteFor(id, 2);
  if (found === undefined) throw new Error(`unknown algorithm suite 0x${id.toString(16)}`);
  return found;
}

/** Encrypts `plaintext` into an ESDK message (format v1 for non-committing suites, v2 for committing ones). */
export function encryptMessageFast(plaintext: Uint8Array, options: EncryptMessageOptions): Buffer {
  const suite = suiteById(options.suiteId ?? SIGNED_DEFAULT_SUITE);
  const frameLength = options.frameLength ?? DEFAULT_FRAME_LENGTH;
  if (!Number.isInteger(frameLength) || frameLength < 0 || frameLength > 0xffff_ffff) throw new RangeError(`frame length ${frameLength}`);
  const callerContext = options.encryptionContext ?? {};
  if (Object.hasOwn(callerContext, PUBLIC_KEY_FIELD)) throw new Error(`${PUBLIC_KEY_FIELD} is reserved in the encryption context`);
  const signingKey = suite.signature === undefined ? undefined : (options.signingKey ?? generateSigningKey(suite.signature));
  const context: EncryptionContext = Object.assign(Object.create(null) as EncryptionContext, callerContext);
  if (signingKey !== undefined) context[PUBLIC_KEY_FIELD] = signingKey.publicKeyBase64;
  const serializedContext = serializeEncryptionContext(context);

  const dataKey = randomBytes(suite.keyBytes);
  const messageId = randomBytes(MESSAGE_ID_BYTES[suite.messageFormat]);
  let contentKey: Buffer | undefined;
  try {
    const edk = wrapDataKey(dataKey, options.wrappingKey, serializedContext);
    contentKey = deriveContentKey(suite, dataKey, messageId);
    const contentType = frameLength === 0 ? 1 : 2;
    const headerParts: Buffer[] = [];
    if (suite.messageFormat === 1) headerParts.push(Buffer.from([1, 0x80]), u16(suite.id));
    else headerParts.push(Buffer.from([2]), u16(suite.id));
    headerParts.push(messageId, u16(serializedContext.length), serializedContext);
    headerParts.push(u16(1), ...[edk.providerId, edk.providerInfo, edk.ciphertext].flatMap((f) => [u16(f.length), f]));
    if (suite.messageFormat === 1) {
      headerParts.push(Buffer.from([contentType, 0, 0, 0, 0, IV_BYTES]), u32(frameLength));
    } else {
      headerParts.push(Buffer.from([contentType]), u32(frameLength), keyCommitment(suite, dataKey, messageId));
    }
    const headerBody = Buffer.concat(headerParts);
    const headerIv = Buffer.alloc(IV_BYTES);
    // Sealing nothing leaves only the tag.
    const headerTag = seal(suite, contentKey, headerIv, headerBody, Buffer.alloc(0));
    const parts: Buffer[] = [headerBody];
    if (suite.messageFormat === 1) parts.push(headerIv);
    parts.push(headerTag);
    const data = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    if (frameLength === 0) parts.push(...singleBlock(suite, contentKey, messageId, data));
    else parts.push(...frames(suite, contentKey, messageId, data, frameLength));
    const unsigned = Buffer.concat(parts);
    if (signingKey === undefined) return unsigned;
    return Buffer.concat([unsigned, signFooter(signingKey, unsigned)]);
  } finally {
    dataKey.fill(0);
    contentKey?.fill(0);
  }
}

function frames(suite: MessageSuite, key: Buffer, messageId: Buffer, data: Buffer, frameLength: number): Buffer[] {
  const out: Buffer[] = [];
  let sequenceNumber = 1;
  let pos = 0;
  // Full frames while more than one frame's worth is left; the rest (possibly a full frame, or
  // nothing for an empty plaintext) goes into the final frame.
  for (; data.length - pos > frameLength; pos += frameLength, sequenceNumber += 1) {
    const iv = frameIv(sequenceNumber);
    const aad = bodyAad(messageId, 'frame', sequenceNumber, frameLength);
    out.push(u32(sequenceNumber), iv, seal(suite, key, iv, aad, data.subarray(pos, pos + frameLength)));
  }
  const rest = data.subarray(pos);
  const iv = frameIv(sequenceNumber);
  const aad = bodyAad(messageId, 'final-frame', sequenceNumber, rest.length);
  out.push(u32(0xffff_ffff), u32(sequenceNumber), iv, u32(rest.length), seal(suite, key, iv, aad, rest));
  return out;
}

function singleBlock(suite: MessageSuite, key: Buffer, messageId: Buffer, data: Buffer): Buffer[] {
  const iv = frameIv(1);
  const length = Buffer.alloc(8);
  length.writeUInt32BE(Math.floor(data.length / 0x1_0000_0000), 0);
  length.writeUInt32BE(data.length % 0x1_0000_0000, 4);
  return [iv, length, seal(suite, key, iv, bodyAad(messageId, 'single-block', 1, data.length), data)];
}

/** Frame IVs as the SDK writes them: 8 zero bytes ‖ uint32 sequence number. */
function frameIv(sequenceNumber: number): Buffer {
  const iv = Buffer.alloc(IV_BYTES);
  iv.writeUInt32BE(sequenceNumber, IV_BYTES - 4);
  return iv;
}

/** AES-GCM: ciphertext ‖ tag. */
function seal(suite: MessageSuite, key: Buffer, iv: Buffer, aad: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv(suite.cipher, key, iv);
  cipher.setAAD(aad);
  const first = cipher.update(data);
  const last = cipher.final();
  return Buffer.concat([first, last, cipher.getAuthTag()]);
}

function u16(value: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(value, 0);
  return out;
}

function u32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value, 0);
  return out;
}
