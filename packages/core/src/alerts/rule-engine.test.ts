import { describe, expect, it } from 'vitest';
import { buildHeartbeat, buildPayload, buildPostgresEvent } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import { failedLogin, login, statement, stored } from './alert-events.test-support.js';
import type { AlertRule, ThresholdRule } from './alert-rule-schema.js';
import { builtInRules } from './built-in-rules.js';
import { createRuleEngine, type RuleEngineState } from './rule-engine.js';
import { AlertRuleError } from './validate-alert-rule.js';

const burst: ThresholdRule = {
  id: 'burst',
  kind: 'threshold',
  title: '{{count}} failed logins for {{user}} from {{host}}',
  severity: 'high',
  match: { categories: ['auth'], exit: 'failed' },
  groupBy: ['user', 'remoteHost'],
  count: 3,
  windowSeconds: 60,
};

const now = () => Date.parse('2026-11-25T03:00:00Z');

/** A mixed stream in which several rules fire: bursts from two hosts, grants, a new host. */
function scenario() {
  const a = { user: 'app', host: '203.0.113.9' };
  const b = { user: 'ops', host: '203.0.113.10' };
  return stored([
    login({ user: 'app', host: '10.0.1.25' }, 0),
    ...[1, 2, 3, 4, 5].map((s) => failedLogin(a, s)),
    statement({ user: 'admin', host: '10.0.9.1', connectionId: 30 }, 6, "GRANT ALL ON shop.* TO 'x'@'%'"),
    ...[7, 8, 9].map((s) => failedLogin(b, s)),
    ...[100, 101, 102, 103, 104, 105].map((s) => failedLogin(a, s)),
    login({ user: 'app', host: '10.0.7.7' }, 4000),
    ...[4001, 4002, 4003].map((s) => failedLogin(b, s)),
  ]);
}

const rules = (): AlertRule[] => [...builtInRules({ newHostLearningSeconds: 3600 }), { ...burst, suppressSeconds: 30 }];

describe('createRuleEngine', () => {
  it('refuses invalid rules with the issues', () => {
    expect(() => createRuleEngine([{ ...burst, count: 0 }])).toThrow(AlertRuleError);
    expect(() => createRuleEngine([burst, burst])).toThrow(/RULE_DUPLICATE_ID/);
  });

  it('leaves disabled rules out', () => {
    const engine = createRuleEngine([{ ...burst, enabled: false }], { now });
    expect(engine.rules).toEqual([]);
    expect(engine.evaluate(stored([1, 2, 3].map((s) => failedLogin({ user: 'u', host: 'h' }, s))))).toEqual([]);
  });

  it('raises the same alerts, once, when restarted from its exported state at any point', () => {
    const events = scenario();
    const all = createRuleEngine(rules(), { now }).evaluate(events);
    expect(new Set(all.map((a) => a.ruleId))).toEqual(new Set(['failed-login-burst', 'burst', 'privilege-change', 'new-client-host', 'off-hours-activity']));
    for (const split of [1, 5, 9, 12, events.length - 1]) {
      const first = createRuleEngine(rules(), { now });
      const before = first.evaluate(events.slice(0, split));
      // The state goes through JSON, as it would through a store.
      const state = JSON.parse(JSON.stringify(first.exportState())) as RuleEngineState;
      const after = createRuleEngine(rules(), { now, state }).evaluate(events.slice(split));
      expect([...before, ...after]).toEqual(all);
    }
  });

  it('gives a replay of the same events from the same state the same alert ids (the store inserts them once)', () => {
    const events = scenario();
    const engine = createRuleEngine(rules(), { now });
    engine.evaluate(events.slice(0, 4));
    const state = engine.exportState();
    const once = createRuleEngine(rules(), { now, state }).evaluate(events.slice(4));
    const twice = createRuleEngine(rules(), { now, state }).evaluate(events.slice(4));
    expect(twice.map((a) => a.id)).toEqual(once.map((a) => a.id));
    expect(new Set(once.map((a) => a.id)).size).toBe(once.length);
  });

  it('does not change the state object it was given', () => {
    const engine = createRuleEngine([burst], { now });
    engine.evaluate(stored([1, 2].map((s) => failedLogin({ user: 'u', host: 'h' }, s))));
    const state = engine.exportState();
    const copy = JSON.stringify(state);
    createRuleEngine([burst], { now, state }).evaluate(stored([3, 4].map((s) => failedLogin({ user: 'u', host: 'h' }, s))));
    expect(JSON.stringify(state)).toBe(copy);
  });

  it('starts a rule afresh when its definition changed, but not for a new title or severity', () => {
    const engine = createRuleEngine([burst], { now });
    engine.evaluate(stored([1, 2].map((s) => failedLogin({ user: 'u', host: 'h' }, s))));
    const state = engine.exportState();
    const third = () => stored([failedLogin({ user: 'u', host: 'h' }, 3)]);
    expect(createRuleEngine([{ ...burst, title: 'Burst: {{user}}', severity: 'critical' }], { now, state }).evaluate(third())).toMatchObject([
      { title: 'Burst: u', severity: 'critical' },
    ]);
    expect(createRuleEngine([{ ...burst, windowSeconds: 120 }], { now, state }).evaluate(third())).toEqual([]);
  });

  it('keeps at most maxGroupsPerRule groups, evicting the least recently used', () => {
    const engine = createRuleEngine([burst], { now, maxGroupsPerRule: 3 });
    engine.evaluate(stored(Array.from({ length: 50 }, (_, i) => failedLogin({ user: `u${i}`, host: 'h' }, i))));
    const groups = engine.exportState().rules.burst?.state.groups as [string, unknown][];
    expect(groups.map(([key]) => key)).toEqual(['user=u47, remoteHost=h', 'user=u48, remoteHost=h', 'user=u49, remoteHost=h']);
  });

  it('holds fewer groups for thresholds with large counts, so a rule stays within its memory budget', () => {
    const engine = createRuleEngine([{ ...burst, count: 10_000, windowSeconds: 3600 }], { now });
    engine.evaluate(stored(Array.from({ length: 150 }, (_, i) => failedLogin({ user: `u${i}`, host: 'h' }, i))));
    expect(engine.exportState().rules.burst?.state.groups).toHaveLength(100);
  });

  it('drops expired windows from the exported state', () => {
    const engine = createRuleEngine([burst], { now });
    engine.evaluate(stored([failedLogin({ user: 'u', host: 'h' }, 0), login({ user: 'u', host: 'h' }, 500)]));
    expect(engine.exportState().rules.burst?.state.groups).toEqual([]);
  });

  it('sees heartbeats only in rules that ask for them', () => {
    const beat = normaliseEvents(buildPayload([buildHeartbeat('mysql', { logTime: '2026-11-25 02:00:00.000000+00' })]));
    const rule = (match: AlertRule['match']): AlertRule => ({ id: 'beats', kind: 'event', title: 'beat', severity: 'info', match });
    expect(createRuleEngine([rule({ heartbeats: true })], { now }).evaluate(beat)).toHaveLength(1);
    expect(createRuleEngine([rule({})], { now }).evaluate(beat)).toEqual([]);
    expect(createRuleEngine([rule({ heartbeats: true, categories: ['DQL'] })], { now }).evaluate(beat)).toEqual([]);
  });

  it('works on Aurora PostgreSQL events (AUTH FAILURE, GRANT)', () => {
    const pg = (overrides: Parameters<typeof buildPostgresEvent>[0], second: number) =>
      buildPostgresEvent({ logTime: `2026-11-25 02:00:0${second}.000000+00`, ...overrides });
    const events = normaliseEvents(
      buildPayload([
        ...[1, 2, 3].map((s) => pg({ command: 'AUTH FAILURE', class: 'MISC', commandText: null, dbUserName: 'app', remoteHost: '203.0.113.9', errorMessage: 'password authentication failed' }, s)),
        pg({ command: 'GRANT', class: 'ROLE', commandText: 'grant select on orders to report', dbUserName: 'admin' }, 4),
      ]),
    ).map((event, i) => ({ ...event, id: i + 1 }));
    const alerts = createRuleEngine([burst, ...builtInRules().filter((r) => r.id === 'privilege-change')], { now }).evaluate(events);
    expect(alerts.map((a) => [a.ruleId, a.title, a.eventIds])).toEqual([
      ['burst', '3 failed logins for app from 203.0.113.9', [1, 2, 3]],
      ['privilege-change', 'GRANT by admin from 172.31.3.195', [4]],
    ]);
  });

  it('gives deterministic ids from rule, group and window start', () => {
    const events = stored([1, 2, 3].map((s) => failedLogin({ user: 'u', host: 'h' }, s)));
    const [alert] = createRuleEngine([burst], { now }).evaluate(events);
    expect(alert).toMatchObject({ dedupKey: 'burst|user=u, remoteHost=h|2026-11-25T02:23:26.000Z', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const [again] = createRuleEngine([burst], { now }).evaluate(events.map((e) => ({ ...e })));
    expect(again?.id).toBe(alert?.id);
  });
});
