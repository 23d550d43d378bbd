import type { Backend } from '../api/backend.js';
import type { DeadLetter } from '../api/types.js';
import { Resource } from './resource.svelte.js';

/** The Dead letters screen: records the worker could not decrypt or parse. */
export class DeadLettersState {
  readonly list: Resource<DeadLetter[]>;
  expanded = $state<string | null>(null);

  constructor(backend: Backend) {
    this.list = new Resource(async () => (await backend.worker().listDeadLetters()).deadLetters);
  }

  toggle(key: string): void {
    this.expanded = this.expanded === key ? null : key;
  }
}
