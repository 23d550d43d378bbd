// The fast decrypt path: an AWS Encryption SDK message decrypted with node:crypto alone, with
// every check the reference SDK makes (and no more: the same messages pass).
import { createDecipheriv, type KeyObject } from 'node:crypto';
import { decryptBody } from './body.js';
import { PUBLIC_KEY_FIELD, serializeEncryptionContext } from './encryption-context.js';
import { parseHeader, type MessageHeader } from './header.js';
import { checkCommitment, deriveContentKey } from './key-derivation.js';
import { unwrapDataKey } from './raw-aes-keyring.js';
import { refuse } from './refusal.js';
import { verificationKey, verifyFooter } from './signature.js';

/** Plaintext, or the reason this decoder leaves the message to the reference SDK. */
export type FastDecryptResult = { ok: true; plaintext: Buffer } | { ok: false; unsupported: string };

/**
 * Decrypts an ESDK message (format v1 or v2, framed or not, any suite the SDK accepts under
 * FORBID_ENCRYPT_ALLOW_DECRYPT) whose data key is wrapped by the raw AES keyring `BC`/`DataKey`
 * under `wrappingKey`. Nothing is returned before the header tag, every frame tag, the key
 * commitment and the signature have been checked. A message version or suite this decoder does
 * not know comes back as `unsupported` (the caller asks the SDK).
 *
 * @param maxPartBytes refuse a frame (or non-framed body) longer than this, as the SDK's `maxBodySize`.
 * @throws DasRecordError `PAYLOAD_DECRYPT_FAILED` with a `detail` naming the failed check.
 */
export function decryptMessageFast(m: Buffer, wrappingKey: Uint8Array, maxPartBytes: number): FastDecryptResult {
  const parsed = parseHeader(m);
  if (!parsed.ok) return parsed;
  const { header } = parsed;
  const publicKey = signerKey(header);
  const dataKey = unwrapDataKey(header.encryptedDataKeys, wrappingKey, keyringAad(header), header.suite.keyBytes);
  if (dataKey === undefined) refuse('NO_DATA_KEY', 'no BC/DataKey entry decrypts with this data key');
  let contentKey: Buffer | undefined;
  try {
    checkCommitment(header.suite, dataKey, header.messageId, header.commitment);
    contentKey = deriveContentKey(header.suite, dataKey, header.messageId);
    checkHeaderTag(header, contentKey);
    const body = decryptBody(m, header, contentKey, maxPartBytes);
    const signature = header.suite.signature;
    // Unsigned: bytes after the body are ignored, as the SDK ignores them.
    if (signature !== undefined && publicKey !== undefined) {
      try {
        verifyFooter(signature.hash, publicKey, m.subarray(0, body.end), m.subarray(body.end));
      } catch (error) {
        body.plaintext.fill(0);
        throw error;
      }
    }
    return { ok: true, plaintext: body.plaintext };
  } finally {
    dataKey.fill(0);
    contentKey?.fill(0);
  }
}

/** Signed suites need the context's public key; unsigned ones must not carry one (as the SDK's CMM). */
function signerKey(header: MessageHeader): KeyObject | undefined {
  const signature = header.suite.signature;
  if (signature === undefined) {
    if (Object.hasOwn(header.encryptionContext, PUBLIC_KEY_FIELD)) refuse('PUBLIC_KEY_INVALID', 'unsigned suite with aws-crypto-public-key');
    return undefined;
  }
  return verificationKey(signature.curve, header.encryptionContext[PUBLIC_KEY_FIELD]);
}

/** The keyring AAD: the parsed context serialized again, as the SDK does (not the header's bytes). */
function keyringAad(header: MessageHeader): Buffer {
  try {
    return serializeEncryptionContext(header.encryptionContext);
  } catch {
    // A string whose invalid UTF-8 grew past 65535 bytes when decoded: the SDK fails there too.
    return refuse('HEADER_MALFORMED', 'encryption context does not serialize');
  }
}

function checkHeaderTag(header: MessageHeader, contentKey: Buffer): void {
  try {
    const decipher = createDecipheriv(header.suite.cipher, contentKey, header.headerIv);
    decipher.setAAD(header.headerBody);
    decipher.setAuthTag(header.headerTag);
    decipher.update(Buffer.alloc(0));
    decipher.final();
  } catch {
    refuse('HEADER_AUTH_FAILED', 'the header tag does not verify');
  }
}
