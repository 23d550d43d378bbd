import type { AlertCandidate } from '../alert-candidate.js';
import type { AlertFactory } from '../alert-factory.js';
import type { EventRule } from '../alert-rule-schema.js';
import { BoundedGroups } from '../bounded-groups.js';
import type { EvaluationContext } from '../rule-event.js';
import { GroupKeys, groupValuesOf, suppressMs, type KindLimits, type KindRuntime, type KindState } from './kind-runtime.js';

interface SuppressedGroup {
  suppressedUntil: number;
}

/** `event`: every match alerts, then its group is quiet for `suppressSeconds` (default 0). */
export class EventKind implements KindRuntime {
  readonly #rule: EventRule;
  readonly #factory: AlertFactory;
  readonly #keys: GroupKeys;
  readonly #suppressMs: number;
  readonly #groups: BoundedGroups<SuppressedGroup>;

  constructor(rule: EventRule, factory: AlertFactory, limits: KindLimits, state: KindState | undefined) {
    this.#rule = rule;
    this.#factory = factory;
    this.#keys = new GroupKeys(rule.groupBy ?? [], limits.maxGroups * 4);
    this.#suppressMs = suppressMs(rule, 0);
    this.#groups = new BoundedGroups(limits.maxGroups, (state?.groups as [string, SuppressedGroup][] | undefined) ?? []);
  }

  onMatch(ctx: EvaluationContext, out: AlertCandidate[]): void {
    const t = ctx.event.timeMs;
    const fields = this.#rule.groupBy ?? [];
    const key = this.#keys.keyOf(ctx);
    const group = this.#groups.get(key);
    if (group !== undefined && t < group.suppressedUntil) return;
    if (this.#suppressMs > 0) this.#groups.add(key, { suppressedUntil: t + this.#suppressMs });
    const id = ctx.event.id;
    out.push(
      this.#factory.create(
        { groupKey: key, group: groupValuesOf(fields, ctx), eventIds: id === undefined ? [] : [id], eventCount: 1, windowStartMs: t, firstMs: t, lastMs: t },
        ctx,
      ),
    );
  }

  exportState(watermarkMs: number): KindState {
    this.#groups.prune((g) => g.suppressedUntil <= watermarkMs);
    return { groups: this.#groups.entries() };
  }
}
