import { describe, expect, it } from 'vitest';
import { buildWebhookBody, type WebhookAlert } from './webhook-payload.js';

const alert: WebhookAlert = {
  id: '3f2a9c0d1e4b5a67',
  ruleId: 'failed-login-burst',
  severity: 'high',
  title: '5 failed logins for app from <203.0.113.9>',
  firstTime: '2026-11-25T02:23:25.000Z',
  lastTime: '2026-11-25T02:24:45.000Z',
  eventIds: [1, 2, 3, 4, 5],
  eventCount: 5,
};

describe('buildWebhookBody', () => {
  it('wraps the alert in a typed JSON envelope', () => {
    expect(JSON.parse(buildWebhookBody(alert))).toEqual({ type: 'das.alert', version: 1, alert });
  });

  it('builds a Slack message with text and blocks, escaping mrkdwn', () => {
    const slack = JSON.parse(buildWebhookBody({ ...alert, url: 'http://console/alerts/1' }, 'slack'));
    expect(slack.text).toBe('[HIGH] 5 failed logins for app from <203.0.113.9>');
    expect(slack.blocks[0].text.text).toBe(':large_orange_circle: *HIGH* *<http://console/alerts/1|5 failed logins for app from &lt;203.0.113.9&gt;>*');
    expect(slack.blocks[1].elements[0].text).toBe('rule `failed-login-burst` · 5 events · 2026-11-25T02:23:25.000Z – 2026-11-25T02:24:45.000Z');
  });
});
