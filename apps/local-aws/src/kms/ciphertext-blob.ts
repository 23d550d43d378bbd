import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The emulator's own KMS ciphertext format. Consumers treat KMS blobs as opaque, so only two
 * properties matter: Decrypt can find the key from the blob alone, and the encryption context
 * is bound (as AES-GCM additional data) so a wrong context fails.
 *
 *   "DK" | version 0x01 | key id (16 bytes, the UUID) | IV (12) | tag (16) | ciphertext
 */
const MAGIC = Buffer.from('DK', 'latin1');
const VERSION = 0x01;
const HEADER_LENGTH = MAGIC.length + 1 + 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export type EncryptionContext = Readonly<Record<string, string>>;

/** Canonical, unambiguous serialisation of an encryption context: entries sorted by key. */
export function canonicalContext(context: EncryptionContext | undefined): Buffer {
  const entries = Object.keys(context ?? {})
    .sort()
    .map((key) => [key, context![key]]);
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

export function sealBlob(keyId: string, material: Buffer, plaintext: Uint8Array, context: EncryptionContext | undefined): Buffer {
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), uuidToBytes(keyId)]);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(Buffer.concat([header, canonicalContext(context)]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
}

/** The key a blob names, or undefined when the bytes are not one of our blobs. */
export function blobKeyId(blob: Uint8Array): string | undefined {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.length < HEADER_LENGTH + IV_LENGTH + TAG_LENGTH) return undefined;
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC) || bytes[MAGIC.length] !== VERSION) return undefined;
  return bytesToUuid(bytes.subarray(MAGIC.length + 1, HEADER_LENGTH));
}

/** Plaintext, or undefined when the blob was altered or the context differs. */
export function openBlob(blob: Uint8Array, material: Buffer, context: EncryptionContext | undefined): Buffer | undefined {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const header = bytes.subarray(0, HEADER_LENGTH);
  const iv = bytes.subarray(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH);
  const tag = bytes.subarray(HEADER_LENGTH + IV_LENGTH, HEADER_LENGTH + IV_LENGTH + TAG_LENGTH);
  const ciphertext = bytes.subarray(HEADER_LENGTH + IV_LENGTH + TAG_LENGTH);
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, iv);
    decipher.setAAD(Buffer.concat([header, canonicalContext(context)]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
