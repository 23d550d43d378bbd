import type { AlertSeverity } from '@das/core/alerts';

/** What a webhook says about an alert: an `AlertCandidate` or a stored alert fits. */
export interface WebhookAlert {
  id: string;
  ruleId: string;
  severity: AlertSeverity;
  title: string;
  firstTime: string;
  lastTime: string;
  kind?: string;
  groupKey?: string;
  group?: Record<string, string | null>;
  eventIds?: readonly (number | string)[];
  eventCount?: number;
  value?: number;
  windowStart?: string;
  /** A link to the alert (the console). */
  url?: string;
}

/** `json`: `{type, alert}`; `slack`: a Slack incoming-webhook message (`{text, blocks}`). */
export type WebhookFormat = 'json' | 'slack';

const SEVERITY_ICONS: Readonly<Record<AlertSeverity, string>> = {
  info: ':information_source:',
  low: ':large_blue_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

/** Slack's mrkdwn needs only these three escaped. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The request body for an alert, fixed at enqueue time so every retry sends the same bytes. */
export function buildWebhookBody(alert: WebhookAlert, format: WebhookFormat = 'json'): string {
  if (format === 'json') return JSON.stringify({ type: 'das.alert', version: 1, alert });
  const severity = alert.severity.toUpperCase();
  const title = slackEscape(alert.title);
  const facts = [
    `rule \`${slackEscape(alert.ruleId)}\``,
    alert.eventCount === undefined ? undefined : `${alert.eventCount} event${alert.eventCount === 1 ? '' : 's'}`,
    alert.firstTime === alert.lastTime ? alert.firstTime : `${alert.firstTime} – ${alert.lastTime}`,
  ].filter((f) => f !== undefined);
  const headline = alert.url === undefined ? `*${title}*` : `*<${slackEscape(alert.url)}|${title}>*`;
  return JSON.stringify({
    text: `[${severity}] ${alert.title}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${SEVERITY_ICONS[alert.severity]} *${severity}* ${headline}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: facts.join(' · ') }] },
    ],
  });
}
