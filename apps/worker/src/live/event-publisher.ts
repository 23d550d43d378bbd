import type { StoredEvent } from '@das/contracts';
import { createRateMeter, type WorkerMetrics } from '../metrics.js';
import type { EventStore } from '../store/event-store.js';
import type { LiveHub } from './live-hub.js';

/**
 * Between the store and the live hub: what is stored is counted, measured, then fanned out. With
 * a shared store the live feed follows the store (every worker's events), and what this worker's
 * consumer stored only counts toward its own rate.
 */
export interface EventPublisher {
  /** A batch the consumer stored and checkpointed. */
  stored(events: StoredEvent[], deadLetters: number): void;
  /** Follows the shared store (a fleet): from now on, the hub gets every worker's events from it. */
  followStore(onError: (error: unknown) => void): void;
  /** Stops following the shared store. */
  close(): Promise<void>;
  /** Events of dead letters that decrypted on a replay, once stored. */
  recovered(events: StoredEvent[]): void;
  /** Reads the counts from the store again (after a replay or retention changed them). */
  recount(): Promise<void>;
  counts(): { events: number; deadLetters: number };
  eventsPerSecond(): number;
}

export interface EventPublisherOptions {
  store: EventStore;
  hub: LiveHub;
  metrics: WorkerMetrics;
  /** After the live hub: the alert rules see what is published, in the same order (every worker's events in a fleet). */
  onPublished?: (events: StoredEvent[]) => void;
}

export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const { store, hub, metrics } = options;
  const publish = (events: StoredEvent[]) => {
    hub.publish(events);
    options.onPublished?.(events);
  };
  const eventsRate = createRateMeter();
  let counts = { events: 0, deadLetters: 0 };
  let following: { close(): Promise<void> } | undefined;

  function fanOut(events: StoredEvent[], deadLetters: number) {
    counts.events += events.length;
    // Counted once stored, so that /status never runs ahead of /dead-letters.
    counts.deadLetters += deadLetters;
    if (events.length > 0) publish(events);
  }

  return {
    stored(events, deadLetters) {
      metrics.events.inc(events.length);
      eventsRate.add(events.length);
      if (following === undefined) fanOut(events, deadLetters);
    },
    followStore(onError) {
      following ??= store.follow?.(fanOut, onError);
    },
    async close() {
      await following?.close();
      following = undefined;
    },
    recovered(events) {
      metrics.events.inc(events.length);
      if (following === undefined && events.length > 0) publish(events);
    },
    async recount() {
      counts = await store.counts();
    },
    counts: () => counts,
    eventsPerSecond: () => eventsRate.perSecond(),
  };
}
