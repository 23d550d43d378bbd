import type { AlertCandidate } from '../alert-candidate.js';
import type { AlertRule, RuleField } from '../alert-rule-schema.js';
import type { EvaluationContext, EventRef } from '../rule-event.js';

/** A rule kind's saved state: plain JSON (numbers, strings, arrays, objects). */
export type KindState = Record<string, unknown>;

/** Settings every kind gets from the engine. */
export interface KindLimits {
  /** Groups (or first-seen values) kept per rule; the least recently used go first. */
  maxGroups: number;
  /** Event ids kept per alert. */
  maxEventIds: number;
}

/** One rule at work: its matching events go to `onMatch`, its state can be saved and restored. */
export interface KindRuntime {
  onMatch(ctx: EvaluationContext, out: AlertCandidate[]): void;
  /** State to save; groups that can no longer alert at `watermarkMs` (event time) are left out. */
  exportState(watermarkMs: number): KindState;
}

/** Reads the group of an event: its key (`user=app, remoteHost=h`) and values. */
export function groupKeyOf(fields: readonly RuleField[], ctx: EvaluationContext): string {
  if (fields.length === 0) return '';
  let key = '';
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i] as RuleField;
    key += `${i === 0 ? '' : ', '}${field}=${ctx.field(field) ?? ''}`;
  }
  return key;
}

export function groupValuesOf(fields: readonly RuleField[], ctx: EvaluationContext): Record<string, string | null> {
  const group: Record<string, string | null> = {};
  for (const field of fields) group[field] = ctx.field(field);
  return group;
}

/** The default suppression of a kind when the rule names none. */
export function suppressMs(rule: AlertRule, fallbackSeconds: number): number {
  return (rule.suppressSeconds ?? fallbackSeconds) * 1000;
}

/** Appends an id, keeping only the latest `max`. */
export function pushId(ids: EventRef[], id: EventRef | undefined, max: number): void {
  if (id === undefined) return;
  ids.push(id);
  if (ids.length > max) ids.splice(0, ids.length - max);
}
