import { describe, expect, it } from 'vitest';
import { validateAlertRule, validateAlertRules } from './validate-alert-rule.js';

const rule = {
  id: 'grants',
  kind: 'event',
  title: '{{verb}} by {{user}}',
  severity: 'high',
  match: { users: ['admin'], categories: ['DCL'], patterns: ['grant\\s+all'] },
};

describe('validateAlertRule', () => {
  it('accepts a rule and a JSON round trip of it', () => {
    expect(validateAlertRule(rule)).toEqual({ ok: true, value: rule });
    expect(validateAlertRule(JSON.parse(JSON.stringify(rule)))).toMatchObject({ ok: true });
  });

  it.each([
    [{ ...rule, kind: 'sometimes' }, '/kind', 'RULE_UNKNOWN_KIND'],
    ['not a rule', '/kind', 'RULE_UNKNOWN_KIND'],
    [{ ...rule, severity: 'urgent' }, '/severity', 'RULE_INVALID'],
    [{ ...rule, id: 'Has Spaces' }, '/id', 'RULE_INVALID'],
    [{ ...rule, match: { user: ['admin'] } }, '/match', 'RULE_INVALID'],
    [{ ...rule, match: { categories: ['DQLX'] } }, '/match/categories/0', 'RULE_INVALID'],
    [{ ...rule, match: { patterns: ['(unclosed'] } }, '/match/patterns/0', 'RULE_BAD_PATTERN'],
    [{ ...rule, match: { excludePatterns: ['ok', '[z-a]'] } }, '/match/excludePatterns/1', 'RULE_BAD_PATTERN'],
    [{ ...rule, title: '{{count}} by {{usr}}' }, '/title', 'RULE_BAD_TEMPLATE'],
    [{ ...rule, kind: 'threshold', groupBy: ['user'], windowSeconds: 60 }, '/count', 'RULE_INVALID'],
    [{ ...rule, kind: 'threshold', groupBy: ['remoteHost'], count: 5, windowSeconds: 60, distinct: 'remoteHost' }, '/distinct', 'RULE_BAD_GROUPING'],
    [{ ...rule, kind: 'time_of_day', timeZone: 'Mars/Olympus', start: '08:00', end: '18:00' }, '/timeZone', 'RULE_BAD_TIME_ZONE'],
    [{ ...rule, kind: 'time_of_day', timeZone: 'UTC', start: '08:00', end: '08:00' }, '/end', 'RULE_EMPTY_HOURS'],
    [{ ...rule, kind: 'time_of_day', timeZone: 'UTC', start: '8:00', end: '18:00' }, '/start', 'RULE_INVALID'],
    [{ ...rule, kind: 'sum', field: 'rowCount', groupBy: ['sessionId'], threshold: 0 }, '/threshold', 'RULE_INVALID'],
  ])('refuses %j at %s with %s', (value, path, code) => {
    const result = validateAlertRule(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toContainEqual(expect.objectContaining({ path, code }));
  });
});

describe('validateAlertRules', () => {
  it('names duplicate ids and the rule an issue is in', () => {
    const result = validateAlertRules([rule, { ...rule, severity: 'nope' }, rule]);
    expect(result).toMatchObject({
      ok: false,
      issues: [
        { path: '/1/severity', code: 'RULE_INVALID' },
        { path: '/2/id', code: 'RULE_DUPLICATE_ID' },
      ],
    });
    expect(validateAlertRules({})).toMatchObject({ ok: false });
  });
});
