import { createDeliveryLoop, type DeliveryLoopOptions } from '@das/alerts-delivery';
import type { AlertSettings } from '../config.js';
import type { AlertHub } from '../live/alert-hub.js';
import type { WorkerMetrics } from '../metrics.js';
import type { EventStore } from '../store/event-store.js';
import { createAlertEvaluator, type AlertEvaluator } from './alert-evaluator.js';
import { loadAlertRules, type LoadedRule } from './alert-rules.js';
import { webhookAlert } from './alert-webhooks.js';

export interface WorkerAlertsOptions {
  settings: AlertSettings;
  store: EventStore;
  metrics: WorkerMetrics;
  hub: AlertHub;
  log: (level: 'info' | 'warn', text: string, details?: Record<string, unknown>) => void;
  /** Instead of the built-in rules and the rules file (tests). */
  rules?: LoadedRule[] | undefined;
  /** How often the rule switches are read again from the store (ms, default 5000): a fleet's workers follow each other. */
  switchPollMs?: number;
  /** Delivery loop tuning (tests: short back-off). */
  delivery?: Pick<DeliveryLoopOptions, 'pollIntervalMs' | 'backoff' | 'timeoutMs' | 'maxAttempts'> | undefined;
}

export interface WorkerAlerts {
  /** The rules as they run now: the switches of the API applied. */
  readonly rules: readonly LoadedRule[];
  readonly evaluator: AlertEvaluator;
  /** Turns a rule on or off for every worker of the store (saved; the others pick it up within `switchPollMs`); null for an unknown id. */
  setEnabled(id: string, enabled: boolean): Promise<LoadedRule | null>;
  /** Waits for the alerts and state queued, and the webhook attempts under way. */
  stop(): Promise<void>;
}

/** The store key of the rules turned on or off through the API (`{ <rule id>: enabled }`). */
export const RULE_SWITCHES_KEY = 'alert-rule-switches';

type Switches = Record<string, boolean>;

const isSwitches = (value: unknown): value is Switches =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'boolean');

/**
 * The worker's alerting, composed: the rules, the evaluator (state loaded, caught up), where a
 * stored alert goes (metrics, `/alerts/live`, the webhook queue). Nothing here can fail the
 * stream: failures are logged and counted.
 */
export async function startWorkerAlerts(options: WorkerAlertsOptions): Promise<WorkerAlerts> {
  const { settings, store, metrics, hub, log } = options;
  const loaded = options.rules ?? (await loadAlertRules({ file: settings.rulesFile, sensitiveObjects: settings.sensitiveObjects }));
  // A switch set through the API wins over the rule's own `enabled`.
  const stored = await store.alerts.readState(RULE_SWITCHES_KEY);
  let switches: Switches = isSwitches(stored) ? stored : {};
  const current = (): LoadedRule[] =>
    loaded.map((entry) => (switches[entry.rule.id] === undefined ? entry : { ...entry, rule: { ...entry.rule, enabled: switches[entry.rule.id] as boolean } }));
  let rules = current();
  const failed = (what: string) => (error: unknown) => {
    metrics.alertErrors.inc({ what });
    log('warn', `alerts: ${what} failed`, { error: String(error) });
  };
  const delivery =
    settings.webhooks.length === 0 ? undefined : createDeliveryLoop({ store: store.deliveries, endpoints: settings.webhooks, ...options.delivery, onError: failed('delivering to webhooks') });
  const evaluator = createAlertEvaluator({
    store,
    rules: rules.map((r) => r.rule),
    onAlerts: (alerts) => {
      for (const alert of alerts) metrics.alerts.inc({ rule: alert.ruleId, severity: alert.severity });
      hub.publish(alerts);
      // Only recorded here; the delivery loop sends, so no receiver ever holds up the stream.
      for (const alert of alerts) void delivery?.enqueue(webhookAlert(alert)).catch(failed('queueing webhook deliveries'));
    },
    onError: (error, what) => failed(what)(error),
  });
  await evaluator.start();
  delivery?.start();
  const apply = (next: Switches) => {
    if (JSON.stringify(next) === JSON.stringify(switches)) return;
    switches = next;
    rules = current();
    evaluator.setRules(rules.map((r) => r.rule));
  };
  const poll = setInterval(() => {
    store.alerts
      .readState(RULE_SWITCHES_KEY)
      .then((value) => apply(isSwitches(value) ? value : {}))
      .catch(failed('reading rule switches'));
  }, options.switchPollMs ?? 5000);
  poll.unref();
  log('info', 'alert rules loaded', { rules: evaluator.rules.length, file: settings.rulesFile ?? null, webhooks: settings.webhooks.length });
  return {
    get rules() {
      return rules;
    },
    evaluator,
    async setEnabled(id, enabled) {
      if (!loaded.some((entry) => entry.rule.id === id)) return null;
      const saved = await store.alerts.readState(RULE_SWITCHES_KEY);
      const next = { ...(isSwitches(saved) ? saved : {}), [id]: enabled };
      await store.alerts.writeState(RULE_SWITCHES_KEY, next);
      apply(next);
      return rules.find((entry) => entry.rule.id === id) ?? null;
    },
    async stop() {
      clearInterval(poll);
      await evaluator.stop();
      await delivery?.stop();
    },
  };
}
