import { alertIdentity, isoTime, type AlertCandidate } from './alert-candidate.js';
import type { AlertRule } from './alert-rule-schema.js';
import type { EvaluationContext, EventRef } from './rule-event.js';
import { compileTemplate, renderTemplate, type CompiledTemplate } from './rule-template.js';

/** What a kind knows when it raises an alert. */
export interface AlertFacts {
  groupKey: string;
  group: Record<string, string | null>;
  eventIds: EventRef[];
  eventCount: number;
  value?: number;
  windowStartMs: number;
  firstMs: number;
  lastMs: number;
  /** Extra template values (`distinct`, `sum`, `local_time`). */
  extra?: Record<string, string | number>;
}

/** Builds a rule's alerts: identity, title rendered from the triggering event and the facts. */
export class AlertFactory {
  readonly #rule: AlertRule;
  readonly #title: CompiledTemplate;

  constructor(rule: AlertRule) {
    this.#rule = rule;
    this.#title = compileTemplate(rule.title);
  }

  create(facts: AlertFacts, ctx: EvaluationContext | undefined): AlertCandidate {
    const rule = this.#rule;
    const { id, dedupKey } = alertIdentity(rule.id, facts.groupKey, facts.windowStartMs);
    const event = ctx?.event;
    const title = renderTemplate(this.#title, (field) => {
      switch (field) {
        case 'count':
          return facts.eventCount;
        case 'value':
          return Object.values(facts.group).map((v) => v ?? '-').join(', ');
        case 'window':
          return rule.kind === 'threshold' ? rule.windowSeconds : undefined;
        case 'rule':
          return rule.id;
        case 'severity':
          return rule.severity;
        case 'user':
          return facts.group.user ?? event?.user;
        case 'host':
          return facts.group.remoteHost ?? event?.remoteHost;
        case 'database':
          return facts.group.database ?? event?.database;
        case 'object':
          return facts.group.objectName ?? event?.objectName;
        case 'command':
          return facts.group.command ?? event?.command;
        case 'session':
          return facts.group.sessionId ?? event?.sessionId;
        case 'application':
          return facts.group.clientApplication ?? event?.clientApplication;
        case 'cluster':
          return facts.group.clusterId ?? event?.clusterId;
        case 'instance':
          return facts.group.instanceId ?? event?.instanceId;
        case 'category':
          return ctx?.category;
        case 'verb':
          return ctx?.verb;
        case 'time':
          return isoTime(facts.lastMs);
        default:
          return facts.extra?.[field];
      }
    });
    const candidate: AlertCandidate = {
      id,
      dedupKey,
      ruleId: rule.id,
      kind: rule.kind,
      severity: rule.severity,
      title,
      groupKey: facts.groupKey,
      group: facts.group,
      eventIds: facts.eventIds,
      eventCount: facts.eventCount,
      windowStart: isoTime(facts.windowStartMs),
      firstTime: isoTime(facts.firstMs),
      lastTime: isoTime(facts.lastMs),
    };
    if (facts.value !== undefined) candidate.value = facts.value;
    return candidate;
  }
}
