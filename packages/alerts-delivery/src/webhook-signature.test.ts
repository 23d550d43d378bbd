import { describe, expect, it } from 'vitest';
import { signWebhook, verifySignature } from './webhook-signature.js';

const now = () => 1_700_000_000_000;
const body = '{"type":"das.alert"}';
const timestamp = 1_700_000_000;

describe('verifySignature', () => {
  it('accepts what signWebhook signed, with any of several secrets', () => {
    const signature = signWebhook('s3cret', timestamp, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature({ secret: 's3cret', body, timestamp: String(timestamp), signature, now })).toEqual({ ok: true });
    expect(verifySignature({ secret: ['old', 's3cret'], body, timestamp: String(timestamp), signature, now })).toEqual({ ok: true });
  });

  it('refuses a changed body, timestamp or secret, old or missing headers', () => {
    const signature = signWebhook('s3cret', timestamp, body);
    const check = (overrides: Partial<Parameters<typeof verifySignature>[0]>) =>
      verifySignature({ secret: 's3cret', body, timestamp: String(timestamp), signature, now, ...overrides });
    expect(check({ body: body + ' ' })).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(check({ timestamp: String(timestamp + 1) })).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(check({ secret: 'other' })).toEqual({ ok: false, reason: 'MISMATCH' });
    expect(check({ now: () => (timestamp + 301) * 1000 })).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'MISSING' });
    expect(check({ signature: 'sha1=abc' })).toEqual({ ok: false, reason: 'MALFORMED' });
  });
});
