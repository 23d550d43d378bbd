// gzip for the records' payloads: libdeflate through the addon (native/gzip.c) where it was built
// (it needs libdeflate's headers: Debian libdeflate-dev), node:zlib otherwise. Either output is
// plain gzip that any reader inflates.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Which code compresses. */
export type GzipBackend = 'libdeflate' | 'zlib';

interface DeflateAddon {
  gzip(data: Uint8Array, level: number): Buffer;
}

let addon: DeflateAddon | undefined;
let failure: string | undefined;

function loadAddon(): DeflateAddon | undefined {
  if (addon !== undefined || failure !== undefined) return addon;
  try {
    // From src/ (tests) and dist/ alike: ../dist/native is the built addon.
    addon = createRequire(import.meta.url)(fileURLToPath(new URL('../dist/native/deflate.node', import.meta.url))) as DeflateAddon;
  } catch (error) {
    failure = (error as Error).message;
  }
  return addon;
}

/** What {@link gzipFastest} uses here, and why not libdeflate when it does not (`DAS_GZIP=zlib` rules it out). */
export function gzipBackend(): { backend: GzipBackend; reason?: string } {
  if (process.env.DAS_GZIP === 'zlib') return { backend: 'zlib', reason: 'DAS_GZIP=zlib' };
  return loadAddon() !== undefined ? { backend: 'libdeflate' } : { backend: 'zlib', reason: failure ?? 'not loaded' };
}

/**
 * `data` gzipped at the fastest level (libdeflate 1 or zlib 1), synchronously: a record's payload
 * (under 1 MiB) takes about a millisecond, and inline its CPU is the caller's to see.
 */
export function gzipFastest(data: Uint8Array, backend: GzipBackend = gzipBackend().backend): Buffer {
  const native = backend === 'libdeflate' ? loadAddon() : undefined;
  return native !== undefined ? native.gzip(data, 1) : gzipSync(data, { level: 1 });
}
