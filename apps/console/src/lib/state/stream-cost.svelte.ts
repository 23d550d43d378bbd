import type { StreamCost } from '@das/contracts';
import { poll, Resource } from './resource.svelte.js';

/** Where the figures come from: the API's `GET /stream-cost` (das-local's capture, per cluster). */
export interface StreamCostSource {
  streamCost(): Promise<StreamCost>;
}

/** What the emulator's activity-stream capture costs, refreshed every 5 s while shown. */
export class StreamCostState {
  readonly view: Resource<StreamCost>;

  constructor(source: StreamCostSource) {
    this.view = new Resource(() => source.streamCost());
  }

  /** Starts refreshing; returns the stop function (for `onMount`). */
  watch(intervalMs = 5000): () => void {
    return poll(() => this.view.refresh(), intervalMs);
  }
}
