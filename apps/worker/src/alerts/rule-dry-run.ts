import { createRuleEngine, type AlertRule, type RuleEvent } from '@das/core';
import type { AlertRuleDryRun, StoredEvent } from '@das/contracts';
import type { EventStore } from '../store/event-store.js';

/** Events a dry run evaluates at most (the newest of the range): they are held in memory. */
export const DRY_RUN_MAX_EVENTS = 100_000;

/**
 * What one rule would have raised over the stored events of the last `hours`: a fresh engine
 * (no saved state, nothing stored or delivered), the events in stream order.
 */
export async function dryRunRule(store: Pick<EventStore, 'export'>, rule: AlertRule, hours: number, nowMs = Date.now(), maxEvents = DRY_RUN_MAX_EVENTS): Promise<AlertRuleDryRun> {
  const from = new Date(nowMs - hours * 3_600_000).toISOString();
  const to = new Date(nowMs).toISOString();
  const newestFirst: StoredEvent[] = [];
  let truncated = false;
  for await (const event of store.export({ from, to, heartbeats: true }, maxEvents + 1)) {
    if (newestFirst.length === maxEvents) {
      truncated = true;
      break;
    }
    newestFirst.push(event);
  }
  // Stream silence is wall-clock: frozen at the end of the range.
  const engine = createRuleEngine([{ ...rule, enabled: true }], { now: () => nowMs });
  const alerts = engine.evaluate(newestFirst.reverse() as RuleEvent[]);
  return { ruleId: rule.id, from, to, events: newestFirst.length, truncated, alerts };
}
