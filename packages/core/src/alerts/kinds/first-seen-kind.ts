import type { AlertCandidate } from '../alert-candidate.js';
import type { AlertFactory } from '../alert-factory.js';
import type { FirstSeenRule } from '../alert-rule-schema.js';
import { BoundedGroups } from '../bounded-groups.js';
import type { EvaluationContext } from '../rule-event.js';
import { GroupKeys, groupValuesOf, type KindLimits, type KindRuntime, type KindState } from './kind-runtime.js';

/** First-seen values are many more than groups: this many per allowed group. */
const VALUES_PER_GROUP = 10;

/**
 * `first_seen`: a value (or tuple) of `fields` never seen before. Values are learnt silently for
 * `learningSeconds` of event time from the rule's first matching event; afterwards each new one
 * alerts once. Events with a null among the fields are ignored. When the value store is full the
 * least recently seen value is forgotten (and would alert again if it came back).
 */
export class FirstSeenKind implements KindRuntime {
  readonly #rule: FirstSeenRule;
  readonly #factory: AlertFactory;
  readonly #keys: GroupKeys;
  readonly #seen: BoundedGroups<number>;
  #learningStartMs: number | null;

  constructor(rule: FirstSeenRule, factory: AlertFactory, limits: KindLimits, state: KindState | undefined) {
    this.#rule = rule;
    this.#factory = factory;
    this.#keys = new GroupKeys(rule.fields, limits.maxGroups * VALUES_PER_GROUP * 2);
    this.#seen = new BoundedGroups(limits.maxGroups * VALUES_PER_GROUP, (state?.seen as [string, number][] | undefined) ?? []);
    this.#learningStartMs = typeof state?.learningStartMs === 'number' ? state.learningStartMs : null;
  }

  onMatch(ctx: EvaluationContext, out: AlertCandidate[]): void {
    const fields = this.#rule.fields;
    for (const field of fields) if (ctx.field(field) === null) return;
    const t = ctx.event.timeMs;
    this.#learningStartMs ??= t;
    const key = this.#keys.keyOf(ctx);
    if (this.#seen.get(key) !== undefined) return;
    this.#seen.add(key, t);
    if (t < this.#learningStartMs + this.#rule.learningSeconds * 1000) return;
    const id = ctx.event.id;
    out.push(
      this.#factory.create(
        { groupKey: key, group: groupValuesOf(fields, ctx), eventIds: id === undefined ? [] : [id], eventCount: 1, windowStartMs: t, firstMs: t, lastMs: t },
        ctx,
      ),
    );
  }

  exportState(): KindState {
    return { learningStartMs: this.#learningStartMs, seen: this.#seen.entries() };
  }
}
