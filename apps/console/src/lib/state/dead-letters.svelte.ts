import type { Backend } from '../api/backend.js';
import type { DeadLetter, DeadLetterReplayResult } from '../api/types.js';
import type { DeadLetterSelection } from '../api/worker-client.js';
import { describeError } from './errors.js';
import type { UrlView, ViewParams } from './view-params.js';

export const DEAD_LETTER_PAGE_SIZE = 100;

/** A retry waiting for the user's yes: which letters, how many, and how many KMS calls (the worker's count). */
export interface ReplayPlan {
  selection: DeadLetterSelection;
  letters: number;
  kmsCalls: number;
}

/** A letter's data, loaded when the letter is opened (it may be hundreds of KB). */
export type LetterData = { state: 'loading' } | { state: 'loaded'; data: string } | { state: 'failed'; error: string };

/** The Dead letters screen: records the worker could not decrypt or parse, page by page. */
export class DeadLettersState implements UrlView {
  letters = $state.raw<DeadLetter[] | null>(null);
  next = $state<string | null>(null);
  /** Cursors of the pages up to the current one (the last is the current page's). */
  cursors = $state.raw<string[]>([]);
  reason = $state<string | null>(null);
  expanded = $state<number | null>(null);
  /** The data of letters opened, by id. */
  data = $state.raw<Record<number, LetterData>>({});
  /** Letters ticked for a retry of the selection. */
  selected = $state.raw<number[]>([]);
  /** The worker's count of all letters per reason (most first) and in all. */
  reasonCounts = $state.raw<{ reason: string; count: number }[]>([]);
  total = $state<number | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  replaying = $state(false);
  planning = $state(false);
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

  /** Reason codes with the worker's counts (a reason given in the URL stays listed). */
  get reasons(): { reason: string; count: number }[] {
    return this.reasonCounts;
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
    if (this.expanded !== null) void this.#loadData(this.expanded);
  }

  async ensureLoaded(force = false): Promise<void> {
    const key = JSON.stringify([this.reason, this.cursors]);
    if (!force && key === this.#loadedKey) return;
    this.#loadedKey = key;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const worker = this.#backend.worker();
      const [page, reasons] = await Promise.all([
        worker.listDeadLetters({ cursor: this.cursors.at(-1), reason: this.reason ?? undefined, limit: DEAD_LETTER_PAGE_SIZE }),
        worker.deadLetterReasons().catch(() => null),
      ]);
      if (generation !== this.#generation) return;
      this.letters = page.deadLetters;
      this.next = page.next;
      if (reasons !== null) {
        this.reasonCounts = reasons.reasons;
        this.total = reasons.total;
      }
      // A selection only holds letters still listed.
      const listed = page.deadLetters.map((l) => l.id);
      if (this.selected.some((id) => !listed.includes(id))) this.selected = this.selected.filter((id) => listed.includes(id));
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

  /** Opens or closes a letter; its data is fetched when it opens. */
  toggle(id: number): void {
    this.expanded = this.expanded === id ? null : id;
    if (this.expanded !== null) void this.#loadData(this.expanded);
  }

  async #loadData(id: number): Promise<void> {
    const known = this.data[id];
    if (known !== undefined && known.state !== 'failed') return;
    this.data = { ...this.data, [id]: { state: 'loading' } };
    let next: LetterData;
    try {
      next = { state: 'loaded', data: (await this.#backend.worker().getDeadLetter(id)).data ?? '' };
    } catch (error) {
      next = { state: 'failed', error: describeError(error) };
    }
    this.data = { ...this.data, [id]: next };
  }

  /** Ticks or unticks a letter for a retry of the selection. */
  select(id: number, on: boolean): void {
    const others = this.selected.filter((s) => s !== id);
    this.selected = on ? [...others, id] : others;
  }

  /** Ticks every letter of the page, or none. */
  selectPage(on: boolean): void {
    this.selected = on ? (this.letters ?? []).map((l) => l.id) : [];
  }

  /** Asks the worker what a retry would take (letters, KMS calls) and waits for a yes. */
  async planReplay(selection: DeadLetterSelection): Promise<void> {
    this.actionError = null;
    this.planning = true;
    try {
      const plan = await this.#backend.worker().deadLetterReplayPlan(selection);
      this.plan = { selection, ...plan };
    } catch (error) {
      this.actionError = describeError(error);
    } finally {
      this.planning = false;
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
      this.lastReplay = await this.#backend.worker().replayDeadLetters(plan.selection);
      this.selected = [];
      this.cursors = [];
      await this.ensureLoaded(true);
    } catch (error) {
      this.actionError = describeError(error);
    } finally {
      this.replaying = false;
    }
  }
}
