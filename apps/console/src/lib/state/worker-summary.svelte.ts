import type { Backend } from '../api/backend.js';
import type { WorkerStatus } from '../api/types.js';
import { poll } from './resource.svelte.js';

/** The worker's counts the navigation shows (dead letters), read from `GET /status` now and then. */
export class WorkerSummary {
  status = $state.raw<WorkerStatus | null>(null);
  #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  get deadLetters(): number | null {
    return this.status?.deadLetters ?? null;
  }

  async refresh(): Promise<void> {
    try {
      this.status = await this.#backend.worker().status();
    } catch {
      // The pages say when the worker is down; the navigation only loses its count.
      this.status = null;
    }
  }

  /** Refreshes every `intervalMs` until the returned function is called. */
  watch(intervalMs = 15_000): () => void {
    return poll(async () => {
      await this.refresh();
      return true;
    }, intervalMs);
  }
}
