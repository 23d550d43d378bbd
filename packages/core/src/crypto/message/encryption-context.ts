// The serialized encryption context (spec framework/structures.md#encryption-context): parsed
// exactly as the reference SDK does, because the keyring AAD is its re-serialization.
import { refuse } from './refusal.js';

/** Key → value, without a prototype (a key such as `__proto__` is just a key). */
export type EncryptionContext = Record<string, string>;

/** Where a signed message keeps its ECDSA public key (spec framework/default-cmm.md). */
export const PUBLIC_KEY_FIELD = 'aws-crypto-public-key';

/**
 * Parses the header's context field. Strings are decoded as the SDK decodes them (invalid UTF-8
 * becomes U+FFFD), and keys equal after decoding are duplicates.
 */
export function parseEncryptionContext(bytes: Buffer): EncryptionContext {
  const context = Object.create(null) as EncryptionContext;
  if (bytes.length === 0) return context;
  if (bytes.length < 2) refuse('HEADER_MALFORMED', 'encryption context shorter than its pair count');
  const count = bytes.readUInt16BE(0);
  let pos = 2;
  const field = (): string => {
    if (pos + 2 > bytes.length) refuse('HEADER_MALFORMED', 'encryption context field overruns the context');
    const length = bytes.readUInt16BE(pos);
    const start = pos + 2;
    pos = start + length;
    if (pos > bytes.length) refuse('HEADER_MALFORMED', 'encryption context field overruns the context');
    return bytes.toString('utf8', start, pos);
  };
  for (let i = 0; i < count; i += 1) {
    const key = field();
    const value = field();
    if (context[key] !== undefined) refuse('HEADER_MALFORMED', 'duplicate encryption context key');
    context[key] = value;
  }
  if (pos !== bytes.length) refuse('HEADER_MALFORMED', 'bytes left over after the encryption context');
  return context;
}

/**
 * Serializes a context as the SDK does for the raw AES keyring AAD and the header: pairs sorted
 * with `localeCompare` on the keys (the JS SDK's default ordering), count first; empty → no bytes.
 * Without the 2-byte length prefix of the header field.
 */
export function serializeEncryptionContext(context: EncryptionContext): Buffer {
  const entries = Object.entries(context);
  if (entries.length === 0) return Buffer.alloc(0);
  entries.sort(([a], [b]) => a.localeCompare(b));
  const parts: Buffer[] = [u16(entries.length)];
  for (const [key, value] of entries) {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u16(k.length), k, u16(v.length), v);
  }
  const out = Buffer.concat(parts);
  // The header gives the whole field a uint16 length.
  if (out.length > 0xffff) throw new RangeError(`serialized encryption context of ${out.length} bytes`);
  return out;
}

function u16(value: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(value, 0);
  return out;
}
