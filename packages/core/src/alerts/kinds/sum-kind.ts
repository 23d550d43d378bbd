import type { AlertCandidate } from '../alert-candidate.js';
import type { AlertFactory } from '../alert-factory.js';
import type { SumRule } from '../alert-rule-schema.js';
import { BoundedGroups } from '../bounded-groups.js';
import type { EvaluationContext, EventRef } from '../rule-event.js';
import { GroupKeys, groupValuesOf, pushId, type KindLimits, type KindRuntime, type KindState } from './kind-runtime.js';

const DEFAULT_IDLE_SECONDS = 3600;
const IDS_PER_GROUP = 20;

interface SumGroup {
  total: number;
  count: number;
  firstMs: number;
  lastMs: number;
  ids: EventRef[];
  alerted: boolean;
}

/**
 * `sum`: `field` (rowCount) added up per group across statements, so reading in chunks still
 * adds up; one alert when the total reaches `threshold`. A group idle for `idleSeconds` starts
 * again from zero (and may alert again).
 */
export class SumKind implements KindRuntime {
  readonly #rule: SumRule;
  readonly #factory: AlertFactory;
  readonly #keys: GroupKeys;
  readonly #idleMs: number;
  readonly #maxIds: number;
  readonly #groups: BoundedGroups<SumGroup>;

  constructor(rule: SumRule, factory: AlertFactory, limits: KindLimits, state: KindState | undefined) {
    this.#rule = rule;
    this.#factory = factory;
    this.#keys = new GroupKeys(rule.groupBy, limits.maxGroups * 4);
    this.#idleMs = (rule.idleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000;
    // Sessions are many and each keeps its ids in the saved state: the latest few are enough.
    this.#maxIds = Math.min(limits.maxEventIds, IDS_PER_GROUP);
    // Every read statement touches its session's group: evict by age, not recency, to keep that cheap.
    this.#groups = new BoundedGroups(limits.maxGroups, (state?.groups as [string, SumGroup][] | undefined) ?? [], { recency: false });
  }

  onMatch(ctx: EvaluationContext, out: AlertCandidate[]): void {
    const event = ctx.event;
    const amount = event[this.#rule.field];
    if (amount === null || amount <= 0) return;
    const t = event.timeMs;
    const key = this.#keys.keyOf(ctx);
    let group = this.#groups.get(key);
    if (group === undefined || t - group.lastMs > this.#idleMs) {
      group = { total: 0, count: 0, firstMs: t, lastMs: t, ids: [], alerted: false };
      this.#groups.add(key, group);
    }
    group.total += amount;
    group.count += 1;
    if (t > group.lastMs) group.lastMs = t;
    if (group.alerted) return;
    pushId(group.ids, event.id, this.#maxIds);
    if (group.total < this.#rule.threshold) return;
    group.alerted = true;
    out.push(
      this.#factory.create(
        {
          groupKey: key,
          group: groupValuesOf(this.#rule.groupBy, ctx),
          eventIds: [...group.ids],
          eventCount: group.count,
          value: group.total,
          windowStartMs: group.firstMs,
          firstMs: group.firstMs,
          lastMs: t,
          extra: { sum: group.total },
        },
        ctx,
      ),
    );
  }

  exportState(watermarkMs: number): KindState {
    this.#groups.prune((g) => g.lastMs < watermarkMs - this.#idleMs);
    return { groups: this.#groups.entries() };
  }
}
