import type { Fleet } from '@das/contracts';
import { poll, Resource } from './resource.svelte.js';

/** Where the fleet view comes from: the worker's `GET /fleet`. */
export interface FleetSource {
  fleet(): Promise<Fleet>;
}

/** The Fleet page: the workers sharing the stream and their shard leases, refreshed every 2 s while shown. */
export class FleetState {
  readonly view: Resource<Fleet>;

  constructor(source: FleetSource) {
    this.view = new Resource(() => source.fleet());
  }

  /** Starts refreshing; returns the stop function (for `onMount`). */
  watch(intervalMs = 2000): () => void {
    return poll(() => this.view.refresh(), intervalMs);
  }
}

/** How long ago a time was, for "seen 1.2 s ago". */
export function ageOf(iso: string | null, nowMs: number): string {
  if (iso === null) return '–';
  const seconds = (nowMs - Date.parse(iso)) / 1000;
  if (seconds < 0) return `in ${Math.abs(seconds).toFixed(1)} s`;
  return seconds < 60 ? `${seconds.toFixed(1)} s ago` : `${Math.round(seconds / 60)} min ago`;
}
