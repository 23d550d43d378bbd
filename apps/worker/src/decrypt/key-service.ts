// The main thread's side of data keys: the process's one KMS client and data-key cache. Every
// thread asks here, so KMS Decrypt calls = distinct data keys however many threads there are;
// a key being fetched is waited for, not fetched again; failures are not cached.
import { createDataKeyCache, createDataKeyResolver, toDecryptFailure, type DataKeyCache, type KmsPort } from '@das/core';
import type { KeyAnswer } from './thread-protocol.js';

export interface KeyService {
  /** Answers for the given envelope `key`s, in order; never rejects. */
  answer(keys: readonly string[]): Promise<KeyAnswer[]>;
  readonly cache: DataKeyCache;
}

export function createKeyService(options: { kms: KmsPort; resourceId: string; cache?: DataKeyCache }): KeyService {
  const cache = options.cache ?? createDataKeyCache();
  const resolve = createDataKeyResolver({ kms: options.kms, resourceId: options.resourceId, cache });
  return {
    cache,
    answer(keys) {
      return Promise.all(
        keys.map(async (keyBase64): Promise<KeyAnswer> => {
          try {
            // A copy with its own ArrayBuffer (never a pooled Buffer's), to be transferred to the thread.
            const copy = await resolve(keyBase64);
            const key = new Uint8Array(copy);
            copy.fill(0);
            return { ok: true, key };
          } catch (error) {
            return { ok: false, failure: toDecryptFailure(error) };
          }
        }),
      );
    },
  };
}
