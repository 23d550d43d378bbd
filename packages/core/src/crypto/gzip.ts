import { constants, gunzip, gunzipSync, gzip, type ZlibOptions } from 'node:zlib';
import { promisify } from 'node:util';
import { gzipFastest } from '@das/deflate';

const gunzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(gunzip);
const gzipAsync = promisify<Uint8Array, ZlibOptions, Buffer>(gzip);
/**
 * Records are event JSON, which compresses ~47× at level 1 and ~52× at level 6 for a third of the
 * CPU (0.65 vs 1.85 µs per event); any gzip reader inflates either.
 */
const GZIP_OPTIONS: ZlibOptions = { level: constants.Z_BEST_SPEED };

/** Below this compressed size inflating inline is cheaper than a trip to the thread pool. */
const INLINE_BYTES = 64 * 1024;

/** Outcome of {@link boundedGunzip}. */
export type GunzipResult = { ok: true; data: Buffer } | { ok: false; reason: 'not-gzip' | 'too-large'; message: string };

/** True when the bytes start with the gzip magic number. */
export function looksGzipped(data: Uint8Array): boolean {
  return data.length >= 18 && data[0] === 0x1f && data[1] === 0x8b;
}

/**
 * Gunzips at most `maxOutputBytes`; more (a gzip bomb) is reported as too large rather than
 * allocated. Corrupt or truncated streams are reported as not gzip.
 */
export async function boundedGunzip(data: Uint8Array, maxOutputBytes: number): Promise<GunzipResult> {
  if (!looksGzipped(data)) return { ok: false, reason: 'not-gzip', message: 'no gzip header' };
  const options: ZlibOptions = { maxOutputLength: maxOutputBytes };
  try {
    const out = data.length <= INLINE_BYTES ? gunzipSync(data, options) : await gunzipAsync(data, options);
    return { ok: true, data: out };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return { ok: false, reason: 'too-large', message: `gunzipped payload exceeds ${maxOutputBytes} bytes` };
    }
    return { ok: false, reason: 'not-gzip', message: `corrupt gzip stream (${String(code ?? 'error')})` };
  }
}

/**
 * Records stay under 1 MiB, which a fast level gzips inline in well under a millisecond (ISA-L's
 * igzip where @das/deflate's addon is built, ~3.5× zlib's fastest level on TPC-C's records, about
 * as small); inline, the capture's CPU meter sees it (work on the thread pool would escape it).
 */
const GZIP_INLINE_BYTES = 4 * 1024 * 1024;

/**
 * Gzips a payload for {@link encryptRecord}. `data` is read before this returns its promise (a
 * large payload is copied for the thread pool), so the caller may reuse it right away.
 */
export async function gzipBytes(data: Uint8Array): Promise<Buffer> {
  return data.length <= GZIP_INLINE_BYTES ? gzipFastest(data) : gzipAsync(Buffer.from(data), GZIP_OPTIONS);
}
