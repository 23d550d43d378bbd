import type { AlertCandidate } from '../alert-candidate.js';
import type { AlertFactory } from '../alert-factory.js';
import type { ThresholdRule } from '../alert-rule-schema.js';
import { BoundedGroups } from '../bounded-groups.js';
import type { EvaluationContext, EventRef } from '../rule-event.js';
import { GroupKeys, groupValuesOf, suppressMs, type KindLimits, type KindRuntime, type KindState } from './kind-runtime.js';

/** Window entries (times and ids) one threshold rule may hold across its groups. */
const ENTRY_BUDGET = 1_000_000;

/** The matches of one group inside the window, oldest first; at most `count` of them are needed. */
interface WindowGroup {
  times: number[];
  /** Event id per entry (null when the event had none). */
  ids: (EventRef | null)[];
  /** With `distinct`: the value per entry, each value once (its latest match). */
  values: string[];
  suppressedUntil: number;
}

/**
 * `threshold`: `count` matches (or distinct values of `distinct`) within `windowSeconds` of event
 * time, per group. The alert clears the window and quiets the group for `suppressSeconds`
 * (default: the window), so one burst gives one alert.
 */
export class ThresholdKind implements KindRuntime {
  readonly #rule: ThresholdRule;
  readonly #factory: AlertFactory;
  readonly #keys: GroupKeys;
  readonly #windowMs: number;
  readonly #suppressMs: number;
  readonly #groups: BoundedGroups<WindowGroup>;
  readonly #maxIds: number;

  constructor(rule: ThresholdRule, factory: AlertFactory, limits: KindLimits, state: KindState | undefined) {
    this.#rule = rule;
    this.#factory = factory;
    this.#keys = new GroupKeys(rule.groupBy, limits.maxGroups * 4);
    this.#windowMs = rule.windowSeconds * 1000;
    this.#suppressMs = suppressMs(rule, rule.windowSeconds);
    // A group holds up to `count` entries: fewer groups for large counts keeps a rule's memory bounded.
    const capacity = Math.max(1, Math.min(limits.maxGroups, Math.floor(ENTRY_BUDGET / rule.count)));
    this.#groups = new BoundedGroups(capacity, (state?.groups as [string, WindowGroup][] | undefined) ?? []);
    this.#maxIds = limits.maxEventIds;
  }

  onMatch(ctx: EvaluationContext, out: AlertCandidate[]): void {
    const rule = this.#rule;
    const event = ctx.event;
    const t = event.timeMs;
    let distinctValue: string | null = null;
    if (rule.distinct !== undefined) {
      distinctValue = ctx.field(rule.distinct);
      if (distinctValue === null) return;
    }
    const key = this.#keys.keyOf(ctx);
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { times: [], ids: [], values: [], suppressedUntil: 0 };
      this.#groups.add(key, group);
    }
    if (t < group.suppressedUntil) return;
    const oldest = t - this.#windowMs;
    while (group.times.length > 0 && (group.times[0] as number) < oldest) this.#dropFirst(group);
    if (distinctValue !== null) {
      const seen = group.values.indexOf(distinctValue);
      if (seen >= 0) {
        group.times.splice(seen, 1);
        group.ids.splice(seen, 1);
        group.values.splice(seen, 1);
      }
      group.values.push(distinctValue);
    }
    group.times.push(t);
    group.ids.push(event.id ?? null);
    if (group.times.length > rule.count) this.#dropFirst(group);
    if (group.times.length < rule.count) return;
    const first = group.times[0] as number;
    const distinct = rule.distinct === undefined ? undefined : group.values.length;
    out.push(
      this.#factory.create(
        {
          groupKey: key,
          group: groupValuesOf(rule.groupBy, ctx),
          eventIds: group.ids.filter((id): id is EventRef => id !== null).slice(-this.#maxIds),
          eventCount: group.times.length,
          value: distinct ?? group.times.length,
          windowStartMs: first,
          firstMs: first,
          lastMs: t,
          ...(distinct === undefined ? {} : { extra: { distinct } }),
        },
        ctx,
      ),
    );
    group.times = [];
    group.ids = [];
    group.values = [];
    group.suppressedUntil = t + this.#suppressMs;
  }

  #dropFirst(group: WindowGroup): void {
    group.times.shift();
    group.ids.shift();
    if (this.#rule.distinct !== undefined) group.values.shift();
  }

  exportState(watermarkMs: number): KindState {
    const oldest = watermarkMs - this.#windowMs;
    this.#groups.prune((g) => g.suppressedUntil <= watermarkMs && (g.times.length === 0 || (g.times[g.times.length - 1] as number) < oldest));
    return { groups: this.#groups.entries() };
  }
}
