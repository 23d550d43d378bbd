import type { AlertCandidate } from '../alert-candidate.js';
import type { AlertFactory } from '../alert-factory.js';
import type { StreamHealthRule } from '../alert-rule-schema.js';
import { BoundedGroups } from '../bounded-groups.js';
import type { RuleEvent } from '../rule-event.js';
import { suppressMs, type KindLimits, type KindState } from './kind-runtime.js';

/**
 * Something the reader (not the database) reports about a stream, e.g. events it had to drop
 * (a full buffer, records dead-lettered) or the stream reported gone.
 */
export interface StreamSignal {
  type: 'events_dropped' | 'stream_stopped';
  clusterId: string;
  /** When it happened, ISO 8601 (drives suppression and the alert's identity). */
  time: string;
  /** Events dropped, if known. */
  count?: number;
}

interface StreamGroup {
  /** Wall-clock time the last event or heartbeat of the cluster arrived. */
  lastArrivalMs: number;
  /** Event time of the newest event seen: the start of a silence. */
  lastEventMs: number;
  /** The current silence has alerted; cleared when events arrive again. */
  silenceAlerted: boolean;
  /** Signals of this cluster are quiet until then (signal time). */
  signalSuppressedUntil: number;
}

const DEFAULT_SIGNAL_SUPPRESS_SECONDS = 600;

/**
 * `stream_health`: every event and heartbeat (whatever the rule's `match`) marks its cluster's
 * stream alive. `tick(now)` alerts once per silence longer than `silenceSeconds` of wall clock;
 * silence needs a clock because no event says it. Signals alert too (`dropped`, default true),
 * quiet per cluster for `suppressSeconds` (default 10 minutes).
 */
export class StreamHealthKind {
  readonly #rule: StreamHealthRule;
  readonly #factory: AlertFactory;
  readonly #streams: BoundedGroups<StreamGroup>;

  constructor(rule: StreamHealthRule, factory: AlertFactory, limits: KindLimits, state: KindState | undefined, startedMs: number) {
    this.#rule = rule;
    this.#factory = factory;
    this.#streams = new BoundedGroups(limits.maxGroups, (state?.streams as [string, StreamGroup][] | undefined) ?? []);
    // Silence counts from the start of this process: a restart is not the stream going quiet.
    for (const [, group] of this.#streams.entries()) group.lastArrivalMs = Math.max(group.lastArrivalMs, startedMs);
  }

  /** Marks the clusters of a batch alive: one lookup per run of events of one cluster. */
  observeBatch(events: readonly RuleEvent[], nowMs: number): void {
    let cluster: string | undefined;
    let group: StreamGroup | undefined;
    for (const event of events) {
      if (event.clusterId !== cluster || group === undefined) {
        cluster = event.clusterId;
        const key = `clusterId=${cluster}`;
        group = this.#streams.get(key);
        if (group === undefined) {
          group = { lastArrivalMs: nowMs, lastEventMs: event.timeMs, silenceAlerted: false, signalSuppressedUntil: 0 };
          this.#streams.add(key, group);
        }
        group.lastArrivalMs = nowMs;
        group.silenceAlerted = false;
      }
      if (event.timeMs > group.lastEventMs) group.lastEventMs = event.timeMs;
    }
  }

  tick(nowMs: number, out: AlertCandidate[]): void {
    const silenceMs = this.#rule.silenceSeconds * 1000;
    for (const [key, group] of this.#streams.entries()) {
      if (group.silenceAlerted || nowMs - group.lastArrivalMs < silenceMs) continue;
      group.silenceAlerted = true;
      const clusterId = key.slice('clusterId='.length);
      out.push(
        this.#factory.create(
          {
            groupKey: `${key}, signal=silence`,
            group: { clusterId, signal: 'silence' },
            eventIds: [],
            eventCount: 0,
            value: Math.floor((nowMs - group.lastArrivalMs) / 1000),
            windowStartMs: group.lastEventMs,
            firstMs: group.lastEventMs,
            lastMs: group.lastEventMs,
            extra: { signal: 'silence' },
          },
          undefined,
        ),
      );
    }
  }

  signal(signal: StreamSignal, out: AlertCandidate[]): void {
    if (this.#rule.dropped === false && signal.type === 'events_dropped') return;
    const t = Date.parse(signal.time);
    if (!Number.isFinite(t)) throw new RangeError(`signal time is not a time: ${signal.time}`);
    const key = `clusterId=${signal.clusterId}`;
    let group = this.#streams.get(key);
    if (group === undefined) {
      group = { lastArrivalMs: 0, lastEventMs: t, silenceAlerted: true, signalSuppressedUntil: 0 };
      this.#streams.add(key, group);
    }
    if (t < group.signalSuppressedUntil) return;
    group.signalSuppressedUntil = t + suppressMs(this.#rule, DEFAULT_SIGNAL_SUPPRESS_SECONDS);
    out.push(
      this.#factory.create(
        {
          groupKey: `${key}, signal=${signal.type}`,
          group: { clusterId: signal.clusterId, signal: signal.type },
          eventIds: [],
          eventCount: signal.count ?? 0,
          ...(signal.count === undefined ? {} : { value: signal.count }),
          windowStartMs: t,
          firstMs: t,
          lastMs: t,
          extra: { signal: signal.type },
        },
        undefined,
      ),
    );
  }

  exportState(): KindState {
    return { streams: this.#streams.entries() };
  }
}
