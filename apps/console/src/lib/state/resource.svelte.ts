import { describeError } from './errors.js';

/** One piece of remote data with its loading and error state. */
export class Resource<T> {
  data = $state.raw<T | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  #load: () => Promise<T>;
  #generation = 0;

  constructor(load: () => Promise<T>) {
    this.#load = load;
  }

  /** (Re)loads; a slower earlier load never overwrites a newer one. */
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const data = await this.#load();
      if (generation === this.#generation) this.data = data;
    } catch (error) {
      if (generation === this.#generation) this.error = describeError(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}

/** Runs `task` every `intervalMs` until stopped; one run at a time. */
export function poll(task: () => Promise<boolean | void>, intervalMs: number): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    let again = true;
    try {
      again = (await task()) !== false;
    } catch {
      again = true;
    }
    if (!stopped && again) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
