import { createHash } from 'node:crypto';
import { ALERT_SEVERITIES, type AlertSeverity } from '@das/core';
import type { WebhookEndpoint } from '@das/alerts-delivery';
import type { Alert } from '@das/contracts';
import type { WebhookAlert } from '@das/alerts-delivery';

/**
 * `DAS_ALERT_WEBHOOKS`: a JSON list of `{url, secret, format?: json|slack, minSeverity?, id?}`.
 * The id (part of each delivery's id) defaults to a hash of the URL, so it stays the same across
 * restarts. Returns the endpoints, or the problems found.
 */
export function parseAlertWebhooks(text: string | undefined): { endpoints: WebhookEndpoint[]; problems: string[] } {
  if (text === undefined || text.trim() === '') return { endpoints: [], problems: [] };
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return { endpoints: [], problems: ['DAS_ALERT_WEBHOOKS must be JSON: [{"url":"https://…","secret":"…","format":"json|slack"}]'] };
  }
  if (!Array.isArray(list)) return { endpoints: [], problems: ['DAS_ALERT_WEBHOOKS must be a JSON list'] };
  const endpoints: WebhookEndpoint[] = [];
  const problems: string[] = [];
  list.forEach((entry: unknown, i) => {
    const { url, secret, format, minSeverity, id } = (entry ?? {}) as Record<string, unknown>;
    const where = `DAS_ALERT_WEBHOOKS[${i}]`;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url)) return problems.push(`${where}.url must be an http(s) URL`);
    if (typeof secret !== 'string' || secret.length < 16) return problems.push(`${where}.secret must be a string of at least 16 characters`);
    if (format !== undefined && format !== 'json' && format !== 'slack') return problems.push(`${where}.format must be json or slack`);
    if (minSeverity !== undefined && !ALERT_SEVERITIES.includes(minSeverity as AlertSeverity)) return problems.push(`${where}.minSeverity must be one of ${ALERT_SEVERITIES.join(', ')}`);
    if (id !== undefined && (typeof id !== 'string' || !/^[\w.-]{1,64}$/.test(id))) return problems.push(`${where}.id must be 1-64 letters, digits, _ . -`);
    endpoints.push({
      id: (id as string | undefined) ?? `hook-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`,
      url,
      secret,
      ...(format === undefined ? {} : { format }),
      ...(minSeverity === undefined ? {} : { minSeverity: minSeverity as AlertSeverity }),
    });
    return undefined;
  });
  if (new Set(endpoints.map((e) => e.id)).size !== endpoints.length) problems.push('DAS_ALERT_WEBHOOKS: two endpoints have the same id (or URL)');
  return { endpoints, problems };
}

/** A stored alert as a webhook carries it. */
export function webhookAlert(alert: Alert): WebhookAlert {
  const { value, status: _status, acknowledgedBy: _a, acknowledgedAt: _b, resolvedBy: _c, resolvedAt: _d, createdAt: _e, ...rest } = alert;
  return { ...rest, ...(value === null ? {} : { value }) };
}
