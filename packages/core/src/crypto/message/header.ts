// The message header (spec data-format/message-header.md), format versions 1 and 2: every
// length and bound is checked before the bytes it covers are read.
import { parseEncryptionContext, type EncryptionContext } from './encryption-context.js';
import { need, refuse } from './refusal.js';
import { COMMITMENT_BYTES, IV_BYTES, MESSAGE_ID_BYTES, suiteFor, TAG_BYTES, type MessageSuite } from './suites.js';

/** The reference SDK refuses messages with more EDKs (das `esdk.ts`: a cheap DoS otherwise). */
export const MAX_ENCRYPTED_DATA_KEYS = 4;
const TYPE_CUSTOMER_AE_DATA = 0x80;

/** One encrypted data key entry, as raw bytes (views into the message). */
export interface EncryptedDataKey {
  providerId: Buffer;
  providerInfo: Buffer;
  ciphertext: Buffer;
}

/** A parsed header; byte fields are views into the message (no copies). */
export interface MessageHeader {
  suite: MessageSuite;
  messageId: Buffer;
  encryptionContext: EncryptionContext;
  encryptedDataKeys: EncryptedDataKey[];
  /** 1 = non-framed, 2 = framed; other values are refused when the body is read (as the SDK does). */
  contentType: number;
  frameLength: number;
  /** v2 only: the key commitment. */
  commitment: Buffer | undefined;
  /** The header body: the AAD of the header tag and the start of the signed bytes. */
  headerBody: Buffer;
  headerIv: Buffer;
  headerTag: Buffer;
  /** Offset of the message body. */
  bodyStart: number;
}

/** What {@link parseHeader} found: a header, or a version/suite this decoder leaves to the SDK. */
export type HeaderResult = { ok: true; header: MessageHeader } | { ok: false; unsupported: string };

const V2_ZERO_IV = Buffer.alloc(IV_BYTES);

/** Parses and bounds-checks the header of an ESDK message; throws a refusal when it is malformed. */
export function parseHeader(m: Buffer): HeaderResult {
  need(1, m.length, 'version');
  const version = m[0];
  if (version !== 1 && version !== 2) return { ok: false, unsupported: `message format version ${String(version)}` };
  const idBytes = MESSAGE_ID_BYTES[version];
  // v1: version, type, suite id, message id; v2: version, suite id, message id.
  let pos = version === 1 ? 2 : 1;
  need(pos + 2 + idBytes + 2, m.length, 'fixed header fields');
  if (version === 1 && m[1] !== TYPE_CUSTOMER_AE_DATA) refuse('HEADER_MALFORMED', `message type 0x${(m[1] ?? 0).toString(16)}`);
  const suiteId = m.readUInt16BE(pos);
  const suite = suiteFor(suiteId, version);
  if (suite === undefined) return { ok: false, unsupported: `algorithm suite 0x${suiteId.toString(16).padStart(4, '0')} in format ${version}` };
  pos += 2;
  const messageId = m.subarray(pos, pos + idBytes);
  pos += idBytes;
  const contextLength = m.readUInt16BE(pos);
  pos += 2;
  need(pos + contextLength, m.length, 'encryption context');
  const encryptionContext = parseEncryptionContext(m.subarray(pos, pos + contextLength));
  pos += contextLength;

  need(pos + 2, m.length, 'encrypted data key count');
  const edkCount = m.readUInt16BE(pos);
  pos += 2;
  if (edkCount === 0) refuse('HEADER_MALFORMED', 'no encrypted data key');
  if (edkCount > MAX_ENCRYPTED_DATA_KEYS) refuse('TOO_MANY_DATA_KEYS', `${edkCount} encrypted data keys, at most ${MAX_ENCRYPTED_DATA_KEYS}`);
  const field = (): Buffer => {
    need(pos + 2, m.length, 'encrypted data keys');
    const length = m.readUInt16BE(pos);
    const start = pos + 2;
    pos = start + length;
    need(pos, m.length, 'encrypted data keys');
    return m.subarray(start, pos);
  };
  const encryptedDataKeys: EncryptedDataKey[] = [];
  for (let i = 0; i < edkCount; i += 1) {
    const providerId = field();
    const providerInfo = field();
    encryptedDataKeys.push({ providerId, providerInfo, ciphertext: field() });
  }

  if (version === 1) {
    // content type, reserved, IV length, frame length; then header IV and tag.
    const headerEnd = pos + 1 + 4 + 1 + 4;
    need(headerEnd + IV_BYTES + TAG_BYTES, m.length, 'header');
    const contentType = m[pos] as number;
    if (m.readUInt32BE(pos + 1) !== 0) refuse('HEADER_MALFORMED', 'reserved bytes are not zero');
    if (m[pos + 5] !== IV_BYTES) refuse('HEADER_MALFORMED', `IV length ${String(m[pos + 5])}, not ${IV_BYTES}`);
    const frameLength = m.readUInt32BE(pos + 6);
    return {
      ok: true,
      header: {
        suite,
        messageId,
        encryptionContext,
        encryptedDataKeys,
        contentType,
        frameLength,
        commitment: undefined,
        headerBody: m.subarray(0, headerEnd),
        headerIv: m.subarray(headerEnd, headerEnd + IV_BYTES),
        headerTag: m.subarray(headerEnd + IV_BYTES, headerEnd + IV_BYTES + TAG_BYTES),
        bodyStart: headerEnd + IV_BYTES + TAG_BYTES,
      },
    };
  }
  // v2: content type, frame length, commitment; the header IV is implicitly zero.
  const headerEnd = pos + 1 + 4 + COMMITMENT_BYTES;
  need(headerEnd + TAG_BYTES, m.length, 'header');
  return {
    ok: true,
    header: {
      suite,
      messageId,
      encryptionContext,
      encryptedDataKeys,
      contentType: m[pos] as number,
      frameLength: m.readUInt32BE(pos + 1),
      commitment: m.subarray(pos + 5, headerEnd),
      headerBody: m.subarray(0, headerEnd),
      headerIv: V2_ZERO_IV,
      headerTag: m.subarray(headerEnd, headerEnd + TAG_BYTES),
      bodyStart: headerEnd + TAG_BYTES,
    },
  };
}
