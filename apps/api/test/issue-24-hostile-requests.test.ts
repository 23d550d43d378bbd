// What a security review and the fuzz tier found, kept as plain tests over real HTTP.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../src/app.js';
import { AUTH, buildTestApp, stubAws } from './helpers.js';

let app: ApiApp;
let port: number;

beforeAll(async () => {
  const { aws } = stubAws({ rds: { DescribeDBClusters: () => ({ DBClusters: [] }) } });
  app = await buildTestApp(aws);
  port = Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port);
});

/** Sends raw bytes and reads the whole answer (the server closes or the test's 5 s run out). */
function rawExchange(request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.end(request);
  });
}

afterAll(async () => {
  await app?.close();
});

describe('fuzz regressions', () => {
  it('a duplicated query parameter whose name contains "timeout" is a 400, not "AWS unreachable" (seed 20261206)', async () => {
    const res = await app.inject({ method: 'GET', url: '/clusters/Infinity/status-events?timeoutSeconds=%F0%B6%AB%8C&timeoutSeconds=%F0%B6%AB%8C', headers: AUTH });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.json().awsCode).toBeUndefined();
  });

  it.each(['POST /keys', 'DELETE /keys/k-1', 'POST /nowhere', 'DELETE /load-runs/x'])('%s with a 20 MB body: the client reads a 413, the connection is not reset mid-upload', async (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { ...AUTH, 'content-type': 'application/json' }, body: 'x'.repeat(20 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers content-length errors and oversized headers in the one error body, not Fastify\'s', async () => {
    const twice = await rawExchange('POST /keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\nContent-Length: 3\r\n\r\n{}');
    expect(twice).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(twice.slice(twice.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'CONTENT_LENGTH_MISMATCH' });
    const notANumber = await rawExchange('POST /keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}');
    expect(JSON.parse(notANumber.slice(notANumber.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'CONTENT_LENGTH_MISMATCH' });
    const huge = await rawExchange(`GET /keys HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
  });
});
