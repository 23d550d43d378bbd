// gzip for the records' payloads: ISA-L's igzip through the addon (native/gzip.c) where it was
// built (it needs ISA-L's headers: Debian libisal-dev), node:zlib otherwise. Either output is
// plain gzip that any reader inflates.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Which code compresses. */
export type GzipBackend = 'isa-l' | 'zlib';

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

/** What {@link gzipFastest} uses here, and why not ISA-L when it does not (`DAS_GZIP=zlib` rules it out). */
export function gzipBackend(): { backend: GzipBackend; reason?: string } {
  if (process.env.DAS_GZIP === 'zlib') return { backend: 'zlib', reason: 'DAS_GZIP=zlib' };
  return loadAddon() !== undefined ? { backend: 'isa-l' } : { backend: 'zlib', reason: failure ?? 'not loaded' };
}

/**
 * `data` gzipped fast (igzip level 1, else zlib level 1), synchronously: a record's payload (under
 * 1 MiB) takes a fraction of a millisecond, and inline its CPU is the caller's to see.
 */
export function gzipFastest(data: Uint8Array, backend: GzipBackend = gzipBackend().backend): Buffer {
  const native = backend === 'isa-l' ? loadAddon() : undefined;
  return native !== undefined ? native.gzip(data, 1) : gzipSync(data, { level: 1 });
}
