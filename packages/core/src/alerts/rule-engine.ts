import type { AlertCandidate } from './alert-candidate.js';
import { hash64 } from './alert-candidate.js';
import { AlertFactory } from './alert-factory.js';
import type { AlertRule } from './alert-rule-schema.js';
import { EventKind } from './kinds/event-kind.js';
import { FirstSeenKind } from './kinds/first-seen-kind.js';
import type { KindLimits, KindRuntime, KindState } from './kinds/kind-runtime.js';
import { StreamHealthKind, type StreamSignal } from './kinds/stream-health-kind.js';
import { SumKind } from './kinds/sum-kind.js';
import { ThresholdKind } from './kinds/threshold-kind.js';
import { TimeOfDayKind } from './kinds/time-of-day-kind.js';
import { EvaluationContext, type RuleEvent } from './rule-event.js';
import { compileRuleMatch } from './rule-match.js';
import { AlertRuleError, validateAlertRules } from './validate-alert-rule.js';
import { STATEMENT_CATEGORIES, type StatementCategory } from '../statements/statement-category.js';

/**
 * The engine's state: plain JSON the worker saves with its checkpoint and passes back as
 * `options.state` after a restart. A rule whose definition changed starts afresh.
 */
export interface RuleEngineState {
  version: 1;
  /** Newest event time evaluated (epoch ms). */
  watermarkMs: number;
  rules: Record<string, RuleState>;
}

export interface RuleState {
  /** Hash of what the rule evaluates (not its title, severity or description). */
  definition: string;
  /** The kind's own state (groups, windows, seen values), JSON. */
  state: KindState;
}

export interface RuleEngineOptions {
  /** Wall clock for stream silence (default `Date.now`); windows use event time. */
  now?: () => number;
  /** State from an earlier engine's `exportState()`. */
  state?: RuleEngineState;
  /** Groups kept per rule, least recently used evicted (default 10 000; first-seen keeps 10× as many values). */
  maxGroupsPerRule?: number;
  /** Event ids listed per alert (default 50, the latest; sum rules keep at most 20). */
  maxEventIds?: number;
}

export interface RuleEngine {
  /** The enabled rules, validated. */
  readonly rules: readonly AlertRule[];
  /** Runs every enabled rule over the events (in stream order); returns the alerts they raise. */
  evaluate(events: readonly RuleEvent[]): AlertCandidate[];
  /** Checks what only a clock can tell (a stream gone silent); call it every few seconds. */
  tick(): AlertCandidate[];
  /** Feeds a reader-side signal (events dropped, stream stopped) to the stream_health rules. */
  signal(signal: StreamSignal): AlertCandidate[];
  /** The state to save: JSON-safe, groups that can no longer alert left out. */
  exportState(): RuleEngineState;
}

interface MatchingRule {
  id: string;
  definition: string;
  categories: readonly StatementCategory[] | undefined;
  heartbeats: boolean;
  matches: (ctx: EvaluationContext) => boolean;
  runtime: KindRuntime;
}

const NO_RULES: readonly MatchingRule[] = [];

interface HealthRule {
  id: string;
  definition: string;
  runtime: StreamHealthKind;
}

/** JSON with sorted keys, so the same rule from YAML or the API hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a rule evaluates: everything but the wording, severity and switch. */
export function ruleDefinitionHash(rule: AlertRule): string {
  const { title: _title, description: _description, severity: _severity, enabled: _enabled, ...definition } = rule;
  return hash64(stableJson(definition));
}

function createKind(rule: Exclude<AlertRule, { kind: 'stream_health' }>, limits: KindLimits, state: KindState | undefined): KindRuntime {
  const factory = new AlertFactory(rule);
  switch (rule.kind) {
    case 'event':
      return new EventKind(rule, factory, limits, state);
    case 'threshold':
      return new ThresholdKind(rule, factory, limits, state);
    case 'first_seen':
      return new FirstSeenKind(rule, factory, limits, state);
    case 'sum':
      return new SumKind(rule, factory, limits, state);
    case 'time_of_day':
      return new TimeOfDayKind(rule, factory, limits, state);
  }
}

/**
 * Compiles alert rules into an engine. Rules are validated (an invalid one throws
 * {@link AlertRuleError}); disabled ones are left out. Windows, learning periods and suppression
 * run on event time, so replaying the same events from the same state raises the same alerts
 * with the same ids: save `exportState()` together with the stream checkpoint it belongs to.
 */
export function createRuleEngine(rules: readonly AlertRule[], options: RuleEngineOptions = {}): RuleEngine {
  const checked = validateAlertRules(rules);
  if (!checked.ok) throw new AlertRuleError(checked.issues);
  const now = options.now ?? Date.now;
  const limits: KindLimits = { maxGroups: options.maxGroupsPerRule ?? 10_000, maxEventIds: options.maxEventIds ?? 50 };
  const enabled = checked.value.filter((rule) => rule.enabled !== false);
  // A copy: the engine mutates its groups in place, the caller keeps its object.
  const saved = options.state?.version === 1 ? (JSON.parse(JSON.stringify(options.state)) as RuleEngineState) : undefined;
  let watermarkMs = saved?.watermarkMs ?? 0;

  const matching: MatchingRule[] = [];
  const health: HealthRule[] = [];
  for (const rule of enabled) {
    const definition = ruleDefinitionHash(rule);
    const previous = saved?.rules[rule.id];
    const state = previous?.definition === definition ? previous.state : undefined;
    if (rule.kind === 'stream_health') {
      health.push({ id: rule.id, definition, runtime: new StreamHealthKind(rule, new AlertFactory(rule), limits, state, now()) });
    } else {
      matching.push({
        id: rule.id,
        definition,
        categories: rule.match?.categories,
        heartbeats: rule.match?.heartbeats === true,
        matches: compileRuleMatch(rule.match, { dispatched: true }),
        runtime: createKind(rule, limits, state),
      });
    }
  }
  const ctx = new EvaluationContext();
  // Rules indexed by the statement categories they accept: an event only meets the rules that
  // can match it (a TPC-C write meets none of the built-in rules), and heartbeats only those
  // that ask for them.
  const byCategory = new Map<string, MatchingRule[]>(
    STATEMENT_CATEGORIES.map((category) => [
      category,
      matching.filter((rule) => rule.categories === undefined || rule.categories.includes(category)),
    ]),
  );
  // A heartbeat has no statement: its category is `other`.
  const forHeartbeats = matching.filter((rule) => rule.heartbeats && (rule.categories === undefined || rule.categories.includes('other')));

  return {
    rules: enabled,

    evaluate(events) {
      const out: AlertCandidate[] = [];
      if (health.length > 0 && events.length > 0) {
        const arrivedMs = now();
        for (const rule of health) rule.runtime.observeBatch(events, arrivedMs);
      }
      for (const event of events) {
        if (event.timeMs > watermarkMs) watermarkMs = event.timeMs;
        ctx.reset(event);
        // A category the store made up (not one of STATEMENT_CATEGORIES) meets no rule.
        const candidates = event.kind === 'heartbeat' ? forHeartbeats : (byCategory.get(ctx.category) ?? NO_RULES);
        for (let i = 0; i < candidates.length; i += 1) {
          const rule = candidates[i] as MatchingRule;
          if (rule.matches(ctx)) rule.runtime.onMatch(ctx, out);
        }
      }
      return out;
    },

    tick() {
      const out: AlertCandidate[] = [];
      const nowMs = now();
      for (const rule of health) rule.runtime.tick(nowMs, out);
      return out;
    },

    signal(signal) {
      const out: AlertCandidate[] = [];
      for (const rule of health) rule.runtime.signal(signal, out);
      return out;
    },

    exportState() {
      const state: RuleEngineState = { version: 1, watermarkMs, rules: {} };
      for (const rule of matching) state.rules[rule.id] = { definition: rule.definition, state: rule.runtime.exportState(watermarkMs) };
      for (const rule of health) state.rules[rule.id] = { definition: rule.definition, state: rule.runtime.exportState() };
      // A deep copy: the caller may keep or mutate it while the engine goes on.
      return JSON.parse(JSON.stringify(state)) as RuleEngineState;
    },
  };
}
