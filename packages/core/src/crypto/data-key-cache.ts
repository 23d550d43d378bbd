/**
 * Plaintext DAS data keys by their encrypted form, so records that share a key (RDS reuses one
 * for a while) cost one KMS call. Lookups of a key being loaded share the in-flight call;
 * failures are not cached; entries are bounded by count (least recently used goes first) and
 * by age; evicted keys are zeroed.
 */
export interface DataKeyCache {
  /**
   * Returns a fresh copy of the plaintext key for `cacheKey`, calling `load` only when no live
   * entry or in-flight load exists. The caller owns the copy (the ESDK zeroes it).
   */
  getOrLoad(cacheKey: string, load: () => Promise<Uint8Array>): Promise<Uint8Array>;
  /** Number of keys held. */
  readonly size: number;
  /** hits: served from memory; misses: not in memory (loaded or joined a load); kmsCalls: loads started. */
  readonly stats: { hits: number; misses: number; kmsCalls: number };
  /** Zeroes and drops every key. */
  clear(): void;
}

/** Options for {@link createDataKeyCache}. */
export interface DataKeyCacheOptions {
  /** Most keys held (default 1000). */
  maxEntries?: number;
  /** Age after which a key is loaded again (default 5 minutes). */
  maxAgeMs?: number;
  /** Clock, for tests (default `Date.now`). */
  now?: () => number;
}

interface Entry {
  key: Uint8Array;
  loadedAt: number;
}

/** Creates an in-memory {@link DataKeyCache}. */
export function createDataKeyCache(options: DataKeyCacheOptions = {}): DataKeyCache {
  const maxEntries = Math.max(1, options.maxEntries ?? 1000);
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Uint8Array>>();
  const stats = { hits: 0, misses: 0, kmsCalls: 0 };

  function evict(cacheKey: string, entry: Entry): void {
    entry.key.fill(0);
    entries.delete(cacheKey);
  }

  function store(cacheKey: string, key: Uint8Array): void {
    const old = entries.get(cacheKey);
    if (old !== undefined) evict(cacheKey, old);
    const at = now();
    for (const [k, e] of entries) if (at - e.loadedAt > maxAgeMs) evict(k, e);
    entries.set(cacheKey, { key: key.slice(), loadedAt: at });
    // Map iteration order is least recently used first (hits re-insert).
    for (const [k, e] of entries) {
      if (entries.size <= maxEntries) break;
      evict(k, e);
    }
  }

  async function load(cacheKey: string, loader: () => Promise<Uint8Array>): Promise<Uint8Array> {
    stats.kmsCalls += 1;
    try {
      const key = await loader();
      store(cacheKey, key);
      return key;
    } finally {
      inFlight.delete(cacheKey);
    }
  }

  return {
    getOrLoad(cacheKey, loader) {
      const entry = entries.get(cacheKey);
      if (entry !== undefined) {
        if (now() - entry.loadedAt <= maxAgeMs) {
          stats.hits += 1;
          entries.delete(cacheKey);
          entries.set(cacheKey, entry);
          return Promise.resolve(entry.key.slice());
        }
        evict(cacheKey, entry);
      }
      stats.misses += 1;
      let pending = inFlight.get(cacheKey);
      if (pending === undefined) {
        pending = load(cacheKey, loader);
        inFlight.set(cacheKey, pending);
        // The loaded buffer is shared by every waiter: zero it once they all copied it.
        pending.then(
          (key) => setTimeout(() => key.fill(0), 0).unref?.(),
          () => undefined,
        );
      }
      return pending.then((key) => key.slice());
    },
    get size() {
      return entries.size;
    },
    get stats() {
      return { ...stats };
    },
    clear() {
      for (const [k, e] of entries) evict(k, e);
    },
  };
}
