// Who may call the emulator: signed requests only (any credentials), only under the Host names it
// serves, never a web page. Each refusal is checked over real HTTP in the service's own shape.
import { connect as connectH2 } from 'node:http2';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLocal, signRequest, type LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator } from './helpers.js';
import { rawRequest, type RawResponse } from './raw-http.js';

const JSON_TYPE = 'application/x-amz-json-1.1';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const CLUSTER_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:auroralab-mysql-cluster';

let aws: LocalAws;
let dataDir: string;

beforeAll(async () => {
  ({ aws, dataDir } = await startTestEmulator({ allowedHosts: ['my-box.lan'] }));
});
afterAll(async () => {
  await aws?.close();
  await removeDir(dataDir);
});

const jsonError = (response: RawResponse) => JSON.parse(response.body) as { __type: string; message?: string; Message?: string };
const xmlCode = (response: RawResponse) => /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>(\w+)<\/Code><Message>[^<]+<\/Message>/.exec(response.body)?.[1];
const noCors = (response: RawResponse) => Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));

describe('unsigned and malformed requests', () => {
  it('refuses a cross-origin form POST and a GET ?Action= that a page could send without a preflight', async () => {
    const form = `Action=StopActivityStream&Version=2014-10-31&ResourceArn=${encodeURIComponent(CLUSTER_ARN)}`;
    const fromPage = await rawRequest(aws.endpoint, { headers: { 'content-type': FORM_TYPE, origin: 'https://evil.example' }, body: form, sign: false });
    expect(fromPage.status).toBe(403);
    expect(xmlCode(fromPage)).toBe('AccessDenied');
    // Without Origin (an old browser): still unsigned.
    const unsignedForm = await rawRequest(aws.endpoint, { headers: { 'content-type': FORM_TYPE }, body: form, sign: false });
    expect(unsignedForm.status).toBe(403);
    expect(xmlCode(unsignedForm)).toBe('MissingAuthenticationToken');
    const get = await rawRequest(aws.endpoint, { method: 'GET', path: `/?${form}`, sign: false });
    expect(get.status).toBe(403);
    expect(xmlCode(get)).toBe('MissingAuthenticationToken');
    for (const response of [fromPage, unsignedForm, get]) expect(noCors(response)).toEqual([]);
    const { rds } = sdkClients(aws.endpoint);
    try {
      expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters![0]!.ActivityStreamStatus ?? 'stopped').toBe('stopped');
    } finally {
      rds.destroy();
    }
  });

  it('refuses a presigned-looking GET that a page sends (Sec-Fetch-Site), and takes a well-formed one otherwise', async () => {
    const now = new Date();
    const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const presigned = new URLSearchParams({
      Action: 'DescribeDBClusters',
      Version: '2014-10-31',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `AKID/${amzDate.slice(0, 8)}/us-east-1/rds/aws4_request`,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': '300',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': 'a'.repeat(64),
    });
    const fromImg = await rawRequest(aws.endpoint, { method: 'GET', path: `/?${presigned}`, headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }, sign: false });
    expect(fromImg.status).toBe(403);
    expect(xmlCode(fromImg)).toBe('AccessDenied');
    const byTool = await rawRequest(aws.endpoint, { method: 'GET', path: `/?${presigned}`, sign: false });
    expect(byTool.status).toBe(200);
    expect(byTool.body).toContain('<DescribeDBClustersResult>');
    presigned.set('X-Amz-Signature', 'not-hex');
    const badSignature = await rawRequest(aws.endpoint, { method: 'GET', path: `/?${presigned}`, sign: false });
    expect([badSignature.status, xmlCode(badSignature)]).toEqual([400, 'IncompleteSignature']);
  });

  it('answers an unsigned JSON call with 403 MissingAuthenticationTokenException, in each JSON service shape', async () => {
    for (const [target, member] of [['TrentService.ListKeys', 'message'], ['Kinesis_20131202.ListStreams', 'message'], ['AmazonSSM.ListCommands', 'Message']] as const) {
      const response = await rawRequest(aws.endpoint, { headers: { 'content-type': JSON_TYPE, 'x-amz-target': target }, body: '{}', sign: false });
      expect(response.status).toBe(403);
      expect(jsonError(response)).toEqual({ __type: 'MissingAuthenticationTokenException', [member]: 'Missing Authentication Token' });
      expect(response.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    }
  });

  it('answers a malformed Authorization header with IncompleteSignature and a stale one with an expired-signature error', async () => {
    const signed = signRequest({ method: 'POST', url: aws.endpoint, headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.ListKeys' }, body: '{}', service: 'kms' });
    const authorization = signed['authorization']!;
    const malformed: Array<[string, Record<string, string>]> = [
      ['SigV2', { authorization: 'AWS AKID:c2lnbmF0dXJl' }],
      ['no SignedHeaders', { authorization: authorization.replace(/, SignedHeaders=[^,]+/, '') }],
      ['no Signature', { authorization: authorization.replace(/, Signature=\w+/, '') }],
      ['short signature', { authorization: authorization.replace(/Signature=\w+/, 'Signature=abc') }],
      ['host not signed', { authorization: authorization.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date') }],
      ['bad terminator', { authorization: authorization.replace('aws4_request', 'aws5_request') }],
      ['short scope', { authorization: authorization.replace(/Credential=[^,]+/, 'Credential=AKID/kms') }],
      ['scope date off', { authorization: authorization.replace(/\/\d{8}\//, '/20200101/') }],
      ['no date header', { 'x-amz-date': '' }],
      ['garbled date', { 'x-amz-date': '2026-12-06 10:00' }],
    ];
    for (const [label, change] of malformed) {
      const headers = { ...signed, ...change };
      if (headers['x-amz-date'] === '') delete headers['x-amz-date'];
      const response = await rawRequest(aws.endpoint, { headers, body: '{}', sign: false });
      expect([label, response.status, jsonError(response).__type]).toEqual([label, 403, 'IncompleteSignatureException']);
    }
    const hourAgo = Date.now() - 3_600_000;
    const stale = signRequest({ method: 'POST', url: aws.endpoint, headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.ListKeys' }, body: '{}', service: 'kms', now: hourAgo });
    const staleJson = await rawRequest(aws.endpoint, { headers: stale, body: '{}', sign: false });
    expect([staleJson.status, jsonError(staleJson).__type]).toEqual([403, 'InvalidSignatureException']);
    expect(jsonError(staleJson).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const staleRds = signRequest({ method: 'POST', url: aws.endpoint, headers: { 'content-type': FORM_TYPE }, body: 'Action=DescribeDBClusters&Version=2014-10-31', service: 'rds', now: hourAgo });
    const staleXml = await rawRequest(aws.endpoint, { headers: staleRds, body: 'Action=DescribeDBClusters&Version=2014-10-31', sign: false });
    expect([staleXml.status, xmlCode(staleXml)]).toEqual([400, 'RequestExpired']);
  });

  it('signs /_local/* too: unsigned is refused, fetchLocal works', async () => {
    const unsigned = await rawRequest(aws.endpoint, { method: 'GET', path: '/_local/stats', sign: false });
    expect([unsigned.status, jsonError(unsigned).__type]).toEqual([403, 'MissingAuthenticationTokenException']);
    const reset = await rawRequest(aws.endpoint, { method: 'DELETE', path: '/_local/stats', sign: false });
    expect(reset.status).toBe(403);
    const stats = await fetchLocal(aws.endpoint, '/_local/stats');
    expect(stats.status).toBe(200);
    expect(await stats.json()).toHaveProperty('calls');
    expect((await fetchLocal(aws.endpoint, '/_local/nope')).status).toBe(404);
  });

  it('refuses a CORS preflight and sends no CORS headers', async () => {
    const preflight = await rawRequest(aws.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-amz-target' },
      sign: false,
    });
    expect(preflight.status).toBe(403);
    expect(noCors(preflight)).toEqual([]);
    // A signed call that names a page's Origin is refused too (no page is legitimate here).
    const withOrigin = await rawRequest(aws.endpoint, { headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.ListKeys', origin: 'http://localhost:5173' }, body: '{}' });
    expect([withOrigin.status, jsonError(withOrigin).__type]).toEqual([403, 'AccessDeniedException']);
  });
});

describe('Host names', () => {
  const listKeys = (host: string) =>
    rawRequest(aws.endpoint, { headers: { host, 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.ListKeys' }, body: '{}' });

  it('refuses a foreign Host (DNS rebinding) before KMS runs, signed or not', async () => {
    const { kms } = sdkClients(aws.endpoint);
    let ciphertext: string;
    try {
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const encrypted = await rawRequest(aws.endpoint, { headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.Encrypt' }, body: JSON.stringify({ KeyId: key.KeyId, Plaintext: 'c2VjcmV0' }) });
      ciphertext = (JSON.parse(encrypted.body) as { CiphertextBlob: string }).CiphertextBlob;
    } finally {
      kms.destroy();
    }
    for (const host of [`evil.example:${aws.port}`, 'evil.example', '127.0.0.1.evil.example', 'localhost@evil.example']) {
      const decrypt = await rawRequest(aws.endpoint, { headers: { host, 'content-type': JSON_TYPE, 'x-amz-target': 'TrentService.Decrypt' }, body: JSON.stringify({ CiphertextBlob: ciphertext }) });
      expect([host, decrypt.status, jsonError(decrypt).__type]).toEqual([host, 403, 'AccessDeniedException']);
      expect(decrypt.body).not.toContain('Plaintext');
    }
    const rds = await rawRequest(aws.endpoint, { headers: { host: 'evil.example', 'content-type': FORM_TYPE }, body: 'Action=DescribeDBClusters&Version=2014-10-31' });
    expect([rds.status, xmlCode(rds)]).toEqual([403, 'AccessDenied']);
    const health = await rawRequest(aws.endpoint, { method: 'GET', path: '/health', headers: { host: 'evil.example' }, sign: false });
    expect(health.status).toBe(403);
  });

  it('refuses a foreign :authority over h2c', async () => {
    const session = connectH2(aws.endpoint);
    try {
      const signed = signRequest({ method: 'POST', url: aws.endpoint, headers: { 'content-type': JSON_TYPE, 'x-amz-target': 'Kinesis_20131202.ListStreams', host: 'evil.example' }, body: '{}', service: 'kinesis' });
      const { host: _host, ...headers } = signed;
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/', ':authority': 'evil.example', ...headers });
        stream.on('response', (responseHeaders) => resolve(Number(responseHeaders[':status'])));
        stream.on('error', reject);
        stream.resume();
        stream.end('{}');
      });
      expect(status).toBe(403);
    } finally {
      session.close();
    }
  });

  it('answers loopback names, the listen host and --allow-host names, with or without port', async () => {
    for (const host of [`127.0.0.1:${aws.port}`, '127.0.0.1', `localhost:${aws.port}`, 'LOCALHOST', `[::1]:${aws.port}`, '[::1]', 'my-box.lan:4566', 'My-Box.LAN']) {
      const response = await listKeys(host);
      expect([host, response.status]).toEqual([host, 200]);
    }
  });

  it('keeps serving the SDK (h2c for Kinesis, HTTP/1.1 for the rest)', async () => {
    const { kms, kinesis, rds } = sdkClients(aws.endpoint);
    try {
      expect((await kms.send(new ListKeysCommand({}))).Keys).toBeDefined();
      expect((await rds.send(new DescribeDBClustersCommand({}))).DBClusters).toHaveLength(1);
      expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
    } finally {
      for (const client of [kms, kinesis, rds]) client.destroy();
    }
  });
});
