// The fast encrypt path: an AWS Encryption SDK message written with node:crypto alone, in the
// layout the reference SDK writes (and decrypts: tested against it).
import { randomBytes } from 'node:crypto';
import { PIECE_FIELDS, sealPieces } from '@das/aes-gcm';
import { bodyAadLength, writeBodyAad, type BodyPart } from './body-aad.js';
import { PUBLIC_KEY_FIELD, serializeEncryptionContext, type EncryptionContext } from './encryption-context.js';
import { deriveContentKey, keyCommitment } from './key-derivation.js';
import { wrapDataKey } from './raw-aes-keyring.js';
import { generateSigningKey, signFooter, type SigningKey } from './signature.js';
import { IV_BYTES, MESSAGE_ID_BYTES, suiteFor, TAG_BYTES, type MessageSuite } from './suites.js';

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

  // The message's random bytes in one draw (a call into OpenSSL's generator each cost more than
  // the bytes): its data key, its id, the IV that wraps the data key.
  const idBytes = MESSAGE_ID_BYTES[suite.messageFormat];
  const random = randomBytes(suite.keyBytes + idBytes + IV_BYTES);
  const dataKey = random.subarray(0, suite.keyBytes);
  const messageId = random.subarray(suite.keyBytes, suite.keyBytes + idBytes);
  let contentKey: Buffer | undefined;
  try {
    const edk = wrapDataKey(dataKey, options.wrappingKey, serializedContext, random.subarray(suite.keyBytes + idBytes));
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
    const unsigned = sealedMessage(suite, contentKey, messageId, headerBody, Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength), frameLength);
    if (signingKey === undefined) return unsigned;
    return Buffer.concat([unsigned, signFooter(signingKey, unsigned)]);
  } finally {
    random.fill(0);
    contentKey?.fill(0);
  }
}

/**
 * The whole unsigned message: the header body, its IV (format 1: zeros) and tag, then the frames
 * (or, with `frameLength` 0, the single block), every piece sealed in one `sealPieces` call. Each
 * piece's IV and AAD are written into a side buffer the call reads.
 */
function sealedMessage(suite: MessageSuite, key: Buffer, messageId: Buffer, headerBody: Buffer, data: Buffer, frameLength: number): Buffer {
  const framed = frameLength > 0;
  // Full frames while more than one frame's worth is left; the rest (possibly a full frame, or
  // nothing for an empty plaintext) goes into the final frame.
  const fullFrames = framed && data.length > 0 ? Math.floor((data.length - 1) / frameLength) : 0;
  const rest = data.length - fullFrames * frameLength;
  const lastPart: BodyPart = framed ? 'final-frame' : 'single-block';
  const headerBytes = headerBody.length + (suite.messageFormat === 1 ? IV_BYTES : 0) + TAG_BYTES;
  const frameBytes = 4 + IV_BYTES + frameLength + TAG_BYTES;
  // final frame: end marker, sequence number, IV, content length; single block: IV, uint64 length
  const lastBytes = (framed ? 4 + 4 + IV_BYTES + 4 : IV_BYTES + 8) + rest + TAG_BYTES;
  const frameAadBytes = bodyAadLength(messageId.length, 'frame');
  const messageBytes = headerBytes + fullFrames * frameBytes + lastBytes;
  // The layout's offsets are 32-bit (a DAS record is under 1 MiB).
  if (messageBytes > 0xffff_ffff) throw new RangeError(`a message of ${messageBytes} bytes is more than this encryptor writes (4 GiB)`);
  const out = Buffer.allocUnsafe(messageBytes);
  const side = Buffer.allocUnsafe(IV_BYTES + headerBody.length + fullFrames * (IV_BYTES + frameAadBytes) + IV_BYTES + bodyAadLength(messageId.length, lastPart));
  const layout = new Uint32Array((fullFrames + 2) * PIECE_FIELDS);
  let pieces = 0;
  let sideAt = 0;
  /** A piece whose IV is `iv` and AAD `aadLength` bytes written at the side's current end + 12 by `writeAad`. */
  const piece = (iv: Buffer, aadLength: number, writeAad: (at: number) => void, plainAt: number, plainLength: number, outAt: number): void => {
    iv.copy(side, sideAt);
    writeAad(sideAt + IV_BYTES);
    layout.set([sideAt, sideAt + IV_BYTES, aadLength, plainAt, plainLength, outAt], pieces * PIECE_FIELDS);
    pieces += 1;
    sideAt += IV_BYTES + aadLength;
  };

  // The header: its tag seals nothing, under an all-zero IV, with the header body as AAD.
  headerBody.copy(out, 0);
  let at = headerBody.length;
  const headerIv = Buffer.alloc(IV_BYTES);
  if (suite.messageFormat === 1) at += headerIv.copy(out, at);
  piece(headerIv, headerBody.length, (aadAt) => headerBody.copy(side, aadAt), 0, 0, at);
  at += TAG_BYTES;

  let sequenceNumber = 1;
  for (let pos = 0; pos < fullFrames * frameLength; pos += frameLength, sequenceNumber += 1) {
    const iv = frameIv(sequenceNumber);
    at = out.writeUInt32BE(sequenceNumber, at);
    at += iv.copy(out, at);
    const seq = sequenceNumber;
    piece(iv, frameAadBytes, (aadAt) => writeBodyAad(side, aadAt, messageId, 'frame', seq, frameLength), pos, frameLength, at);
    at += frameLength + TAG_BYTES;
  }
  const iv = frameIv(sequenceNumber);
  if (framed) {
    at = out.writeUInt32BE(0xffff_ffff, at);
    at = out.writeUInt32BE(sequenceNumber, at);
    at += iv.copy(out, at);
    at = out.writeUInt32BE(rest, at);
  } else {
    at += iv.copy(out, at);
    at = out.writeUInt32BE(Math.floor(rest / 0x1_0000_0000), at);
    at = out.writeUInt32BE(rest % 0x1_0000_0000, at);
  }
  const seq = sequenceNumber;
  piece(iv, bodyAadLength(messageId.length, lastPart), (aadAt) => writeBodyAad(side, aadAt, messageId, lastPart, seq, rest), data.length - rest, rest, at);
  sealPieces(key, data, side, out, layout);
  return out;
}

/** Frame IVs as the SDK writes them: 8 zero bytes ‖ uint32 sequence number. */
function frameIv(sequenceNumber: number): Buffer {
  const iv = Buffer.alloc(IV_BYTES);
  iv.writeUInt32BE(sequenceNumber, IV_BYTES - 4);
  return iv;
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
