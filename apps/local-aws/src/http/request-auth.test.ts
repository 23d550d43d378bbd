import { describe, expect, it } from 'vitest';
import { checkRequestAuth } from './request-auth.js';

const NOW = Date.UTC(2026, 11, 6, 10, 0, 0);
const SIGNATURE = 'f'.repeat(64);
const header = (credential = 'AKID/20261206/us-east-1/kms/aws4_request', signed = 'host;x-amz-date', signature = SIGNATURE) =>
  `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=${signature}`;

describe('checkRequestAuth', () => {
  it('accepts a well-formed header (X-Amz-Date or Date) and a presigned query, with any credentials', () => {
    expect(checkRequestAuth({ authorization: header(), 'x-amz-date': '20261206T095500Z' }, '/', NOW)).toMatchObject({ ok: true, service: 'kms', accessKeyId: 'AKID' });
    expect(checkRequestAuth({ authorization: header(undefined, ':authority;x-amz-date'), date: 'Sun, 06 Dec 2026 10:05:00 GMT' }, '/', NOW).ok).toBe(true);
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'x/20261206/eu-west-1/rds/aws4_request',
      'X-Amz-Date': '20261206T093000Z',
      'X-Amz-Expires': '3600',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': SIGNATURE,
    });
    expect(checkRequestAuth({}, `/?${query}`, NOW)).toMatchObject({ ok: true, service: 'rds', region: 'eu-west-1' });
    query.set('X-Amz-Expires', '60');
    expect(checkRequestAuth({}, `/?${query}`, NOW)).toMatchObject({ ok: false, kind: 'expired' });
    query.delete('X-Amz-Signature');
    expect(checkRequestAuth({}, `/?${query}`, NOW)).toMatchObject({ ok: false, kind: 'incomplete', message: expect.stringContaining('X-Amz-Signature') });
  });

  it('tells a missing signature from a malformed or stale one', () => {
    expect(checkRequestAuth({}, '/?Action=DescribeDBClusters', NOW)).toEqual({ ok: false, kind: 'missing', message: 'Missing Authentication Token' });
    const date = { 'x-amz-date': '20261206T100000Z' };
    const incomplete: Array<Record<string, string>> = [
      { authorization: 'Bearer token', ...date },
      { authorization: 'AWS4-HMAC-SHA256', ...date },
      { authorization: header('AKID/20261206/us-east-1/kms'), ...date },
      { authorization: header('/20261206/us-east-1/kms/aws4_request'), ...date },
      { authorization: header('AKID/20261206/US EAST/kms/aws4_request'), ...date },
      { authorization: header(undefined, 'x-amz-date'), ...date },
      { authorization: header(undefined, 'Host'), ...date },
      { authorization: header(undefined, undefined, SIGNATURE.toUpperCase()), ...date },
      { authorization: `${header()}, Signature=${SIGNATURE}`, ...date },
      { authorization: `${header()}, Extra=1`, ...date },
      { authorization: header() },
      { authorization: header(), 'x-amz-date': '20261306T100000Z' },
      { authorization: header(), 'x-amz-date': '20261205T235959Z' },
    ];
    for (const headers of incomplete) expect([headers, checkRequestAuth(headers, '/', NOW).ok]).toEqual([headers, false]);
    for (const headers of incomplete) expect(checkRequestAuth(headers, '/', NOW)).toMatchObject({ kind: 'incomplete' });
    expect(checkRequestAuth({ authorization: header(), 'x-amz-date': '20261206T094400Z' }, '/', NOW)).toMatchObject({ kind: 'expired', message: expect.stringMatching(/^Signature expired/) });
    expect(checkRequestAuth({ authorization: header(), 'x-amz-date': '20261206T101600Z' }, '/', NOW)).toMatchObject({ kind: 'expired', message: expect.stringMatching(/^Signature not yet current/) });
    expect(checkRequestAuth({ authorization: header() , ...date }, `/?X-Amz-Signature=${SIGNATURE}`, NOW)).toMatchObject({ kind: 'incomplete', message: expect.stringMatching(/Only one auth mechanism/) });
  });
});
