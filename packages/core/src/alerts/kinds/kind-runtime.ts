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

/** The readable group key of values: `user=app, remoteHost=h`. */
export function formatGroupKey(fields: readonly RuleField[], values: readonly (string | null)[]): string {
  let key = '';
  for (let i = 0; i < fields.length; i += 1) key += `${i === 0 ? '' : ', '}${fields[i]}=${values[i] ?? ''}`;
  return key;
}

type KeyTree = Map<string, KeyTree | string>;

/**
 * Gives each group its key string (`user=app, remoteHost=h`), the same string object every
 * time: a tree of maps, one level per field, finds it without building a string per event,
 * and Maps hash an interned key once. Cleared when it grows past `capacity` (it is only a cache).
 */
export class GroupKeys {
  readonly #fields: readonly RuleField[];
  readonly #capacity: number;
  #root: KeyTree = new Map();
  #size = 0;

  constructor(fields: readonly RuleField[], capacity: number) {
    this.#fields = fields;
    this.#capacity = capacity;
  }

  keyOf(ctx: EvaluationContext): string {
    const fields = this.#fields;
    if (fields.length === 0) return '';
    let node = this.#root;
    const last = fields.length - 1;
    for (let i = 0; i < last; i += 1) {
      const value = ctx.field(fields[i] as RuleField) ?? '';
      let next = node.get(value) as KeyTree | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const value = ctx.field(fields[last] as RuleField) ?? '';
    let key = node.get(value) as string | undefined;
    if (key === undefined) {
      key = formatGroupKey(fields, fields.map((f) => ctx.field(f)));
      if (this.#size >= this.#capacity) {
        this.#root = new Map();
        this.#size = 0;
        return key;
      }
      node.set(value, key);
      this.#size += 1;
    }
    return key;
  }
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
