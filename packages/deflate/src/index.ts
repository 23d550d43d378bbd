// gzip for the records' payloads: ISA-L's igzip through the addon (native/gzip.c) where it was
// built (it needs ISA-L's headers: Debian libisal-dev), node:zlib otherwise. Either output is
// plain gzip that any reader inflates.
import { gzipSync } from 'node:zlib';
import { addonLoader } from '@das/native';

/** Which code compresses. */
export type GzipBackend = 'isa-l' | 'zlib';

interface DeflateAddon {
  gzip(data: Uint8Array, level: number): Buffer;
}

const loadAddon = addonLoader<DeflateAddon>(import.meta.url, 'deflate');

/** What {@link gzipFastest} uses here, and why not ISA-L when it does not (`DAS_GZIP=zlib` rules it out). */
export function gzipBackend(): { backend: GzipBackend; reason?: string } {
  if (process.env.DAS_GZIP === 'zlib') return { backend: 'zlib', reason: 'DAS_GZIP=zlib' };
  const { addon, failure } = loadAddon();
  return addon !== undefined ? { backend: 'isa-l' } : { backend: 'zlib', reason: failure };
}

/**
 * `data` gzipped fast (igzip level 1, else zlib level 1), synchronously: a record's payload (under
 * 1 MiB) takes a fraction of a millisecond, and inline its CPU is the caller's to see.
 */
export function gzipFastest(data: Uint8Array, backend: GzipBackend = gzipBackend().backend): Buffer {
  const native = backend === 'isa-l' ? loadAddon().addon : undefined;
  return native !== undefined ? native.gzip(data, 1) : gzipSync(data, { level: 1 });
}
