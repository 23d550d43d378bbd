import type { Backend } from '../api/backend.js';
import type { LoadRun } from '../api/types.js';
import { describeError } from './errors.js';
import { poll, Resource } from './resource.svelte.js';
import type { UrlView, ViewParams } from './view-params.js';

/** SSM Run Command statuses after which a run changes no more. */
const FINISHED = new Set(['Success', 'Cancelled', 'Failed', 'TimedOut']);

/** True when a load run will not change any more. */
export function isFinished(run: Pick<LoadRun, 'status'>): boolean {
  return FINISHED.has(run.status);
}

/** The run's progress, zero until its output reports any. */
export function progressOf(run: LoadRun): { phase: string; tpmC: number | null; elapsedSeconds: number; percentage: number } {
  const p = run.progress;
  if (p === undefined) return { phase: 'pending', tpmC: null, elapsedSeconds: 0, percentage: isFinished(run) && run.status === 'Success' ? 100 : 0 };
  return { phase: p.phase, tpmC: p.phase === 'run' ? p.tpmC : null, elapsedSeconds: p.elapsedSeconds, percentage: run.status === 'Success' ? 100 : p.percentage };
}

/** The Load runs screen: runs with live progress while any is in flight; cancel. */
export class LoadRunsState implements UrlView {
  readonly list: Resource<LoadRun[]>;
  busyId = $state<string | null>(null);
  /** The run whose details are open. */
  open = $state<string | null>(null);
  actionError = $state<string | null>(null);
  #backend: Backend;
  #stopPolling: (() => void) | null = null;

  constructor(backend: Backend) {
    this.#backend = backend;
    this.list = new Resource(() => backend.api.listLoadRuns());
  }

  /** Refreshes every `intervalMs` while a run is in progress. */
  watch(intervalMs = 1000): () => void {
    this.#stopPolling?.();
    this.#stopPolling = poll(async () => {
      await this.list.refresh();
      return true;
    }, intervalMs);
    return () => {
      this.#stopPolling?.();
      this.#stopPolling = null;
    };
  }

  viewParams(): ViewParams {
    return { run: this.open ?? undefined };
  }

  applyParams(params: URLSearchParams): void {
    this.open = params.get('run');
  }

  titleDetail(): string | undefined {
    return this.open === null ? undefined : `Run ${this.open.slice(0, 8)}`;
  }

  toggle(id: string): void {
    this.open = this.open === id ? null : id;
  }

  async cancel(id: string): Promise<void> {
    this.busyId = id;
    this.actionError = null;
    try {
      await this.#backend.api.cancelLoadRun(id);
      await this.list.refresh();
    } catch (error) {
      this.actionError = describeError(error);
    } finally {
      this.busyId = null;
    }
  }
}
