import type { AlertCandidate } from '../alert-candidate.js';
import type { AlertFactory } from '../alert-factory.js';
import type { TimeOfDayRule } from '../alert-rule-schema.js';
import { BoundedGroups } from '../bounded-groups.js';
import { createLocalClock, minutesOf, type LocalTime } from '../local-clock.js';
import type { EvaluationContext } from '../rule-event.js';
import { GroupKeys, groupValuesOf, suppressMs, type KindLimits, type KindRuntime, type KindState } from './kind-runtime.js';

const WEEKDAYS = [1, 2, 3, 4, 5];
const DEFAULT_SUPPRESS_SECONDS = 3600;

interface SuppressedGroup {
  suppressedUntil: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `time_of_day`: a match outside the allowed days and hours (local time of `timeZone`, event
 * time) alerts, then its group is quiet for `suppressSeconds` (default an hour). The day is the
 * local day of the event, also for windows that span midnight.
 */
export class TimeOfDayKind implements KindRuntime {
  readonly #rule: TimeOfDayRule;
  readonly #factory: AlertFactory;
  readonly #keys: GroupKeys;
  readonly #clock: (ms: number) => LocalTime;
  readonly #days: ReadonlySet<number>;
  readonly #start: number;
  readonly #end: number;
  readonly #suppressMs: number;
  readonly #groups: BoundedGroups<SuppressedGroup>;

  constructor(rule: TimeOfDayRule, factory: AlertFactory, limits: KindLimits, state: KindState | undefined) {
    this.#rule = rule;
    this.#factory = factory;
    this.#keys = new GroupKeys(rule.groupBy ?? [], limits.maxGroups * 4);
    this.#clock = createLocalClock(rule.timeZone);
    this.#days = new Set(rule.days ?? WEEKDAYS);
    this.#start = minutesOf(rule.start);
    this.#end = minutesOf(rule.end);
    this.#suppressMs = suppressMs(rule, DEFAULT_SUPPRESS_SECONDS);
    this.#groups = new BoundedGroups(limits.maxGroups, (state?.groups as [string, SuppressedGroup][] | undefined) ?? []);
  }

  /** True when the local time is inside the allowed days and hours. */
  allows(local: LocalTime): boolean {
    if (!this.#days.has(local.day)) return false;
    const m = local.minutes;
    return this.#start < this.#end ? m >= this.#start && m < this.#end : m >= this.#start || m < this.#end;
  }

  onMatch(ctx: EvaluationContext, out: AlertCandidate[]): void {
    const t = ctx.event.timeMs;
    const local = this.#clock(t);
    if (this.allows(local)) return;
    const fields = this.#rule.groupBy ?? [];
    const key = this.#keys.keyOf(ctx);
    const group = this.#groups.get(key);
    if (group !== undefined && t < group.suppressedUntil) return;
    this.#groups.add(key, { suppressedUntil: t + this.#suppressMs });
    const id = ctx.event.id;
    out.push(
      this.#factory.create(
        {
          groupKey: key,
          group: groupValuesOf(fields, ctx),
          eventIds: id === undefined ? [] : [id],
          eventCount: 1,
          windowStartMs: t,
          firstMs: t,
          lastMs: t,
          extra: { local_time: `${pad(Math.floor(local.minutes / 60))}:${pad(local.minutes % 60)} ${this.#rule.timeZone}` },
        },
        ctx,
      ),
    );
  }

  exportState(watermarkMs: number): KindState {
    this.#groups.prune((g) => g.suppressedUntil <= watermarkMs);
    return { groups: this.#groups.entries() };
  }
}
