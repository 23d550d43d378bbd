import { createRuleEngine, type AlertCandidate, type AlertRule, type RuleEngine, type RuleEngineState, type RuleEvent, type StreamSignal } from '@das/core';
import type { Alert, StoredEvent } from '@das/contracts';
import type { AlertStore } from '../store/alert-store.js';
import type { EventStore } from '../store/event-store.js';

/** The store key of the engine's state. */
export const RULE_ENGINE_STATE_KEY = 'rule-engine';

/** The engine's state as saved: with the id of the last event it covers, so a restart knows where to go on from. */
interface SavedState {
  engine: RuleEngineState;
  lastEventId: number;
}

export interface AlertEvaluatorOptions {
  store: Pick<EventStore, 'eventsAfter' | 'query'> & { alerts: AlertStore };
  rules: readonly AlertRule[];
  /** New alerts, once stored (pushed live, queued for webhooks). */
  onAlerts(alerts: Alert[]): void;
  /** A failure (evaluating, storing): logged and counted, never thrown into the stream. */
  onError(error: unknown, what: string): void;
  /** How often the state is saved at most (ms, default 1000); also at stop. */
  saveIntervalMs?: number;
  /** Events read per page when catching up after a restart (default 5000). */
  catchUpPage?: number;
  now?: () => number;
}

export interface AlertEvaluator {
  /** Loads the saved state and evaluates the events stored after it (a restart between storing and evaluating loses nothing). */
  start(): Promise<void>;
  /** Evaluates stored events (in store order); storing and publishing what they raise happens behind, in order. */
  evaluate(events: readonly StoredEvent[]): void;
  /** Stream silence (call every few seconds). */
  tick(): void;
  signal(signal: StreamSignal): void;
  /** Runs these rules from now on; rules whose definition is unchanged keep their windows and groups. */
  setRules(rules: readonly AlertRule[]): void;
  /** Waits for what is queued and saves the state. */
  stop(): Promise<void>;
  readonly rules: readonly AlertRule[];
}

function isSavedState(value: unknown): value is SavedState {
  return typeof value === 'object' && value !== null && 'engine' in value && typeof (value as SavedState).lastEventId === 'number';
}

/**
 * Runs the rule engine over what the worker stores. Evaluation is synchronous and in store
 * order; storing alerts and saving state go through one queue behind it, so a slow or failing
 * store never holds the stream up. The state is saved after the alerts it implies, with the last
 * event id it covers; after a restart the events stored since are evaluated again, and alert ids
 * being deterministic, what was stored already is not stored twice.
 */
export function createAlertEvaluator(options: AlertEvaluatorOptions): AlertEvaluator {
  const { store, onAlerts, onError } = options;
  const saveIntervalMs = options.saveIntervalMs ?? 1000;
  const now = options.now ?? Date.now;
  let rules = options.rules;
  let engine: RuleEngine = createRuleEngine(rules, { now });
  let lastEventId = 0;
  let lastSaveMs = 0;
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (what: string, task: () => Promise<void>) => {
    queue = queue.then(task).catch((error: unknown) => onError(error, what));
  };

  async function storeAlerts(candidates: readonly AlertCandidate[]): Promise<void> {
    if (candidates.length === 0) return;
    const stored = await store.alerts.insert(candidates);
    if (stored.length > 0) onAlerts(stored);
  }

  function raise(candidates: AlertCandidate[], saveDue: boolean): void {
    // The state is taken now, with the alerts it implies queued before it is saved.
    const state: SavedState | undefined = saveDue ? { engine: engine.exportState(), lastEventId } : undefined;
    enqueue('storing alerts', () => storeAlerts(candidates));
    if (state !== undefined) {
      lastSaveMs = now();
      enqueue('saving the rule engine state', () => store.alerts.writeState(RULE_ENGINE_STATE_KEY, state));
    }
  }

  function evaluate(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    let candidates: AlertCandidate[];
    try {
      // A null category (an event stored before the column) is computed by the engine.
      candidates = engine.evaluate(events as readonly RuleEvent[]);
    } catch (error) {
      onError(error, 'evaluating alert rules');
      return;
    }
    for (const event of events) if (event.id > lastEventId) lastEventId = event.id;
    raise(candidates, now() - lastSaveMs >= saveIntervalMs);
  }

  return {
    get rules() {
      return engine.rules;
    },

    async start() {
      const saved = await store.alerts.readState(RULE_ENGINE_STATE_KEY);
      if (isSavedState(saved)) {
        engine = createRuleEngine(rules, { now, state: saved.engine });
        lastEventId = saved.lastEventId;
        const page = options.catchUpPage ?? 5000;
        for (;;) {
          const events = await store.eventsAfter(lastEventId, page);
          evaluate(events);
          if (events.length < page) break;
        }
      } else {
        // First start: the events already stored are history, not news.
        const newest = (await store.query({ heartbeats: true }, { limit: 1 })).events[0];
        lastEventId = newest?.id ?? 0;
      }
      raise([], true);
      await queue;
    },

    evaluate,

    tick() {
      try {
        raise(engine.tick(), false);
      } catch (error) {
        onError(error, 'checking stream silence');
      }
    },

    signal(signal) {
      try {
        raise(engine.signal(signal), false);
      } catch (error) {
        onError(error, 'signalling the rule engine');
      }
    },

    setRules(next) {
      rules = next;
      engine = createRuleEngine(rules, { now, state: engine.exportState() });
      raise([], true);
    },

    async stop() {
      raise([], true);
      await queue;
    },
  };
}
