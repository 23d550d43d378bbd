import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/worker-harness.js';
import { AlertRulesFileError, loadAlertRules } from './alert-rules.js';

describe('alert rules from the built-ins and DAS_ALERT_RULES', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  async function file(name: string, text: string): Promise<string> {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    await writeFile(`${dir.path}/${name}`, text);
    return `${dir.path}/${name}`;
  }

  it('runs the built-in rules with the sensitive tables when there is no file', async () => {
    const rules = await loadAlertRules({ sensitiveObjects: ['shop.cards'] });
    expect(rules.map((r) => r.rule.id)).toContain('failed-login-burst');
    expect(rules.every((r) => r.source === 'built-in')).toBe(true);
    expect(JSON.stringify(rules.find((r) => r.rule.id === 'sensitive-read')?.rule)).toContain('shop.cards');
  });

  it('adds YAML rules, replaces a built-in by id and turns one off by id alone', async () => {
    const path = await file(
      'rules.yaml',
      `rules:
  - id: drop-in-prod
    kind: event
    title: "{{verb}} by {{user}}"
    severity: critical
    match: { categories: [DDL], verbs: [DROP] }
  - id: failed-login-burst
    kind: threshold
    title: "{{count}} failed logins"
    severity: medium
    match: { categories: [auth], exit: failed }
    groupBy: [user]
    count: 3
    windowSeconds: 60
  - id: new-client-host
    enabled: false
`,
    );
    const rules = await loadAlertRules({ file: path, sensitiveObjects: [] });
    const byId = new Map(rules.map((r) => [r.rule.id, r]));
    expect(byId.get('drop-in-prod')).toMatchObject({ source: 'file', rule: { severity: 'critical' } });
    expect(byId.get('failed-login-burst')).toMatchObject({ source: 'file', rule: { count: 3 } });
    expect(byId.get('new-client-host')).toMatchObject({ source: 'built-in', rule: { enabled: false } });
  });

  it('reads a JSON list and refuses invalid rules with every problem named', async () => {
    const good = await file('rules.json', JSON.stringify([{ id: 'x', kind: 'event', title: 'x', severity: 'low', match: { users: ['a'] } }]));
    expect((await loadAlertRules({ file: good, sensitiveObjects: [] })).at(-1)?.rule.id).toBe('x');
    const bad = await file('bad.json', JSON.stringify([{ id: 'y', kind: 'threshold', title: '{{nope}}', severity: 'loud' }]));
    await expect(loadAlertRules({ file: bad, sensitiveObjects: [] })).rejects.toThrow(AlertRulesFileError);
    await expect(loadAlertRules({ file: bad, sensitiveObjects: [] })).rejects.toThrow(/\/0/);
    const broken = await file('broken.yaml', 'rules: [');
    await expect(loadAlertRules({ file: broken, sensitiveObjects: [] })).rejects.toThrow(AlertRulesFileError);
  });
});
