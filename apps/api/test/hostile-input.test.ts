import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { BODY_LIMIT_BYTES } from '../src/app.js';
import { AUTH, buildTestApp, stubAws } from './helpers.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POST_ROUTES = ['/keys', '/clusters/c1/activity-stream', '/load-runs', '/keys/k-1/cancel-deletion'];
const ERROR_KEYS = new Set(['code', 'message', 'awsCode', 'field']);

/** A body that is never valid: broken JSON, wrong top-level types, wrong field types, junk bytes. */
function malformedBody(random: () => number, index: number): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const junk = (n: number) => Array.from({ length: n }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
  switch (index % 10) {
    case 0:
      return `{${junk(1 + Math.floor(random() * 40))}`;
    case 1:
      return JSON.stringify({ alias: pick([1, true, null, [], {}]), kmsKeyId: pick([2, false, null, {}]), parameters: pick([1, 'x', []]) }).slice(
        0,
        -1 - Math.floor(random() * 5),
      );
    case 2:
      return pick(['[]', '"string"', '42', 'true', 'null', '[{"alias":"a"}]']);
    case 3:
      return JSON.stringify({ alias: pick([1, true, null, ['x'], { a: 1 }]), kmsKeyId: pick([1, true, null, ['k']]), instanceIds: pick(['i-1', 5, {}]) });
    case 4:
      return `${'['.repeat(1000 + Math.floor(random() * 5000))}`;
    case 5:
      return JSON.stringify({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } }, alias: 7, kmsKeyId: 7, parameters: 7 });
    case 6:
      return junk(1 + Math.floor(random() * 200));
    case 7:
      return JSON.stringify({ alias: `../../${junk(5)}`, kmsKeyId: `k\u0000${junk(3)}`, instanceIds: ['../../etc/passwd'], parameters: { dbUser: '' } });
    case 8:
      return `{"alias": "a", "kmsKeyId": "k", "parameters": {"threads": ${pick(['-1', '1e309', '"4"', '0.5', 'NaN'])}}, "x": }`;
    default:
      return JSON.stringify({ alias: 'a'.repeat(300 + Math.floor(random() * 2000)), kmsKeyId: 'k'.repeat(2100), parameters: { warehouses: -5 } });
  }
}

function expectErrorShape(res: { statusCode: number; body: string; json: () => unknown }, context: string) {
  expect(res.statusCode, context).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, context).toBeLessThan(500);
  const body = res.json() as Record<string, unknown>;
  expect(typeof body.code, context).toBe('string');
  expect(typeof body.message, context).toBe('string');
  for (const key of Object.keys(body)) expect(ERROR_KEYS.has(key), `${context}: key ${key}`).toBe(true);
  expect(res.body, context).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|\/work\//);
}

let app: ApiApp;
let awsCalls: unknown[];
beforeAll(async () => {
  const { aws, calls } = stubAws();
  awsCalls = calls;
  app = await buildTestApp(aws);
});
afterAll(async () => {
  await app.close();
});

describe('hostile input', () => {
  it('answers 500 malformed bodies with a 4xx in the one error shape and keeps serving', async () => {
    const random = prng(20261125);
    for (let i = 0; i < 500; i++) {
      const url = POST_ROUTES[i % POST_ROUTES.length] ?? '/keys';
      const payload = malformedBody(random, i);
      const res = await app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'application/json' }, payload });
      expectErrorShape(res, `#${i} ${url} ${JSON.stringify(payload.slice(0, 80))}`);
    }
    expect(awsCalls).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses oversize payloads with 413', async () => {
    const payload = JSON.stringify({ alias: 'a', description: 'x'.repeat(BODY_LIMIT_BYTES + 1) });
    const res = await app.inject({ method: 'POST', url: '/keys', headers: { ...AUTH, 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(413);
    expectErrorShape(res, 'oversize');
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    '/keys/..%2F..%2Fetc%2Fpasswd',
    '/keys/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/keys/%252e%252e%252fetc%252fpasswd',
    '/keys/k%00id',
    '/keys/..',
    '/clusters/..%2F..%2Fetc%2Fpasswd',
    '/clusters/c1%0d%0aX-Injected:%201',
    '/clusters/%2e%2e/activity-stream',
    '/load-runs/..%2F..%2Fetc%2Fpasswd',
    '/load-runs/%2e%2e%2fetc%2fpasswd',
    '/keys/../../etc/passwd',
    '/clusters/../../../etc/passwd',
    `/keys/${'a'.repeat(5000)}`,
  ])('rejects the id in path #%# with a 4xx', async (url) => {
    const res = await app.inject({ method: 'GET', url, headers: AUTH });
    expectErrorShape(res, url.slice(0, 100));
    expect(res.body).not.toContain('root:');
  });

  it.each([
    ['text/plain', 'alias=x'],
    ['application/xml', '<alias>x</alias>'],
    ['application/x-www-form-urlencoded', 'alias=x'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="alias"\r\n\r\nx\r\n--x--'],
    ['application/jsonx', '{"alias":"x"}'],
    ['', '{"alias":"x"}'],
  ])('answers 415 to content type %j', async (contentType, payload) => {
    const res = await app.inject({ method: 'POST', url: '/keys', headers: { ...AUTH, 'content-type': contentType }, payload });
    expectErrorShape(res, contentType);
    expect(res.statusCode).toBe(415);
  });

  it('still serves a valid request afterwards', async () => {
    const res = await app.inject({ method: 'GET', url: '/console-config' });
    expect(res.statusCode).toBe(200);
  });
});
