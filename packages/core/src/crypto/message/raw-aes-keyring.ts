// The raw AES keyring DAS uses (spec framework/raw-aes-keyring.md): namespace `BC`, name
// `DataKey`, AES-256-GCM wrapping with the KMS data key; the AAD is the serialized context.
import { createDecipheriv, randomBytes } from 'node:crypto';
import { sealPieces } from '@das/aes-gcm';
import type { EncryptedDataKey } from './header.js';
import { IV_BYTES, TAG_BYTES } from './suites.js';

export const KEY_NAMESPACE = Buffer.from('BC', 'utf8');
export const KEY_NAME = Buffer.from('DataKey', 'utf8');
const TAG_BITS = TAG_BYTES * 8;
/** providerInfo after the key name: tag length (bits, uint32), IV length (uint32), IV. */
const INFO_TAIL_BYTES = 4 + 4 + IV_BYTES;

/**
 * Unwraps the message's data key with the wrapping key: tries every `BC`/`DataKey` entry in
 * order, skipping the ones that are malformed or do not decrypt (as the SDK's keyring does).
 * Returns undefined when none yields a key of `keyBytes`.
 */
export function unwrapDataKey(edks: readonly EncryptedDataKey[], wrappingKey: Uint8Array, aad: Buffer, keyBytes: number): Buffer | undefined {
  for (const edk of edks) {
    // The SDK matches providerId exactly and providerInfo by prefix (of their UTF-8 decodings,
    // which for ASCII names is the same as comparing bytes).
    if (!edk.providerId.equals(KEY_NAMESPACE)) continue;
    const info = edk.providerInfo;
    if (info.length < KEY_NAME.length || !info.subarray(0, KEY_NAME.length).equals(KEY_NAME)) continue;
    if (info.length !== KEY_NAME.length + INFO_TAIL_BYTES) continue;
    const tail = KEY_NAME.length;
    if (info.readUInt32BE(tail) !== TAG_BITS || info.readUInt32BE(tail + 4) !== IV_BYTES) continue;
    if (edk.ciphertext.length !== keyBytes + TAG_BYTES) continue;
    try {
      const decipher = createDecipheriv('aes-256-gcm', wrappingKey, info.subarray(tail + 8));
      decipher.setAAD(aad);
      decipher.setAuthTag(edk.ciphertext.subarray(keyBytes));
      const key = decipher.update(edk.ciphertext.subarray(0, keyBytes));
      decipher.final();
      return key;
    } catch {
      // A wrong key or tampered entry: try the next one.
    }
  }
  return undefined;
}

/**
 * Wraps a data key as a `BC`/`DataKey` entry under a fresh random IV (or `iv`, drawn by the caller
 * with the message's other random bytes), for the encryptor.
 */
export function wrapDataKey(dataKey: Uint8Array, wrappingKey: Uint8Array, aad: Buffer, iv: Buffer = randomBytes(IV_BYTES)): EncryptedDataKey {
  if (wrappingKey.length !== 32) throw new RangeError(`the wrapping key must be 32 bytes (AES-256), not ${wrappingKey.length}`);
  if (iv.length !== IV_BYTES) throw new RangeError(`the IV must be ${IV_BYTES} bytes`);
  const wrapped = Buffer.allocUnsafe(dataKey.length + TAG_BYTES);
  sealPieces(wrappingKey, dataKey, Buffer.concat([iv, aad]), wrapped, Uint32Array.of(0, IV_BYTES, aad.length, 0, dataKey.length, 0));
  const info = Buffer.alloc(KEY_NAME.length + INFO_TAIL_BYTES);
  KEY_NAME.copy(info, 0);
  info.writeUInt32BE(TAG_BITS, KEY_NAME.length);
  info.writeUInt32BE(IV_BYTES, KEY_NAME.length + 4);
  iv.copy(info, KEY_NAME.length + 8);
  return { providerId: KEY_NAMESPACE, providerInfo: info, ciphertext: wrapped };
}
