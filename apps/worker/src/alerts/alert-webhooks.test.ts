import { describe, expect, it } from 'vitest';
import { parseAlertWebhooks } from './alert-webhooks.js';

describe('DAS_ALERT_WEBHOOKS', () => {
  it('reads endpoints with a stable id from the URL unless given', () => {
    const secret = 'a-secret-of-some-length';
    const { endpoints, problems } = parseAlertWebhooks(JSON.stringify([{ url: 'https://hooks.example/a', secret }, { url: 'http://127.0.0.1:9/b', secret, format: 'slack', minSeverity: 'high', id: 'ops' }]));
    expect(problems).toEqual([]);
    expect(endpoints[0]).toEqual({ id: expect.stringMatching(/^hook-[0-9a-f]{12}$/), url: 'https://hooks.example/a', secret });
    expect(parseAlertWebhooks(JSON.stringify([{ url: 'https://hooks.example/a', secret }])).endpoints[0]?.id).toBe(endpoints[0]?.id);
    expect(endpoints[1]).toEqual({ id: 'ops', url: 'http://127.0.0.1:9/b', secret, format: 'slack', minSeverity: 'high' });
    expect(parseAlertWebhooks(undefined)).toEqual({ endpoints: [], problems: [] });
  });

  it('names every bad entry', () => {
    const { problems } = parseAlertWebhooks(JSON.stringify([{ url: 'ftp://x', secret: 'a-secret-of-some-length' }, { url: 'https://x', secret: 'short' }, { url: 'https://x', secret: 'a-secret-of-some-length', format: 'xml' }]));
    expect(problems).toEqual([expect.stringContaining('[0].url'), expect.stringContaining('[1].secret'), expect.stringContaining('[2].format')]);
    expect(parseAlertWebhooks('{nope').problems).toHaveLength(1);
  });
});
