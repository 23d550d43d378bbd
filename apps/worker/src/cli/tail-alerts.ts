import { createRuleEngine, type AlertCandidate, type RuleEvent } from '@das/core';
import type { StoredEvent } from '@das/contracts';
import { loadAlertRules } from '../alerts/alert-rules.js';

/** `das tail --alerts`: the worker's rules, run here on every event read (no store: state lives for the run). */
export async function createTailAlerts(options: { rulesFile?: string | undefined; sensitiveObjects: string[] }) {
  const rules = await loadAlertRules({ file: options.rulesFile, sensitiveObjects: options.sensitiveObjects });
  const engine = createRuleEngine(rules.map((r) => r.rule));
  return {
    evaluate: (events: readonly StoredEvent[]): AlertCandidate[] => engine.evaluate(events as readonly RuleEvent[]),
    tick: (): AlertCandidate[] => engine.tick(),
  };
}

/** One alert: a line for people (time, severity, rule, title, events), or JSON. */
export function formatAlert(alert: AlertCandidate, ndjson: boolean): string {
  if (ndjson) return JSON.stringify(alert);
  return `${alert.lastTime} ${alert.severity.toUpperCase().padEnd(8)} ${alert.ruleId}: ${alert.title} (${alert.eventCount} event${alert.eventCount === 1 ? '' : 's'})`;
}
