import type { ActivityEvent } from '@das/core';
import type { DeadLetterReplayResult, StoredEvent } from '@das/contracts';
import type { DecodeOutcome } from '../decrypt/decrypt-pool.js';
import type { EventStore } from '../store/event-store.js';

/** Records decoded per call: the pool spreads one chunk over its threads. */
const CHUNK = 100;

export interface ReplayOptions {
  store: EventStore;
  /** The running stream's decoder (the same pool, keyring and resource id as live records). */
  decode: (records: readonly Uint8Array[]) => Promise<DecodeOutcome[]>;
  reason?: string | undefined;
  /** Only these letters (a selection). */
  ids?: readonly number[] | undefined;
  limit: number;
  /** Called with the events of each recovered letter, once they are stored. */
  onRecovered?: (events: StoredEvent[]) => void;
  /** Stops the replay between pages (the stream ended): letters not examined yet stay as they are. */
  signal?: AbortSignal;
}

/**
 * Decrypts dead letters again, newest first. A letter that decodes now becomes events and leaves
 * the list; one still bad keeps its place with its current reason; one KMS could not answer stays
 * untouched. Pages follow the letter id, so removing and updating letters while paging is safe.
 * The next page is decrypted while the current one is stored, as the live path does.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<DeadLetterReplayResult> {
  const result: DeadLetterReplayResult = { examined: 0, recovered: 0, events: 0, stillFailing: 0, retryLater: 0, interrupted: false };
  const aborted = () => options.signal?.aborted === true;

  /** Lists the page after `cursor` and starts decrypting it; undefined when nothing is left to examine. */
  async function begin(cursor: string | undefined, examined: number) {
    const page = await options.store.deadLetters({ reason: options.reason, ids: options.ids, cursor, limit: Math.min(CHUNK, options.limit - examined), withData: true });
    if (page.deadLetters.length === 0) return undefined;
    const outcomes = options.decode(page.deadLetters.map((letter) => Buffer.from(letter.data ?? '', 'base64')));
    outcomes.catch(() => undefined); // awaited below; a page begun but not reached must not go unhandled
    return { page, outcomes };
  }

  if (aborted()) return { ...result, interrupted: true };
  let current = await begin(undefined, 0);
  while (current !== undefined) {
    const { page } = current;
    const outcomes = await current.outcomes;
    if (outcomes.length !== page.deadLetters.length) throw new Error(`decoder returned ${outcomes.length} outcomes for ${page.deadLetters.length} records`);
    let next: Awaited<ReturnType<typeof begin>>;
    const examinedAfter = result.examined + page.deadLetters.length;
    if (page.next !== null && examinedAfter < options.limit) {
      // Once the stream has ended no new page is begun: the pool closes after this one is stored.
      if (aborted()) result.interrupted = true;
      else next = await begin(page.next, examinedAfter);
    }

    const decoded: { id: number; events: ActivityEvent[] }[] = [];
    for (const [index, letter] of page.deadLetters.entries()) {
      const outcome = outcomes[index] as DecodeOutcome;
      result.examined += 1;
      if (outcome.kind === 'events') decoded.push({ id: letter.id, events: outcome.events });
      else if (outcome.kind === 'retry') result.retryLater += 1;
      else {
        result.stillFailing += 1;
        if (outcome.reason !== letter.reason || outcome.message !== letter.message) await options.store.updateDeadLetter(letter.id, outcome.reason, outcome.message);
      }
    }
    // One transaction for the page's recovered letters: a commit per letter would bound replay at ~80 letters/s.
    const stored = await options.store.resolveDeadLetters(decoded);
    for (const events of stored.values()) {
      result.recovered += 1;
      result.events += events.length;
      options.onRecovered?.(events);
    }
    current = next;
  }
  return result;
}

/** Reads a letter's envelope for its encrypted data key; null when it has none (not JSON, no `key`). */
function dataKeyOf(data: string): string | null {
  try {
    const envelope = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown;
    const key = typeof envelope === 'object' && envelope !== null ? (envelope as { key?: unknown }).key : undefined;
    return typeof key === 'string' && key !== '' ? key : null;
  } catch {
    return null;
  }
}

/**
 * What a replay of the same selection would take: the letters it examines and the KMS Decrypt
 * calls at most (one per distinct data key; the worker's data-key cache may answer some).
 */
export async function planReplay(options: Pick<ReplayOptions, 'store' | 'reason' | 'ids' | 'limit'>): Promise<{ letters: number; kmsCalls: number }> {
  const keys = new Set<string>();
  let letters = 0;
  let cursor: string | undefined;
  while (letters < options.limit) {
    const page = await options.store.deadLetters({ reason: options.reason, ids: options.ids, cursor, limit: Math.min(CHUNK, options.limit - letters), withData: true });
    for (const letter of page.deadLetters) {
      const key = dataKeyOf(letter.data ?? '');
      if (key !== null) keys.add(key);
    }
    letters += page.deadLetters.length;
    if (page.next === null) break;
    cursor = page.next;
  }
  return { letters, kmsCalls: keys.size };
}
