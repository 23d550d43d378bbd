import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { checkRequestAuth } from './request-auth.js';
import { signRequest } from './sign-request.js';

/** The Sha256 constructor @smithy/signature-v4 wants, over node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Buffer =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

describe('signRequest', () => {
  it('produces the signature the AWS SDK signer computes', async () => {
    const now = Date.UTC(2026, 11, 6, 10, 30, 0);
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    const body = 'Action=DescribeDBClusters&Version=2014-10-31';
    const ours = signRequest({
      method: 'POST',
      url: 'http://127.0.0.1:4566/_local/a%20b?z=1&a=2&a=1&sp=x%20y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      service: 'rds',
      region: 'eu-west-1',
      credentials,
      now,
    });
    const signer = new SignatureV4({ service: 'rds', region: 'eu-west-1', credentials, sha256: NodeSha256, uriEscapePath: true });
    const theirs = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4566,
        path: '/_local/a b',
        query: { z: '1', a: ['2', '1'], sp: 'x y' },
        headers: {
          host: '127.0.0.1:4566',
          'content-type': 'application/x-www-form-urlencoded',
          'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
        },
        body,
      },
      { signingDate: new Date(now) },
    );
    expect(ours['authorization']).toBe(theirs.headers['authorization']);
    expect(ours['x-amz-date']).toBe('20261206T103000Z');
  });

  it('signs what checkRequestAuth accepts', () => {
    const headers = signRequest({ url: 'http://localhost:1/_local/stats', service: 'das-local' });
    expect(checkRequestAuth(headers, '/_local/stats')).toEqual({ ok: true, accessKeyId: 'das-local', region: 'us-east-1', service: 'das-local' });
  });
});
