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
  /** Delivery loop tuning (tests: short back-off). */
  delivery?: Pick<DeliveryLoopOptions, 'pollIntervalMs' | 'backoff' | 'timeoutMs' | 'maxAttempts'> | undefined;
}

export interface WorkerAlerts {
  readonly rules: readonly LoadedRule[];
  readonly evaluator: AlertEvaluator;
  /** Waits for the alerts and state queued, and the webhook attempts under way. */
  stop(): Promise<void>;
}

/**
 * The worker's alerting, composed: the rules, the evaluator (state loaded, caught up), where a
 * stored alert goes (metrics, `/alerts/live`, the webhook queue). Nothing here can fail the
 * stream: failures are logged and counted.
 */
export async function startWorkerAlerts(options: WorkerAlertsOptions): Promise<WorkerAlerts> {
  const { settings, store, metrics, hub, log } = options;
  const rules = options.rules ?? (await loadAlertRules({ file: settings.rulesFile, sensitiveObjects: settings.sensitiveObjects }));
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
  log('info', 'alert rules loaded', { rules: evaluator.rules.length, file: settings.rulesFile ?? null, webhooks: settings.webhooks.length });
  return {
    rules,
    evaluator,
    async stop() {
      await evaluator.stop();
      await delivery?.stop();
    },
  };
}
