// Messages between the pool (main thread) and its decrypt threads.
import type { DecryptEngine, DecryptFailure } from '@das/core';
import type { PackedRecords } from './record-batch.js';

/** workerData of a decrypt thread. Threads hold no KMS client and no data-key cache. */
export interface ThreadInit {
  resourceId: string;
  decryptEngine: DecryptEngine;
}

/** A data key as the main thread answers it. */
export type KeyAnswer = { ok: true; key: Uint8Array } | { ok: false; failure: DecryptFailure };

export type ToThread =
  /** Decrypt a batch; `records.buffer` is transferred. */
  | { type: 'decode'; id: number; records: PackedRecords }
  /** Answers to a `keys` request, in its order; each key's buffer is transferred. */
  | { type: 'keys'; id: number; answers: KeyAnswer[] };

export type FromThread =
  /** `DecodeOutcome[]` as JSON: half the cost of a structured clone on each side, most of it off the main thread. */
  | { type: 'decoded'; id: number; outcomes: string }
  /** The envelopes' base64 `key`s a thread needs, each once. */
  | { type: 'keys'; id: number; keys: string[] };
