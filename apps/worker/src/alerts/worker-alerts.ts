import { createDeliveryLoop, type DeliveryLoopOptions } from '@das/alerts-delivery';
import { validateAlertRule, type AlertRule } from '@das/core';
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
  /** Creates or replaces a rule (validated; saved in the store for every worker). */
  putRule(rule: unknown): Promise<LoadedRule>;
  /** Deletes a rule created through the API: 'deleted', 'not-found', or 'not-removable' (built-in and file rules are turned off instead). */
  removeRule(id: string): Promise<'deleted' | 'not-found' | 'not-removable'>;
  /** Waits for the alerts and state queued, and the webhook attempts under way. */
  stop(): Promise<void>;
}

/** The store key of the rules turned on or off through the API (`{ <rule id>: enabled }`). */
export const RULE_SWITCHES_KEY = 'alert-rule-switches';

/** The store key of the rules created or changed through the API (a list of rules). */
export const API_RULES_KEY = 'alert-rules-api';

type Switches = Record<string, boolean>;

/** A rule the API refused, with the validator's issues (reason codes included). */
export class AlertRuleInvalidError extends Error {
  readonly code = 'RULE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AlertRuleInvalidError';
  }
}

const isRuleList = (value: unknown): value is AlertRule[] => Array.isArray(value) && value.every((r) => validateAlertRule(r).ok);

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
  const storedApiRules = await store.alerts.readState(API_RULES_KEY);
  let apiRules: AlertRule[] = isRuleList(storedApiRules) ? storedApiRules : [];
  // API rules replace built-in and file rules of the same id; the switches apply on top.
  const current = (): LoadedRule[] => {
    const byId = new Map<string, LoadedRule>(loaded.map((entry) => [entry.rule.id, entry]));
    for (const rule of apiRules) byId.set(rule.id, { source: 'api', rule });
    return [...byId.values()].map((entry) =>
      switches[entry.rule.id] === undefined ? entry : { ...entry, rule: { ...entry.rule, enabled: switches[entry.rule.id] as boolean } },
    );
  };
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
  const apply = (next: Switches, nextApiRules: AlertRule[] = apiRules) => {
    if (JSON.stringify(next) === JSON.stringify(switches) && JSON.stringify(nextApiRules) === JSON.stringify(apiRules)) return;
    switches = next;
    apiRules = nextApiRules;
    rules = current();
    evaluator.setRules(rules.map((r) => r.rule));
  };
  const poll = setInterval(() => {
    Promise.all([store.alerts.readState(RULE_SWITCHES_KEY), store.alerts.readState(API_RULES_KEY)])
      .then(([value, list]) => apply(isSwitches(value) ? value : {}, isRuleList(list) ? list : []))
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
      if (!loaded.some((entry) => entry.rule.id === id) && !apiRules.some((rule) => rule.id === id)) return null;
      const saved = await store.alerts.readState(RULE_SWITCHES_KEY);
      const next = { ...(isSwitches(saved) ? saved : {}), [id]: enabled };
      await store.alerts.writeState(RULE_SWITCHES_KEY, next);
      apply(next);
      return rules.find((entry) => entry.rule.id === id) ?? null;
    },
    async putRule(value) {
      const checked = validateAlertRule(value);
      if (!checked.ok) throw new AlertRuleInvalidError(checked.issues.map((i) => `${i.path || '/'} ${i.message} (${i.code})`).join('; '));
      const saved = await store.alerts.readState(API_RULES_KEY);
      const list = (isRuleList(saved) ? saved : []).filter((r) => r.id !== checked.value.id);
      const next = [...list, checked.value];
      await store.alerts.writeState(API_RULES_KEY, next);
      apply(switches, next);
      return rules.find((entry) => entry.rule.id === checked.value.id) as LoadedRule;
    },
    async removeRule(id) {
      const saved = await store.alerts.readState(API_RULES_KEY);
      const list = isRuleList(saved) ? saved : [];
      if (!list.some((r) => r.id === id)) return loaded.some((entry) => entry.rule.id === id) ? 'not-removable' : 'not-found';
      const next = list.filter((r) => r.id !== id);
      await store.alerts.writeState(API_RULES_KEY, next);
      apply(switches, next);
      return 'deleted';
    },
    async stop() {
      clearInterval(poll);
      await evaluator.stop();
      await delivery?.stop();
    },
  };
}
