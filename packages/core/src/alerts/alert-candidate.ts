import type { AlertRuleKind, AlertSeverity } from './alert-rule-schema.js';
import type { EventRef } from './rule-event.js';

/**
 * An alert the engine raises. `id` and `dedupKey` are deterministic (rule, group, window start),
 * so replaying the same events raises the same alert, and a store inserting with
 * `ON CONFLICT (id) DO NOTHING` keeps one copy across restarts and a fleet.
 */
export interface AlertCandidate {
  /** 16 hex digits hashed from `dedupKey`. */
  id: string;
  /** `<rule id>|<group key>|<window start>`. */
  dedupKey: string;
  ruleId: string;
  kind: AlertRuleKind;
  severity: AlertSeverity;
  title: string;
  /** The group's values, e.g. `user=app, remoteHost=10.0.1.25`; `''` for an ungrouped rule. */
  groupKey: string;
  group: Record<string, string | null>;
  /** Ids of the events behind the alert (at most the engine's `maxEventIds`, the latest). */
  eventIds: EventRef[];
  /** How many matching events made the alert (may exceed `eventIds.length`). */
  eventCount: number;
  /** The count, distinct count or sum that crossed the threshold, where the kind has one. */
  value?: number;
  /** Start of the incident: first event of the window, first event of the group, or the event itself (ISO 8601 UTC). */
  windowStart: string;
  firstTime: string;
  lastTime: string;
}

/** cyrb53-style 2×32-bit hash: dependency-free (browser too), stable across runs and machines. */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** The identity of an alert: its dedup key and the id hashed from it. */
export function alertIdentity(ruleId: string, groupKey: string, windowStartMs: number): { id: string; dedupKey: string } {
  const dedupKey = `${ruleId}|${groupKey}|${isoTime(windowStartMs)}`;
  return { id: hash64(dedupKey), dedupKey };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
