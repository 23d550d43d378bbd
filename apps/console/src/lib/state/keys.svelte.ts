import type { Backend } from '../api/backend.js';
import type { KeySummary } from '../api/types.js';
import { describeError } from './errors.js';
import { Resource } from './resource.svelte.js';

/** The Keys screen: customer managed keys, scheduling and cancelling deletion. */
export class KeysState {
  readonly list: Resource<KeySummary[]>;
  busyKeyId = $state<string | null>(null);
  actionError = $state<string | null>(null);
  #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
    this.list = new Resource(() => backend.api.listKeys());
  }

  async #act(keyId: string, action: () => Promise<unknown>): Promise<void> {
    this.busyKeyId = keyId;
    this.actionError = null;
    try {
      await action();
      await this.list.refresh();
    } catch (error) {
      this.actionError = describeError(error);
    } finally {
      this.busyKeyId = null;
    }
  }

  scheduleDeletion(keyId: string): Promise<void> {
    return this.#act(keyId, () => this.#backend.api.scheduleKeyDeletion(keyId));
  }

  cancelDeletion(keyId: string): Promise<void> {
    return this.#act(keyId, () => this.#backend.api.cancelKeyDeletion(keyId));
  }
}
