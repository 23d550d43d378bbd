import type { Backend } from '../api/backend.js';
import type { DeadLetter, DeadLetterReplayResult } from '../api/types.js';
import { describeError } from './errors.js';
import { Resource } from './resource.svelte.js';

/** The Dead letters screen: records the worker could not decrypt or parse. */
export class DeadLettersState {
  readonly list: Resource<DeadLetter[]>;
  expanded = $state<string | null>(null);
  replaying = $state(false);
  lastReplay = $state.raw<DeadLetterReplayResult | null>(null);
  actionError = $state<string | null>(null);
  #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
    this.list = new Resource(async () => (await backend.worker().listDeadLetters()).deadLetters);
  }

  toggle(key: string): void {
    this.expanded = this.expanded === key ? null : key;
  }

  /** Asks the worker to decrypt every dead letter again, then shows what is left. */
  async replay(): Promise<void> {
    this.replaying = true;
    this.actionError = null;
    try {
      this.lastReplay = await this.#backend.worker().replayDeadLetters();
      await this.list.refresh();
    } catch (error) {
      this.actionError = describeError(error);
    } finally {
      this.replaying = false;
    }
  }
}
