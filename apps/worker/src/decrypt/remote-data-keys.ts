// A decrypt thread's data keys: asked of the main thread, which holds the process's one cache.
// Requests made in the same turn (a batch's records start together) go out as one message; a
// key already asked for is not asked again while its answer is on the way. Nothing is kept after.
import { fromDecryptFailure } from '@das/core';
import type { KeyAnswer } from './thread-protocol.js';

interface Waiter {
  resolve: (key: Uint8Array) => void;
  reject: (error: Error) => void;
}

export interface RemoteDataKeys {
  /** For decryptRecord's `resolveDataKey`: a private copy of the key, or the error KMS gave. */
  resolveDataKey(keyBase64: string): Promise<Uint8Array>;
  /** Feeds the main thread's answer to request `id`. */
  answer(id: number, answers: readonly KeyAnswer[]): void;
}

/** `send(id, keys)` posts a request to the main thread. */
export function createRemoteDataKeys(send: (id: number, keys: string[]) => void): RemoteDataKeys {
  const waiting = new Map<string, Waiter[]>();
  const requests = new Map<number, string[]>();
  let queued: string[] = [];
  let nextId = 1;

  function flush(): void {
    const keys = queued;
    queued = [];
    const id = nextId++;
    requests.set(id, keys);
    send(id, keys);
  }

  return {
    resolveDataKey(keyBase64) {
      return new Promise((resolve, reject) => {
        const waiters = waiting.get(keyBase64);
        if (waiters !== undefined) {
          waiters.push({ resolve, reject });
          return;
        }
        waiting.set(keyBase64, [{ resolve, reject }]);
        if (queued.length === 0) queueMicrotask(flush);
        queued.push(keyBase64);
      });
    },
    answer(id, answers) {
      const keys = requests.get(id);
      requests.delete(id);
      if (keys === undefined) return;
      keys.forEach((keyBase64, i) => {
        const waiters = waiting.get(keyBase64) ?? [];
        waiting.delete(keyBase64);
        const answer = answers[i];
        if (answer === undefined) {
          for (const w of waiters) w.reject(new Error('the main thread sent no answer for a data key'));
          return;
        }
        if (!answer.ok) {
          for (const w of waiters) w.reject(fromDecryptFailure(answer.failure));
          return;
        }
        for (const w of waiters) w.resolve(answer.key.slice());
        answer.key.fill(0);
      });
    },
  };
}
