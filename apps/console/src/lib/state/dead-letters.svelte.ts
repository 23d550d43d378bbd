import type { Backend } from '../api/backend.js';
import type { DeadLetter, DeadLetterReplayResult } from '../api/types.js';
import { describeError } from './errors.js';
import type { UrlView, ViewParams } from './view-params.js';

export const DEAD_LETTER_PAGE_SIZE = 100;

/** A retry waiting for the user's yes: which letters, how many, and so how many KMS calls. */
export interface ReplayPlan {
  reason: string | null;
  letters: number;
  /** True when `letters` is a lower bound (more than could be counted). */
  atLeast: boolean;
}

/** The Dead letters screen: records the worker could not decrypt or parse, page by page. */
export class DeadLettersState implements UrlView {
  letters = $state.raw<DeadLetter[] | null>(null);
  next = $state<string | null>(null);
  /** Cursors of the pages up to the current one (the last is the current page's). */
  cursors = $state.raw<string[]>([]);
  reason = $state<string | null>(null);
  expanded = $state<number | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  replaying = $state(false);
  plan = $state.raw<ReplayPlan | null>(null);
  lastReplay = $state.raw<DeadLetterReplayResult | null>(null);
  actionError = $state<string | null>(null);
  #backend: Backend;
  #loadedKey: string | null = null;
  #generation = 0;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  get pageNumber(): number {
    return this.cursors.length + 1;
  }

  /** Reason codes seen on this page, for the per-reason retry. */
  get reasons(): { reason: string; count: number }[] {
    const counts: Record<string, number> = {};
    for (const letter of this.letters ?? []) counts[letter.reason] = (counts[letter.reason] ?? 0) + 1;
    return Object.entries(counts)
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count);
  }

  viewParams(): ViewParams {
    return { reason: this.reason ?? undefined, cursor: this.cursors, letter: this.expanded === null ? undefined : String(this.expanded) };
  }

  applyParams(params: URLSearchParams): void {
    this.reason = params.get('reason');
    const cursors = params.getAll('cursor');
    if (cursors.join('\n') !== this.cursors.join('\n')) this.cursors = cursors;
    const letter = Number(params.get('letter'));
    this.expanded = Number.isSafeInteger(letter) && letter > 0 ? letter : null;
    void this.ensureLoaded();
  }

  async ensureLoaded(force = false): Promise<void> {
    const key = JSON.stringify([this.reason, this.cursors]);
    if (!force && key === this.#loadedKey) return;
    this.#loadedKey = key;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await this.#backend.worker().listDeadLetters({ cursor: this.cursors.at(-1), reason: this.reason ?? undefined, limit: DEAD_LETTER_PAGE_SIZE });
      if (generation !== this.#generation) return;
      this.letters = page.deadLetters;
      this.next = page.next;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.letters = null;
      this.next = null;
      this.#loadedKey = null;
      this.error = describeError(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  refresh(): Promise<void> {
    return this.ensureLoaded(true);
  }

  nextPage(): Promise<void> {
    if (this.next === null) return Promise.resolve();
    this.cursors = [...this.cursors, this.next];
    return this.ensureLoaded();
  }

  previousPage(): Promise<void> {
    this.cursors = this.cursors.slice(0, -1);
    return this.ensureLoaded();
  }

  setReason(reason: string | null): Promise<void> {
    this.reason = reason;
    this.cursors = [];
    return this.ensureLoaded();
  }

  toggle(id: number): void {
    this.expanded = this.expanded === id ? null : id;
  }

  /**
   * Counts the letters a retry would touch (all of them, or one reason's) and asks for a yes.
   * `total` is the worker's own count of all letters, when known.
   */
  async planReplay(reason: string | null, total: number | null): Promise<void> {
    this.actionError = null;
    if (reason === null && total !== null) {
      this.plan = { reason, letters: total, atLeast: false };
      return;
    }
    try {
      let letters = 0;
      let cursor: string | undefined;
      // Pages of 1,000 up to 10: beyond that the count is a lower bound.
      for (let page = 0; page < 10; page++) {
        const found = await this.#backend.worker().listDeadLetters({ reason: reason ?? undefined, cursor, limit: 1000 });
        letters += found.deadLetters.length;
        if (found.next === null) {
          this.plan = { reason, letters, atLeast: false };
          return;
        }
        cursor = found.next;
      }
      this.plan = { reason, letters, atLeast: true };
    } catch (error) {
      this.actionError = describeError(error);
    }
  }

  cancelReplay(): void {
    this.plan = null;
  }

  /** Runs the confirmed retry, then shows what is left. */
  async replay(): Promise<void> {
    const plan = this.plan;
    if (plan === null) return;
    this.plan = null;
    this.replaying = true;
    this.actionError = null;
    try {
      this.lastReplay = await this.#backend.worker().replayDeadLetters(plan.reason ?? undefined);
      this.cursors = [];
      await this.ensureLoaded(true);
    } catch (error) {
      this.actionError = describeError(error);
    } finally {
      this.replaying = false;
    }
  }
}
