// AES-GCM of many pieces under one key in one call: the native addon (native/seal.c, Node's own
// OpenSSL) where it was built, node:crypto otherwise (one cipher object a piece). Both write the
// same bytes; the layout says where every piece's IV, AAD, plaintext and output are, so the
// message format stays with the caller.
import { createCipheriv, type CipherGCMTypes } from 'node:crypto';
import { addonLoader } from '@das/native';

/** Which code seals. */
export type AesGcmBackend = 'native' | 'node:crypto';

/** Numbers a piece takes in a layout: IV offset (in `side`), AAD offset and length (in `side`), plaintext offset and length, output offset. */
export const PIECE_FIELDS = 6;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

interface AesGcmAddon {
  sealPieces(key: Uint8Array, plaintext: Uint8Array, side: Uint8Array, out: Uint8Array, layout: Uint32Array): void;
}

const loadAddon = addonLoader<AesGcmAddon>(import.meta.url, 'aes_gcm');

/** What {@link sealPieces} uses here, and why not the addon when it does not (`DAS_AES_GCM=node:crypto` rules it out). */
export function aesGcmBackend(): { backend: AesGcmBackend; reason?: string } {
  if (process.env.DAS_AES_GCM === 'node:crypto') return { backend: 'node:crypto', reason: 'DAS_AES_GCM=node:crypto' };
  const { addon, failure } = loadAddon();
  return addon !== undefined ? { backend: 'native' } : { backend: 'node:crypto', reason: failure };
}

/**
 * Seals every piece of `layout` with AES-GCM under `key` (16, 24 or 32 bytes): piece i's
 * ciphertext goes to `out` at its output offset, its 16-byte tag right after. `out` must not
 * overlap `plaintext` or `side`. Throws (`AES_GCM_BAD_INPUT`) before writing anything if a piece
 * lies outside its buffer.
 */
export function sealPieces(
  key: Uint8Array,
  plaintext: Uint8Array,
  side: Uint8Array,
  out: Uint8Array,
  layout: Uint32Array,
  backend: AesGcmBackend = aesGcmBackend().backend,
): void {
  const native = backend === 'native' ? loadAddon().addon : undefined;
  if (native !== undefined) native.sealPieces(key, plaintext, side, out, layout);
  else sealWithNodeCrypto(key, plaintext, side, out, layout);
}

function sealWithNodeCrypto(key: Uint8Array, plaintext: Uint8Array, side: Uint8Array, out: Uint8Array, layout: Uint32Array): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw badInput('the key must be 16, 24 or 32 bytes');
  if (layout.length % PIECE_FIELDS !== 0) throw badInput('the layout holds six numbers a piece');
  for (let p = 0; p < layout.length; p += PIECE_FIELDS) {
    const [ivAt, aadAt, aadLength, plainAt, plainLength, outAt] = pieceAt(layout, p);
    if (ivAt + IV_BYTES > side.length || aadAt + aadLength > side.length || plainAt + plainLength > plaintext.length || outAt + plainLength + TAG_BYTES > out.length) {
      throw badInput('a piece of the layout lies outside its buffer');
    }
  }
  const cipherName = `aes-${key.length * 8}-gcm` as CipherGCMTypes;
  for (let p = 0; p < layout.length; p += PIECE_FIELDS) {
    const [ivAt, aadAt, aadLength, plainAt, plainLength, outAt] = pieceAt(layout, p);
    const cipher = createCipheriv(cipherName, key, side.subarray(ivAt, ivAt + IV_BYTES));
    cipher.setAAD(side.subarray(aadAt, aadAt + aadLength));
    const first = cipher.update(plaintext.subarray(plainAt, plainAt + plainLength));
    const last = cipher.final();
    out.set(first, outAt);
    out.set(last, outAt + first.length);
    out.set(cipher.getAuthTag(), outAt + plainLength);
  }
}

/** The six numbers of the piece at `p` in a layout. */
function pieceAt(layout: Uint32Array, p: number): [number, number, number, number, number, number] {
  return [layout[p] ?? 0, layout[p + 1] ?? 0, layout[p + 2] ?? 0, layout[p + 3] ?? 0, layout[p + 4] ?? 0, layout[p + 5] ?? 0];
}

function badInput(message: string): Error {
  return Object.assign(new Error(message), { code: 'AES_GCM_BAD_INPUT' });
}
